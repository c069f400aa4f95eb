"""The review packet: the finalised review as a PDF (WeasyPrint), mailed to leadership."""

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from kamapp import outbox
from kamapp.downloads import safe_filename
from kamapp.pdf import render
from reviews.models import PerformanceReview, ReviewPacket
from reviews.notify import leadership
from reviews.scorecard import chart
from reviews.summary import Summary, summarise


def render_pdf(review: PerformanceReview, summary: Summary) -> tuple[bytes, int]:
    """The packet's bytes and page count: page one is the `summary`, then the scorecard and
    the evidence (`kamapp.pdf.render`)."""
    card = review.scorecard
    context = {
        "review": review,
        "card": card,
        "summary": summary,
        "chart": chart(card),
        "now": timezone.now(),
    }
    return render("reviews/packet.html", context)


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
