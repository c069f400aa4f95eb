"""What a review judges a KAM on: the accounts they held at the period's end, each account's
verdict then and at the period's start (or its handover, for an account taken over during
the period) and at the start of the period before, the red flags, and what customers said.

Health inputs are gathered once per day looked at (the period's end, its start, the start of
the period before, and each distinct handover day within the period), for all of the KAMs'
accounts at once: the number of queries does not grow with KAMs or accounts.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from accounts import alerts, handovers, health
from accounts.models import CustomerFeedback, KeyAccount, Origin
from accounts.process import conformance
from reviews import outcomes

# an account whose health fell by more than this over a period declined in it
DECLINE = 5
# discounts and absorbed costs rising by more than this share of revenue is a rise
LEAKAGE_RISE = 0.02


def previous_period(start: datetime.date, end: datetime.date) -> datetime.date:
    """The start of the period of the same length that ends the day before `start`."""
    return start - (end - start) - datetime.timedelta(days=1)


def _verdicts(tenant, model, days: dict[int, datetime.date]) -> dict[int, health.Health]:
    """Each account's verdict on its own day: one gather per distinct day."""
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for pk, day in days.items():
        by_day[day].append(pk)
    out = {}
    for day, ids in by_day.items():
        for pk, item in health.gather(tenant, ids, today=day).items():
            out[pk] = health.score(item, model, day)
    return out


def _held(tenant, kams: list, end: datetime.date):
    """The active accounts each KAM held at the end of `end`, as {account id: (owner, name)}."""
    ids = [kam.pk for kam in kams]
    candidates = (
        KeyAccount.objects.for_tenant(tenant)
        .active()
        .filter(Q(owner__in=ids) | Q(handovers__from_owner__in=ids, handovers__date__gt=end))
        .distinct()
    )
    owners = handovers.owners_on(candidates, end)
    names = dict(candidates.values_list("pk", "name"))
    held = {pk: (owner, names[pk]) for pk, owner in owners.items() if owner in ids}
    return held, candidates


def evidence(tenant, kams: list, cycle) -> dict[int, dict]:
    """Per KAM (membership id): their accounts with the verdicts at the period's end and
    start, red flags (today's rules as of the period's end, and the ones over time), and
    customer feedback from the period's start until today (answers to the surveys a reviewer
    sends count)."""
    start, end = cycle.period_start, cycle.period_end
    held, candidates = _held(tenant, kams, end)
    taken = {
        pk: day
        for pk, (owner, day) in handovers.taken_over(candidates, start, end).items()
        if pk in held and held[pk][0] == owner
    }
    model = health.model_for(tenant)
    inputs = health.gather(tenant, list(held), today=end)
    at_start = _verdicts(tenant, model, {pk: taken.get(pk, start) for pk in inputs})
    before = previous_period(start, end)
    at_before = _verdicts(tenant, model, {pk: before for pk in inputs if pk not in taken})
    out = {
        kam.pk: {
            "accounts": [],
            "verdicts": [],
            "start_verdicts": [],
            "flags": [],
            "feedback": [],
            "conformance": [],
            "objectives": outcomes.objectives_tally(),
            "renewals": outcomes.renewals_tally(),
            "earlier": {
                "objectives": outcomes.objectives_tally(),
                "renewals": outcomes.renewals_tally(),
            },
        }
        for kam in kams
    }
    followed = conformance.percents(tenant, candidates.filter(pk__in=list(held)), end)
    for pk, (owner, name) in held.items():
        item = inputs.get(pk)
        if item is None:
            continue
        verdict, first = health.score(item, model, end), at_start[pk]
        facts = out[owner]
        facts["verdicts"].append(verdict)
        facts["start_verdicts"].append(first)
        facts["conformance"].append(followed.get(pk))
        change = None if None in (verdict.score, first.score) else verdict.score - first.score
        facts["accounts"].append(
            {
                "id": pk,
                "name": name,
                "tier": item.tier,
                "score": verdict.score,
                "band": verdict.band,
                "start_score": first.score,
                "change": change,
                "since": taken[pk].isoformat() if pk in taken else None,
            }
        )
        for rule, found in alerts.findings(item, verdict, model, end).items():
            if found.severity != alerts.LOW:
                facts["flags"].append(
                    {
                        "account": name,
                        "rule": rule,
                        "severity": found.severity,
                        "message": found.message,
                    }
                )
        facts["flags"] += [
            {"account": name, **flag} for flag in flags_over_time(at_before.get(pk), first, verdict)
        ]
    _feedback(tenant, out, held, start, end)
    _outcomes(tenant, held, candidates, taken, start, end, out)
    for facts in out.values():
        facts["accounts"].sort(key=lambda a: (a["score"] is None, a["score"] or 0))
        facts["flags"].sort(key=lambda f: (f["severity"] != alerts.HIGH, f["account"]))
    return out


