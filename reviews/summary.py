"""Page one of the review packet: the conclusion before the detail. The overall score and its
band, the change since the KAM's previous review, their team's average in the same cycle, the
reviewer's verdict, the worst red flags, and revenue and margin over the period in money."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum

from accounts.models import FinancialPeriod
from reviews.access import previous_in
from reviews.evidence import previous_period
from reviews.models import PerformanceReview

# the overall score's band, from the top; the packet mail and page one say it in words
BANDS = [
    (85, "Exceeds expectations"),
    (65, "Meets expectations"),
    (45, "Partly meets expectations"),
    (0, "Below expectations"),
]
TOP_FLAGS = 3


def band(score: int | None) -> str:
    if score is None:
        return "Not scored"
    return next(label for floor, label in BANDS if score >= floor)


@dataclass
class Money:
    revenue: Decimal = Decimal(0)
    margin: Decimal = Decimal(0)
    revenue_before: Decimal = Decimal(0)
    margin_before: Decimal = Decimal(0)
    currency: str = ""

    @property
    def known(self) -> bool:
        return bool(self.revenue or self.revenue_before)

    @staticmethod
    def _change(now: Decimal, before: Decimal) -> float | None:
        return float((now - before) / abs(before)) if before else None

    @property
    def revenue_change(self) -> float | None:
        return self._change(self.revenue, self.revenue_before)

    @property
    def margin_change(self) -> float | None:
        return self._change(self.margin, self.margin_before)


@dataclass
class Summary:
    overall: int | None
    band: str
    previous: PerformanceReview | None
    change: int | None
    team_average: int | None
    team_reviews: int
    flags: list[dict]
    more_flags: int
    money: Money
    quotes: list[dict] = field(default_factory=list)
    later_answers: int = 0

    @property
    def outcome(self) -> str:
        """One line: "Overall 72, Meets expectations, +5 since Q2 2026"."""
        parts = [f"Overall {'—' if self.overall is None else self.overall}", self.band]
        if self.change is not None:
            sign = "±" if self.change == 0 else "+" if self.change > 0 else "−"
            parts.append(f"{sign}{abs(self.change)} since {self.previous.cycle.name}")
        elif self.previous is None:
            parts.append("first review")
        return ", ".join(parts)


def _team(review: PerformanceReview) -> dict:
    """The mean overall of the scored reviews in the cycle of KAMs with the same manager (the
    whole cycle for a KAM without one), this review included."""
    peers = review.cycle.reviews.filter(overall__isnull=False)
    if review.kam.manager_id is not None:
        peers = peers.filter(kam__manager=review.kam.manager_id)
    return peers.aggregate(mean=Avg("overall"), n=Count("id"))


def money(tenant, accounts: list[int], start: datetime.date, end: datetime.date) -> Money:
    """Revenue and margin of the accounts' financial periods that start in the review period,
    and in the period of the same length before it (as the daily rollup sums them)."""
    before = previous_period(start, end)
    margin = F("revenue") - F("cost") - F("discounts") - F("absorbed_costs")
    now = Q(period_start__range=(start, end))
    earlier = Q(period_start__gte=before, period_start__lt=start)
    rows = FinancialPeriod.objects.for_tenant(tenant).filter(account_id__in=accounts)
    # aliases other than the field names: an aggregate named "revenue" would shadow the field
    sums = rows.aggregate(
        now_revenue=Sum("revenue", filter=now),
        now_margin=Sum(margin, filter=now),
        before_revenue=Sum("revenue", filter=earlier),
        before_margin=Sum(margin, filter=earlier),
    )
    currency = rows.values_list("account__currency", flat=True).first() or ""
    return Money(
        revenue=sums["now_revenue"] or Decimal(0),
        margin=sums["now_margin"] or Decimal(0),
        revenue_before=sums["before_revenue"] or Decimal(0),
        margin_before=sums["before_margin"] or Decimal(0),
        currency=currency,
    )


def summarise(review: PerformanceReview, card: dict) -> Summary:
    cycle = review.cycle
    previous = previous_in(PerformanceReview.objects.for_tenant(review.tenant_id), review)
    overall = card.get("overall")
    change = None
    if previous is not None and None not in (previous.overall, overall):
        change = overall - previous.overall
    team = _team(review)
    flags = card.get("red_flags", [])
    # quotes from the period only: answers given during the review itself are scored, not quoted
    quotes = [f for f in card.get("feedback", []) if f["date"] <= cycle.period_end.isoformat()]
    return Summary(
        overall=overall,
        band=band(overall),
        previous=previous,
        change=change,
        team_average=None if team["mean"] is None else round(team["mean"]),
        team_reviews=team["n"],
        flags=flags[:TOP_FLAGS],
        more_flags=max(0, len(flags) - TOP_FLAGS),
        money=money(
            review.tenant_id,
            [a["id"] for a in card.get("accounts", [])],
            cycle.period_start,
            cycle.period_end,
        ),
        quotes=quotes,
        later_answers=len(card.get("feedback", [])) - len(quotes),
    )
