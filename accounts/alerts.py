"""Risk alert rules: small named functions over the health inputs, and the alert lifecycle.

One live alert per account and rule (a partial unique index): evaluation opens it once,
refreshes its message while the condition holds, resolves it when the condition clears, and a
later recurrence opens a new one.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts import badges, health, metrics
from accounts.models import RiskAlert
from kamapp import db
from kamapp.audit import record

HIGH, MEDIUM, LOW = RiskAlert.Severity.HIGH, RiskAlert.Severity.MEDIUM, RiskAlert.Severity.LOW
DUE_DAYS = {HIGH: 3, MEDIUM: 7, LOW: 14}
NEW_ALERT_COLUMNS = {
    "account_id": "bigint",
    "rule": "text",
    "severity": "text",
    "message": "text",
    "action": "text",
    "details": "jsonb",
    "owner_id": "bigint",
    "due_date": "date",
}


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    action: str
    details: dict


Rule = Callable[[health.Inputs, health.Health, dict, datetime.date], Finding | None]
RULES: dict[str, tuple[str, Rule]] = {}


def rule(name: str, title: str):
    def register(fn: Rule) -> Rule:
        RULES[name] = (title, fn)
        return fn

    return register


@rule("no_contact", "No meaningful contact")
def no_contact(i, h, model, today):
    cadence = int(model["cadence_days"].get(i.tier, 30))
    days = (today - i.last_meaningful).days if i.last_meaningful else None
    if days is not None and days <= cadence:
        return None
    return Finding(
        HIGH if days is None or days > 2 * cadence else MEDIUM,
        f"No meaningful contact for {days} days (cadence {cadence})."
        if days is not None
        else "No meaningful contact logged yet.",
        "Have a strategic conversation with a decision maker and log it.",
        {"days": days, "cadence": cadence},
    )


@rule("plan_stale", "Plan stale")
def plan_stale(i, h, model, today):
    if i.next_review_due is not None and i.next_review_due >= today:
        return None
    return Finding(
        MEDIUM,
        f"The account plan was due for review on {i.next_review_due:%d %b %Y}."
        if i.next_review_due
        else "The account plan has never been reviewed.",
        "Review the plan with fresh data and mark it reviewed.",
        {"next_review_due": i.next_review_due.isoformat() if i.next_review_due else None},
    )


@rule("overdue_actions", "Overdue actions")
def overdue_actions(i, h, model, today):
    if not i.overdue_long:
        return None
    return Finding(
        MEDIUM if i.overdue >= 3 else LOW,
        f"{i.overdue} action(s) overdue, {i.overdue_long} by more than a week.",
        "Close the overdue actions or re-plan them with new dates.",
        {"overdue": i.overdue},
    )


@rule("health_drop", "Health dropped")
def health_drop(i, h, model, today):
    best, points = i.best_score_30d, model["thresholds"]["health_drop"]
    if h.score is None or best is None or best - h.score < points:
        return None
    return Finding(
        HIGH,
        f"Health fell from {best} to {h.score} within 30 days.",
        "Open “why this score” and act on the component that fell.",
        {"from": best, "to": h.score},
    )


@rule("renewal_risk", "Renewal at risk")
def renewal_risk(i, h, model, today):
    days = metrics.days_until(i.renewal_date, today)
    window = model["thresholds"]["renewal_days"]
    if days is None or not 0 <= days <= window or h.band != "at_risk":
        return None
    return Finding(
        HIGH,
        f"Renewal in {days} days with health {h.score} (at risk).",
        "Build a renewal plan with the economic buyer now.",
        {"days": days, "score": h.score},
    )


@rule("detractor", "Detractor feedback")
def detractor(i, h, model, today):
    if not i.nps:
        return None
    drop = i.nps[1] - i.nps[0] if len(i.nps) > 1 else 0
    if i.nps[0] > 6 and drop < 3:
        return None
    return Finding(
        HIGH if i.nps[0] <= 6 else MEDIUM,
        f"Latest NPS is {i.nps[0]}" + (f", down {drop} points." if drop >= 3 else "."),
        "Call the customer to hear the problem and agree a fix.",
        {"nps": i.nps[0], "drop": drop},
    )


@rule("margin_erosion", "Margin eroding")
def margin_erosion(i, h, model, today):
    m = health.money(i)
    limit = model["thresholds"]["leakage_pct"] / 100
    if m is None or (m["leakage"] <= limit and m["margin_change"] > -0.05):
        return None
    return Finding(
        MEDIUM,
        f"Discounts and absorbed costs are {m['leakage']:.0%} of revenue; margin moved "
        f"{100 * m['margin_change']:+.1f} points.",
        "Stop giving away margin: review discounts and costs absorbed for the customer.",
        {"leakage": round(m["leakage"], 3), "margin_change": round(m["margin_change"], 3)},
    )


@rule("upsell_without_results", "Upsell without customer results")
def upsell_without_results(i, h, model, today):
    m = health.money(i)
    if m is None or m["expansion_growth"] < 0.1 or not i.attainment_before:
        return None
    now = [a for values in i.attainment.values() for a in values]
    before = sum(i.attainment_before) / len(i.attainment_before)
    current = sum(now) / len(now) if now else 0
    if current > before + 0.02:
        return None
    return Finding(
        HIGH,
        f"Upsell and cross-sell grew {m['expansion_growth']:+.0%} while the customer's KPI "
        f"attainment went from {before:.0%} to {current:.0%}.",
        "Stop selling more until the customer's own goals move: fix delivery first.",
        {
            "expansion_growth": round(m["expansion_growth"], 3),
            "attainment_before": before,
            "attainment_now": current,
        },
    )


@rule("single_threaded", "Single-threaded")
def single_threaded(i, h, model, today):
    if i.engaged_contacts != 1:  # none at all is the no-contact rule's business
        return None
    return Finding(
        MEDIUM,
        f"Only {i.engaged_contacts} stakeholder engaged in the last 90 days.",
        "Build more threads: meet the economic buyer and a champion.",
        {"engaged": i.engaged_contacts},
    )


@rule("stage_regressed", "Relationship stage regressed")
def stage_regressed(i, h, model, today):
    # The hook for the Relationship Process Matrix: it sets `stage_regressed` on the inputs.
    if not i.stage_regressed:
        return None
    return Finding(
        HIGH,
        "The relationship stage moved down at the last assessment.",
        "Find out what changed and plan how to win the position back.",
        {},
    )


def findings(i: health.Inputs, h: health.Health, model: dict, today) -> dict[str, Finding]:
    out = {}
    for name, (_, fn) in RULES.items():
        found = fn(i, h, model, today)
        if found is not None:
            out[name] = found
    return out


@transaction.atomic
def evaluate(tenant, inputs: dict, verdicts: dict, model: dict, today, accounts=None) -> dict:
    """Open, refresh and resolve the tenant's alerts (only those of `accounts`, ids or a
    queryset of them, when given); returns counts. Safe to run twice or in two workers at
    once: new alerts are inserted with ON CONFLICT DO NOTHING."""
    # `details` are the numbers the message states: a changed message refreshes them, and
    # not reading them back spares parsing a JSON document per live alert
    fields = ["pk", "status", "severity", "message", "snoozed_until"]
    found = RiskAlert.objects.for_tenant(tenant).filter(status__in=RiskAlert.LIVE)
    if accounts is not None:
        found = found.filter(account_id__in=accounts)
    live = {
        # every live alert in scope: those of archived accounts resolve below
        (account, rule): dict(zip(fields, rest, strict=True))
        for account, rule, *rest in found.values_list("account_id", "rule", *fields)
    }
    now = timezone.now()
    new, changed, seen = [], [], set()
    for pk, item in inputs.items():
        for name, found in findings(item, verdicts[pk], model, today).items():
            seen.add((pk, name))
            alert = live.get((pk, name))
            if alert is None:
                new.append(
                    {
                        "account_id": pk,
                        "rule": name,
                        "severity": found.severity,
                        "message": found.message,
                        "action": found.action,
                        "details": found.details,
                        "owner_id": item.owner_id,
                        "due_date": today + datetime.timedelta(days=DUE_DAYS[found.severity]),
                    }
                )
                continue
            status = alert["status"]
            if status == RiskAlert.Status.SNOOZED and alert["snoozed_until"] <= today:
                status = RiskAlert.Status.OPEN
            after = {"status": status, "severity": found.severity, "message": found.message}
            if any(alert[key] != value for key, value in after.items()):
                # only what moved: a steady hourly run writes little
                changed.append(
                    RiskAlert(pk=alert["pk"], updated_at=now, details=found.details, **after)
                )
    # a concurrent run may have opened some: the partial unique index skips them
    opened = {"tenant_id": tenant.pk, "status": RiskAlert.Status.OPEN, "opened_at": now,
              "updated_at": now, "note": ""}  # fmt: skip
    inserted = db.insert_json(
        "accounts_riskalert", NEW_ALERT_COLUMNS, new, opened, skip_conflicts=True
    )
    RiskAlert.objects.bulk_update(
        changed, ["status", "severity", "message", "details", "updated_at"]
    )
    cleared = [a["pk"] for key, a in live.items() if key not in seen]
    RiskAlert.objects.filter(pk__in=cleared).update(
        status=RiskAlert.Status.RESOLVED,
        resolved_at=now,
        note="Resolved automatically: the condition cleared.",
        updated_at=now,
    )
    if inserted or changed or cleared:
        badges.alerts_changed(tenant.pk)
    return {"opened": inserted, "updated": len(changed), "resolved": len(cleared)}


def acknowledge(alert: RiskAlert, actor) -> None:
    _move(alert, actor, RiskAlert.Status.ACKNOWLEDGED)


def snooze(alert: RiskAlert, actor, until: datetime.date) -> None:
    alert.snoozed_until = until
    _move(alert, actor, RiskAlert.Status.SNOOZED, {"until": until.isoformat()})


def resolve(alert: RiskAlert, actor, note: str) -> None:
    alert.note, alert.resolved_at = note, timezone.now()
    _move(alert, actor, RiskAlert.Status.RESOLVED, {"note": note})


def _move(alert: RiskAlert, actor, status: str, extra: dict | None = None) -> None:
    old = alert.status
    alert.status = status
    alert.save()
    badges.alerts_changed(alert.tenant_id)
    record(
        alert.tenant, actor, f"alert.{status}", alert, {"status": [old, status], **(extra or {})}
    )