def _outcomes(tenant, held: dict, candidates, taken: dict, start, end, out: dict) -> None:
    """Objectives and renewals in the period, each account from its handover if taken over
    in it, and in the period before for the accounts the KAM held then (from a handover in
    that period, if any)."""
    windows = {pk: (taken.get(pk, start), end) for pk in held}
    before, last = previous_period(start, end), start - datetime.timedelta(days=1)
    earlier_taken = handovers.taken_over(candidates, before, last)
    earlier = {}
    for pk, (owner, _) in held.items():
        if pk in taken:  # the period before was someone else's
            continue
        if pk not in earlier_taken:
            earlier[pk] = (before, last)
        elif earlier_taken[pk][0] == owner:
            earlier[pk] = (earlier_taken[pk][1], last)
    outcomes.gather(tenant, held, windows, earlier, out)


def _feedback(tenant, out: dict, held: dict, start, end) -> None:
    said = (
        CustomerFeedback.objects.for_tenant(tenant)
        .filter(account_id__in=held, date__range=(start, max(end, timezone.localdate())))
        .order_by("-date", "-id")
        .values(
            "account_id",
            "date",
            "nps",
            "csat",
            "comment",
            "source",
            "contact__name",
            "kam_id",
            "kam_value",
        )
    )
    for row in said:
        owner, name = held[row["account_id"]]
        if row.pop("kam_id") != owner:  # said about the account's earlier KAM
            row["kam_value"] = None
        origin = CustomerFeedback.ORIGINS[row["source"]]
        out[owner]["feedback"].append(
            {
                **row,
                "account": name,
                "date": row["date"].isoformat(),
                "origin": origin,
                "origin_label": Origin(origin).label,
            }
        )


def _troubled(first: health.Health | None, last: health.Health) -> bool:
    """At risk at the end of a period, or clearly worse than at its start."""
    if last.band == "at_risk":
        return True
    known = first is not None and None not in (first.score, last.score)
    return known and last.score < first.score - DECLINE


def _fact(verdict: health.Health, component: str, name: str):
    return verdict.components.get(component, {}).get("facts", {}).get(name)


def flags_over_time(
    before: health.Health | None, start: health.Health, end: health.Health
) -> list[dict]:
    """Red flags that need two points in time: the same account at risk or declining in this
    period and the one before (`before` is None for an account taken over in the period,
    whose earlier periods were someone else's), and discounts and absorbed costs rising
    while the customer's satisfaction falls."""
    found = []
    if before is not None and _troubled(before, start) and _troubled(start, end):
        found.append(
            {
                "rule": "consistently_underperforming",
                "severity": alerts.HIGH,
                "message": "At risk or declining for two periods running "
                f"(health {before.score} → {start.score} → {end.score}).",
            }
        )
    leak_then, leak_now = _fact(start, "commercial", "leakage"), _fact(end, "commercial", "leakage")
    mood_then, mood_now = (v.components["sentiment"]["score"] for v in (start, end))
    if (
        None not in (leak_then, leak_now, mood_then, mood_now)
        and leak_now > leak_then + LEAKAGE_RISE
        and mood_now < mood_then
    ):
        found.append(
            {
                "rule": "buying_satisfaction",
                "severity": alerts.HIGH,
                "message": f"Discounts and absorbed costs rose from {leak_then:.0%} to "
                f"{leak_now:.0%} of revenue while satisfaction fell ({mood_then:.0f} → "
                f"{mood_now:.0f}): look at the reason.",
            }
        )
    return found
