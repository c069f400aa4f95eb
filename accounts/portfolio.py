"""The account list and the portfolio: bounded pages of one annotated query and one aggregate
for the headline numbers, whatever the number of accounts."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import metrics
from accounts.models import (
    AccountStatus,
    Action,
    KeyAccount,
    RiskAlert,
)
from kamapp.models import Membership

OPEN_ACTIONS = [Action.Status.PLANNED, Action.Status.IN_PROGRESS]
SORTS = {
    "name": "name",
    "-name": "-name",
    "renewal": "renewal_date",
    "-renewal": "-renewal_date",
    "value": "contract_value",
    "-value": "-contract_value",
    "tier": "tier",
    "-tier": "-tier",
    "owner": "owner__user__full_name",
    "-owner": "-owner__user__full_name",
    "contact": "last_contact",
    "-contact": "-last_contact",
}


def annotated(accounts: QuerySet[KeyAccount], today: datetime.date) -> QuerySet[KeyAccount]:
    """Add the overdue action count (and the plan and owner the rows show)."""
    overdue = (
        Action.objects.filter(
            tenant=OuterRef("tenant"),
            account=OuterRef("pk"),
            status__in=OPEN_ACTIONS,
            due_date__lt=today,
        )
        .values("account")
        .annotate(n=Count("id"))
        .values("n")
    )
    return accounts.select_related("owner__user", "plan").annotate(
        overdue_actions=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0))
    )


def filtered(membership: Membership, data: dict) -> QuerySet[KeyAccount]:
    """The list's accounts for cleaned filter-form data, in the list's order (`rows`
    computes what a page shows)."""
    accounts = KeyAccount.objects.visible_to(membership)
    status = data.get("status")
    accounts = accounts.filter(status=status) if status else accounts.active()
    if query := data.get("q"):
        accounts = accounts.filter(Q(name__icontains=query) | Q(industry__icontains=query))
    for field in ("owner", "tier", "industry"):
        if value := data.get(field):
            accounts = accounts.filter(**{field: value})
    order = SORTS.get(data.get("sort") or "name", "name")
    return accounts.order_by(order, "name")


def rows(accounts: QuerySet[KeyAccount], ids: list[int], today: datetime.date) -> list:
    """The accounts of one page (`ids`, chosen by `accounts`' order alone) with what their
    rows show, computed for those rows only."""
    shown = annotated(accounts.filter(pk__in=ids), today)  # still the member's, in order
    return [decorate(account, today) for account in shown]


def industries(membership: Membership) -> list[str]:
    return list(
        KeyAccount.objects.visible_to(membership)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def decorate(account: KeyAccount, today: datetime.date) -> KeyAccount:
    """Derived values the templates show, computed from the annotations (no queries)."""
    plan = getattr(account, "plan", None)
    account.plan_stale = metrics.is_stale(plan.next_review_due if plan else None, today)
    account.days_since_contact = (
        (today - account.last_contact).days if account.last_contact else None
    )
    account.renews_in = metrics.days_until(account.renewal_date, today)
    return account


PAGE_SIZE = 25
URGENCIES = (0, 1, 2)  # `KeyAccount.health_urgency`: at risk, watch, the rest


def with_alerts(accounts: QuerySet[KeyAccount]) -> QuerySet[KeyAccount]:
    """Add the counts of live alerts: high ones, the others, and all (subqueries, one query)."""

    def live(high: bool) -> Coalesce:
        found = (
            RiskAlert.objects.filter(
                tenant=OuterRef("tenant"), account=OuterRef("pk"), status__in=RiskAlert.LIVE
            )
            .filter(
                Q(severity=RiskAlert.Severity.HIGH)
                if high
                else ~Q(severity=RiskAlert.Severity.HIGH)
            )
            .values("account")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Coalesce(Subquery(found, output_field=IntegerField()), Value(0))

    return accounts.annotate(high_alerts=live(True), other_alerts=live(False)).annotate(
        live_alerts=F("high_alerts") + F("other_alerts")
    )


def _urgency(accounts: QuerySet[KeyAccount], today: datetime.date) -> QuerySet[KeyAccount]:
    """Most urgent first: at-risk health, then watch; then the more of a live high alert,
    overdue actions, a stale plan and a renewal within 90 days; then the nearest renewal. The
    stored urgency leads so that Postgres walks the `keyaccount_urgency` index and sorts only
    the first bands' accounts by the rest (an incremental sort), not the whole portfolio; the
    flags are existence probes, so sorting a band costs one index probe per account and flag."""
    soon = today + datetime.timedelta(days=90)
    live_high = RiskAlert.objects.filter(
        tenant=OuterRef("tenant"),
        account=OuterRef("pk"),
        status__in=RiskAlert.LIVE,
        severity=RiskAlert.Severity.HIGH,
    )
    overdue = Action.objects.filter(
        tenant=OuterRef("tenant"),
        account=OuterRef("pk"),
        status__in=OPEN_ACTIONS,
        due_date__lt=today,
    )

    def flag(condition: Q | Exists) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0))

    return accounts.alias(
        flags=flag(Exists(live_high))
        + flag(Exists(overdue))
        + flag(Q(plan__next_review_due=None) | Q(plan__next_review_due__lt=today))
        + flag(Q(renewal_date__lte=soon)),
    ).order_by("health_urgency", "-flags", F("renewal_date").asc(nulls_last=True), "name", "pk")


def _open(membership: Membership) -> QuerySet[KeyAccount]:
    """The member's open accounts, one row each without DISTINCT (which an aggregate or an
    ordered subquery of ids can't take): a semi-join only where team links could repeat one."""
    visible = KeyAccount.objects.visible_to(membership).active()
    if not visible.query.distinct:
        return visible
    return KeyAccount.objects.for_tenant(membership.tenant).filter(pk__in=visible.values("pk"))


def stats(membership: Membership, today: datetime.date) -> dict:
    """The headline numbers over all the member's open accounts: two aggregate queries."""
    accounts = _open(membership)
    numbers = accounts.aggregate(
        accounts=Count("pk"),
        value=Sum("contract_value"),
        stale=Count(
            "pk", filter=Q(plan__next_review_due=None) | Q(plan__next_review_due__lt=today)
        ),
        renewals=Count(
            "pk",
            filter=Q(renewal_date__range=(today, today + datetime.timedelta(days=90))),
        ),
        at_risk=Count("pk", filter=Q(status=AccountStatus.AT_RISK)),
        **{
            f"urgency_{urgency}": Count("pk", filter=Q(health_urgency=urgency))
            for urgency in URGENCIES
        },
    )
    numbers["value"] = numbers["value"] or 0
    numbers["overdue"] = Action.objects.filter(
        tenant=membership.tenant,
        account__in=accounts.values("pk"),
        status__in=OPEN_ACTIONS,
        due_date__lt=today,
    ).count()
    return numbers


def _bands(numbers: dict, start: int) -> tuple[list[int], int]:
    """The urgencies whose accounts fall on the page starting at `start`, and the page's
    offset within the first of them: the page's query sorts only those bands."""
    bands, offset, before = [], 0, 0
    for urgency in URGENCIES:
        count = numbers[f"urgency_{urgency}"]
        if before + count > start and before < start + PAGE_SIZE:
            if not bands:
                offset = start - before
            bands.append(urgency)
        before += count
    return bands, offset


def portfolio(membership: Membership, page_number: str | None = None) -> dict:
    """The member's open accounts, most urgent first, one page at a time, with the headline
    numbers over all of them. The page's ids are chosen by the ordering alone, within the
    urgency bands the page falls in; the counts and dates the rows show are computed for those
    25 accounts only (one query all the same: the ids are its subquery)."""
    today = timezone.localdate()
    numbers = stats(membership, today)
    visible = _open(membership)
    paginator = Paginator(visible, PAGE_SIZE)
    paginator.count = numbers["accounts"]  # already known: the paginator need not ask again
    page: Page = paginator.get_page(page_number)
    bands, offset = _bands(numbers, max(page.start_index() - 1, 0))
    ids = _urgency(visible.filter(health_urgency__in=bands), today).values("pk")
    shown = KeyAccount.objects.for_tenant(membership.tenant).filter(
        pk__in=ids[offset : offset + PAGE_SIZE]
    )
    rows = _urgency(with_alerts(annotated(shown, today)), today)
    accounts = [decorate(account, today) for account in rows]
    return {"accounts": accounts, "page": page, "stats": numbers}
