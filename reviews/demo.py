"""Demo reviews: last quarter's cycle (calibrated), one review waiting for its reviewer and,
in the full demo, one finalised after calibration (its packet is made by the worker) and one
waiting in calibration, and the quarter before it finalised for every KAM, so each has a
history."""

import datetime

from django.utils import timezone

from kamapp.models import Membership, Role
from reviews import scorecard, workflow
from reviews.models import ReviewCycle

SELF = {"kpi_attainment": 3, "account_health": 4, "relationships": 4, "customer_feedback": 4,
        "revenue": 3, "plan_discipline": 4, "execution": 3, "contact_cadence": 3,
        "leadership": 4}  # fmt: skip


def _last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = start - datetime.timedelta(days=1)
    return datetime.date(end.year, end.month - 2, 1), end


def seed(tenant, size: int | None = None) -> None:
    if ReviewCycle.objects.for_tenant(tenant).exists():
        return
    people = Membership.objects.for_tenant(tenant).active()
    opener = people.filter(role__in=[Role.LEADER, Role.ADMIN]).select_related("user").first()
    if opener is None:
        return
    start, end = _last_quarter(timezone.localdate())
    name = f"Q{(start.month - 1) // 3 + 1} {start.year}"
    today = timezone.localdate()
    dues = {
        "self_due": today + datetime.timedelta(days=7),
        "review_due": today + datetime.timedelta(days=21),
    }
    cycle = workflow.open_cycle(tenant, opener.user, name, start, end, calibrate=True, **dues)
    reviews = list(cycle.reviews.select_related("kam__user", "reviewer__user", "cycle", "tenant"))
    keys = [c["key"] for c in scorecard.criteria(scorecard.template_for(tenant))]
    # the first waits for its reviewer; the second is finalised after calibration; in the
    # full demo the third waits in calibration
    for n, review in enumerate(reviews[: 1 if size else 3]):
        workflow.submit_self_assessment(
            review,
            review.kam.user,
            "Grew two accounts and rebuilt the plan cadence; the discount pressure at one "
            "customer still needs work.",
            {key: (SELF.get(key), None) for key in keys},
        )
        if n == 0 or review.reviewer is None:
            continue
        workflow.submit_for_calibration(
            review,
            review.reviewer.user,
            "Strong relationships and plan discipline. Next period: protect margin "
            "and move the lagging KPIs before selling more.",
            {key: (SELF.get(key, 3), "") for key in keys},
        )
        if n == 1:
            workflow.finalise(review, review.reviewer.user, review.manager_summary)
    if size is None:
        _earlier(tenant, opener, start, keys)


def _earlier(tenant, opener, start: datetime.date, keys: list[str]) -> None:
    """The quarter before `start`, every review finalised by its reviewer (or the opener)."""
    end = start - datetime.timedelta(days=1)
    first = datetime.date(end.year, end.month - 2, 1)
    name = f"Q{(first.month - 1) // 3 + 1} {first.year}"
    cycle = workflow.open_cycle(tenant, opener.user, name, first, end)
    for n, review in enumerate(
        cycle.reviews.select_related("kam__user", "reviewer__user", "cycle", "tenant")
    ):
        given = {key: (max(1, SELF.get(key, 3) - n % 2), None) for key in keys}
        workflow.submit_self_assessment(review, review.kam.user, "A steady quarter.", given)
        judge = review.reviewer.user if review.reviewer else opener.user
        workflow.finalise(review, judge, "Solid; grow the contact cadence.",
                          {key: (3, "") for key in keys})  # fmt: skip
