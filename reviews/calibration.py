"""Calibration of a cycle: every review side by side, how each reviewer rates against what
the data says, and a 9-box of review score against how hard the KAM's portfolio is.

A fixed number of queries for any number of reviews: the reviews with their ratings, the
evidence of all their KAMs at once, and the portfolios' RPM placements.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Tier
from kamapp.audit import record
from kamapp.models import Membership
from reviews import scorecard, workflow
from reviews.access import visible_reviews
from reviews.evidence import evidence
from reviews.models import CriterionRating, PerformanceReview, ReviewCycle
from rpm.models import Assessment

# a reviewer whose ratings run this many points (0–100) above or below the data gets a note
DRIFT = 15
BANDS = [(70, "high"), (40, "middle"), (0, "low")]
LEVELS = ["low", "middle", "high"]


@dataclass
class ReviewerSpread:
    reviewer: Membership | None
    counts: list[int] = field(default_factory=lambda: [0] * 5)  # ratings 1..5
    rating_scores: list[int] = field(default_factory=list)
    data_scores: list[int] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(self.counts)

    @property
    def rating_mean(self) -> int | None:
        return _mean(self.rating_scores)

    @property
    def data_mean(self) -> int | None:
        return _mean(self.data_scores)

    @property
    def drift(self) -> int | None:
        if None in (self.rating_mean, self.data_mean):
            return None
        return self.rating_mean - self.data_mean

    @property
    def note(self) -> str:
        if self.drift is None or abs(self.drift) < DRIFT:
            return ""
        side = "above" if self.drift > 0 else "below"
        return (
            f"Rates well {side} the data: ratings average {self.rating_mean}, "
            f"the data {self.data_mean} on the same reviews."
        )

    def bars(self) -> list[dict]:
        """The geometry of a small histogram of the ratings, 30 units at the most used."""
        top = max(self.counts) or 1
        return [
            {"rating": n, "count": c, "x": 22 * (n - 1), "height": round(30 * c / top)}
            | {"y": 30 - round(30 * c / top), "label_x": 22 * (n - 1) + 9}
            for n, c in enumerate(self.counts, start=1)
        ]


def _mean(values) -> int | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values)) if values else None


def band(score: int | None) -> str | None:
    if score is None:
        return None
    return next(name for floor, name in BANDS if score >= floor)


def _rpm(account_ids: list[int], cycle: ReviewCycle) -> dict[int, Assessment]:
    """Each account's last RPM placement on or before the period's end (one query)."""
    rows = (
        Assessment.objects.filter(account_id__in=account_ids, assessed_on__lte=cycle.period_end)
        .order_by("account_id", "-assessed_on", "-id")
        .distinct("account_id")
        .only("account_id", "stage", "maturity")
    )
    return {a.account_id: a for a in rows}


def difficulty(accounts: list[dict], placed: dict[int, Assessment]) -> int | None:
    """0 (easy) – 100 (hard): weak starting health, a strategic-heavy tier mix and an early
    RPM cell make a portfolio harder; the mean of whichever are known."""
    if not accounts:
        return None
    parts = []
    starts = [a["start_score"] for a in accounts if a.get("start_score") is not None]
    if starts:
        parts.append(100 - sum(starts) / len(starts))
    strategic = sum(a.get("tier") == Tier.STRATEGIC for a in accounts) / len(accounts)
    parts.append(100 * strategic)
    cells = [placed[a["id"]] for a in accounts if a.get("id") in placed]
    if cells:
        maturity = [((c.stage - 1) / 4 + (c.maturity - 1) / 3) / 2 for c in cells]
        parts.append(100 * (1 - sum(maturity) / len(maturity)))
    return round(sum(parts) / len(parts))


def _row(review: PerformanceReview, card: dict, placed: dict) -> dict:
    gaps, ratings, data = [], [], []
    for section in card["sections"]:
        for c in section["criteria"]:
            rated = scorecard.effective_rating(c)
            if rated is not None and c.get("self_rating") is not None:
                gaps.append(rated - c["self_rating"])
            weight = section["weight"] * c["weight"]
            if rated is not None:
                ratings.append((scorecard.rating_score(rated), weight))
            if c.get("metric_result"):
                data.append((c["metric_result"]["score"], weight))
    hardness = difficulty(card["accounts"], placed)
    return {
        "review": review,
        "adjustable": workflow.may_calibrate(review),
        "card": card,
        "gap": round(sum(gaps) / len(gaps), 1) if gaps else None,
        "rating_score": scorecard.weighted(ratings),
        "data_score": scorecard.weighted(data),
        "difficulty": hardness,
        "flagged_accounts": list(dict.fromkeys(f["account"] for f in card["red_flags"])),
        "box": (band(card["overall"]), band(hardness)),
    }


def calibration(member: Membership, cycle: ReviewCycle) -> dict:
    """The cycle's reviews the member may see, side by side, with the reviewers' spreads and
    the 9-box."""
    reviews = list(
        visible_reviews(member)
        .filter(cycle=cycle)
        .select_related("kam__user", "reviewer__user")
        .prefetch_related("ratings")
    )
    facts = evidence(cycle.tenant, [r.kam for r in reviews], cycle)
    sections = scorecard.sections_for(cycle)
    held = [a["id"] for f in facts.values() for a in f["accounts"]]
    placed = _rpm(held, cycle)
    rows = []
    for review in reviews:
        review.cycle = cycle
        card = review.scorecard
        if card is None:
            ratings = {r.criterion: r for r in review.ratings.all()}
            card = scorecard.build(copy.deepcopy(sections), facts[review.kam_id], ratings)
        card["accounts"] = facts[review.kam_id]["accounts"]  # ids and tiers for difficulty
        rows.append(_row(review, card, placed))
    spreads: dict[int | None, ReviewerSpread] = {}
    for row in rows:
        review = row["review"]
        spread = spreads.setdefault(review.reviewer_id, ReviewerSpread(review.reviewer))
        for c in scorecard.criteria(row["card"]["sections"]):
            if (rated := scorecard.effective_rating(c)) is not None:
                spread.counts[rated - 1] += 1
        if row["rating_score"] is not None and row["data_score"] is not None:
            spread.rating_scores.append(row["rating_score"])
            spread.data_scores.append(row["data_score"])
    boxes = defaultdict(list)
    for row in rows:
        boxes[row["box"]].append(row)
    grid = [
        (hard, [(score, boxes[(score, hard)]) for score in LEVELS]) for hard in reversed(LEVELS)
    ]
    unplaced = [row for row in rows if None in row["box"]]
    return {
        "rows": rows,
        "sections": [s["label"] for s in sections],
        "spreads": list(spreads.values()),
        "grid": grid,
        "unplaced": unplaced,
    }


@transaction.atomic
def adjust(review: PerformanceReview, actor, criterion: str, rating: int, reason: str) -> None:
    """A leader's calibration of one criterion's rating before the review is finalised: it
    stands over the reviewer's, with the reason, and is audited."""
    row, _ = CriterionRating.objects.get_or_create(
        tenant_id=review.tenant_id, review=review, criterion=criterion
    )
    before = row.calibrated_rating or row.manager_rating
    row.calibrated_rating, row.calibration_reason = rating, reason
    row.save(update_fields=["calibrated_rating", "calibration_reason"])
    record(
        review.tenant,
        actor,
        "review.calibrate",
        review,
        {criterion: [before, rating], "reason": reason},
    )
