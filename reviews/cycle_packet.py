"""The cycle packet: once a cycle's last review is finalised (or on demand), one PDF for
leadership with every KAM side by side (overall and section scores from the frozen
scorecards), the distribution of overall scores and each KAM's red flags. Rendered and mailed
as the review packet is (`kamapp.pdf`, `kamapp.outbox`), once: the `CyclePacket` row is the
claim. Its queries do not grow with the number of reviews."""

from django.template.defaultfilters import pluralize
from django.utils import timezone

from kamapp import charts, pdf
from kamapp.downloads import safe_filename
from reviews.models import CyclePacket, PerformanceReview, ReviewCycle
from reviews.notify import leadership
from reviews.summary import BANDS, band

Status = PerformanceReview.Status


def is_complete(cycle: ReviewCycle) -> bool:
    """Every review of the cycle is finalised (and it has some)."""
    statuses = set(cycle.reviews.values_list("status", flat=True).distinct())
    return statuses == {Status.FINALISED}


def contents(cycle: ReviewCycle) -> dict:
    """The KAMs' rows, the section names and the distribution (one query for the reviews)."""
    reviews = list(
        cycle.reviews.select_related("kam__user", "reviewer__user").order_by(
            "kam__user__full_name", "pk"
        )
    )
    cards = [review.scorecard or {} for review in reviews]
    sections = list(dict.fromkeys(s["label"] for card in cards for s in card.get("sections", [])))
    rows = []
    for review, card in zip(reviews, cards, strict=True):
        scores = {s["label"]: s.get("score") for s in card.get("sections", [])}
        rows.append(
            {
                "review": review,
                "band": band(review.overall),
                "sections": [scores.get(label) for label in sections],
                "flags": card.get("red_flags", []),
            }
        )
    counts = [(label, sum(row["band"] == label for row in rows)) for _, label in reversed(BANDS)]
    scored = [review.overall for review in reviews if review.overall is not None]
    return {
        "cycle": cycle,
        "rows": rows,
        "sections": sections,
        "distribution": counts,
        "mean": sum(scored) / len(scored) if scored else None,
        "chart": charts.line_chart(
            [label for label, _ in counts],
            [charts.Series("Reviews", [float(n) for _, n in counts])],
            title="Overall scores by band: " + ", ".join(f"{label} {n}" for label, n in counts),
            kind="bar",
            height=180,
        ),
    }


def send(cycle: ReviewCycle) -> tuple[CyclePacket, bool]:
    """The cycle's packet, made and mailed to leadership now, or the one made already (False)."""
    context = {**contents(cycle), "tenant": cycle.tenant, "made_at": timezone.now()}
    return pdf.issue(
        CyclePacket,
        {"tenant_id": cycle.tenant_id, "cycle": cycle},
        context,
        template="reviews/cycle_packet.html",
        recipients=leadership(cycle.tenant),
        subject=f"Review cycle packet: {cycle.name}, {len(context['rows'])} "
        f"KAM{pluralize(context['rows'])}",
        body="reviews/email/cycle_packet.txt",
        filename=filename(cycle),
    )


def filename(cycle: ReviewCycle) -> str:
    return safe_filename("review-cycle", cycle.name, extension="pdf")
