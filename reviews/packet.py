"""The review packet: the finalised review as a PDF (WeasyPrint), mailed to leadership."""

import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from kamapp import outbox
from kamapp.downloads import safe_filename
from reviews.models import PerformanceReview, ReviewPacket
from reviews.notify import leadership
from reviews.scorecard import chart
from reviews.summary import Summary, summarise


def render_pdf(review: PerformanceReview, summary: Summary) -> tuple[bytes, int]:
    """The packet's bytes and page count: page one is the `summary`, then the scorecard and
    the evidence. A tagged PDF (PDF/UA-1), so screen readers get its headings and tables."""
    from weasyprint import CSS, HTML  # heavy: loaded when a packet is made, not at start-up

    card = review.scorecard
    context = {
        "review": review,
        "card": card,
        "summary": summary,
        "chart": chart(card),
        "now": timezone.now(),
    }
    html = render_to_string("reviews/packet.html", context)
    stylesheet = CSS(filename=finders.find("css/packet.css"))
    document = HTML(string=html, base_url=settings.SITE_URL).render(stylesheets=[stylesheet])
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def send(review: PerformanceReview) -> ReviewPacket:
    """Render the packet and queue its mail with it (`kamapp.outbox`: sent once)."""
    summary = summarise(review, review.scorecard)
    pdf, pages = render_pdf(review, summary)
    packet = ReviewPacket.objects.create(
        tenant_id=review.tenant_id,
        review=review,
        pdf=pdf,
        pages=pages,
        checksum=hashlib.sha256(pdf).hexdigest(),
        recipients=leadership(review.tenant),
        sent_at=timezone.now(),
    )
    review.packets.filter(superseded_at=None).exclude(pk=packet.pk).update(
        superseded_at=packet.created_at
    )
    name = review.kam.user.full_name
    outbox.queue(
        review.tenant_id,
        f"packet:{review.pk}:{packet.pk}",
        packet.recipients,
        f"Review packet: {name}, {review.cycle.name}: {summary.outcome}{edition(review)}",
        render_to_string(
            "reviews/email/packet.txt", {"review": review, "packet": packet, "summary": summary}
        ),
        attachment=(filename(review), pdf, "application/pdf"),
    )
    return packet


def edition(review: PerformanceReview) -> str:
    """What sets this packet apart from the review's earlier ones, for the mail's subject."""
    parts = ["reissued after reopening"] if review.reopened_at else []
    if review.acknowledged_at:
        parts.append("signed off by the KAM")
    return "".join(f" · {part}" for part in parts)


def filename(review: PerformanceReview) -> str:
    return safe_filename("review", review.kam.user.full_name, review.cycle.name, extension="pdf")
