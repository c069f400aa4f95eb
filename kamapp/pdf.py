"""PDFs made from templates with WeasyPrint: the review packet, the cycle packet and the
monthly state of key accounts share this, and the print stylesheet `css/packet.css`."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def render(template: str, context: dict) -> tuple[bytes, int]:
    """The document's bytes and page count. A tagged PDF (PDF/UA-1), so screen readers get
    its headings and tables."""
    from weasyprint import CSS, HTML  # heavy: loaded when a PDF is made, not at start-up

    html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find("css/packet.css"))
    document = HTML(string=html, base_url=settings.SITE_URL).render(stylesheets=[stylesheet])
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)
