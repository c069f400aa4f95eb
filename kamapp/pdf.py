"""PDFs made from templates with WeasyPrint, and the ones kept as rows and mailed once: the
review packet, the cycle packet and the monthly state of key accounts share this and the
print stylesheet `css/packet.css`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string

from kamapp import outbox


def render(template: str, context: dict) -> tuple[bytes, int]:
    """The document's bytes and page count. A tagged PDF (PDF/UA-1), so screen readers get
    its headings and tables."""
    from weasyprint import CSS, HTML  # heavy: loaded when a PDF is made, not at start-up

    html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find("css/packet.css"))
    document = HTML(string=html, base_url=settings.SITE_URL).render(stylesheets=[stylesheet])
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def issue(
    model: type[models.Model],
    claim: dict,
    context: dict,
    *,
    template: str,
    recipients: list[str],
    subject: str,
    body: str,
    filename: str,
) -> tuple[models.Model, bool]:
    """Make the document once: the `model` row with the unique key `claim` is the claim (a
    second caller waits on that key, then finds the row: `(row, False)`). The new row gets
    the PDF of `template` and its mail (`body` template, PDF attached) is queued in the same
    transaction. Both templates see the row as `document`."""
    with transaction.atomic():
        row, created = model.objects.get_or_create(**claim, defaults={"pdf": b"", "pages": 0})
        if not created:
            return row, False
        context = {**context, "document": row}
        row.pdf, row.pages = render(template, context)
        row.recipients = recipients
        row.save(update_fields=["pdf", "pages", "recipients"])
        outbox.queue(
            row.tenant_id,
            f"{model._meta.label_lower}:{row.pk}",
            recipients,
            subject,
            render_to_string(body, context),
            attachment=(filename, bytes(row.pdf), "application/pdf"),
        )
    return row, True


def announce(request: HttpRequest, what: str, created: bool) -> None:
    """Tell the member who asked for a document whether it was made now or before."""
    if created:
        messages.success(request, f"{what} is ready and on its way to leadership.")
    else:
        messages.info(request, f"{what} exists already: download it below.")
