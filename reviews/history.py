"""A KAM's reviews across cycles: overall and section scores as a trend."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from kamapp.charts import PALETTE, Series, line_chart
from reviews.models import PerformanceReview


@dataclass
class History:
    reviews: list[PerformanceReview]  # oldest first, with `section_scores` and `change`
    sections: list[str]  # the section labels, in the order of `section_scores`
    legend: list[tuple[str, str]]  # (series name, colour) of the chart
    chart: SafeString


def history(reviews: QuerySet[PerformanceReview]) -> History:
    """Every review, each finalised one with its section scores and its change since the
    previous finalised one, and the chart of overall and section scores (one query)."""
    rows = list(reviews.select_related("cycle", "reviewer__user").order_by("cycle__period_end"))
    judged = [r for r in rows if r.scorecard is not None]
    sections: dict[str, str] = {}
    for review in judged:
        sections |= {s["key"]: s["label"] for s in review.scorecard["sections"]}
    before = None
    for review in rows:
        scores = _scores(review)
        review.section_scores = [scores.get(key) for key in sections]
        review.change = None
        if review.scorecard is None:
            continue
        if before is not None and None not in (review.overall, before.overall):
            review.change = review.overall - before.overall
        before = review
    series = [Series("Overall", [r.overall for r in judged], PALETTE[0])]
    for n, (key, label) in enumerate(sections.items(), start=1):
        color = PALETTE[n % len(PALETTE)]
        series.append(Series(label, [_scores(r).get(key) for r in judged], color))
    chart = line_chart(
        [r.cycle.name for r in judged],
        series,
        title="Overall and section scores of each finalised review, out of 100",
        guides=[("", 0), ("", 100)],  # the whole scale, so small moves look small
    )
    legend = [(s.name, s.color) for s in series]
    return History(rows, list(sections.values()), legend, chart)


def _scores(review: PerformanceReview) -> dict[str, int | None]:
    return {s["key"]: s["score"] for s in (review.scorecard or {}).get("sections", [])}
