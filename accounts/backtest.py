"""How well each alert rule foretold trouble: score every account as of each past week (the
history `health.gather(today=…)` reads), and count per rule how often an alert's opening was
followed within 90 days by a real downgrade — health falling to at risk, the relationship
stage regressing, or revenue dropping — and how often nothing followed."""

import datetime

from django.utils import timezone

from accounts import alerts, health

HORIZON = datetime.timedelta(days=90)
WEEK = datetime.timedelta(days=7)
REVENUE_DROP = -0.05  # last two quarters against the two before


def _downgrades(item: health.Inputs, verdict: health.Health) -> set[str]:
    money = health.money(item)
    out = set()
    if verdict.band == "at_risk":
        out.add("health at risk")
    if item.stage_regressed:
        out.add("stage regressed")
    if money is not None and money["growth"] <= REVENUE_DROP:
        out.add("revenue drop")
    return out


def backtest(tenant, since: datetime.date, until: datetime.date | None = None) -> dict:
    """Per rule: alerts opened (a rule firing where it did not the week before), those
    followed by a downgrade the account did not already have within 90 days, those with
    nothing following, and those too recent to tell. A fixed number of queries a week."""
    until = until or timezone.localdate()
    model = health.model_for(tenant)
    weeks: list[tuple[datetime.date, dict, dict]] = []  # (day, fired, downgrades) per account
    day = since
    while day <= until:
        inputs = health.gather(tenant, today=day)
        fired, down = {}, {}
        for pk, item in inputs.items():
            verdict = health.score(item, model, day)
            fired[pk] = set(alerts.findings(item, verdict, model, day))
            down[pk] = _downgrades(item, verdict)
        weeks.append((day, fired, down))
        day += WEEK
    rules = {
        name: {"opened": 0, "followed": 0, "nothing": 0, "pending": 0} for name in alerts.RULES
    }
    for n, (day, fired, down) in enumerate(weeks):
        before = weeks[n - 1][1] if n else {}
        for pk, names in fired.items():
            had = down[pk]
            followed = any(
                d.get(pk, set()) - had for when, _, d in weeks[n + 1 :] if when - day <= HORIZON
            )
            for name in names - before.get(pk, set()):
                tally = rules[name]
                tally["opened"] += 1
                if followed:
                    tally["followed"] += 1
                elif day + HORIZON > until:
                    tally["pending"] += 1
                else:
                    tally["nothing"] += 1
    for tally in rules.values():
        decided = tally["followed"] + tally["nothing"]
        tally["precision"] = round(tally["followed"] / decided, 2) if decided else None
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "weeks": len(weeks),
        "accounts": len(weeks[-1][1]) if weeks else 0,
        "ran_at": timezone.now().isoformat(timespec="minutes"),
        "rules": rules,
    }


def store(tenant, result: dict) -> None:
    """The last result, shown on the health model page."""
    tenant.settings["health_backtest"] = result
    tenant.save(update_fields=["settings"])
