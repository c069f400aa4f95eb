"""Risk alert rules: small named functions over the health inputs, and the alert lifecycle.

One live alert per account and rule (a partial unique index): evaluation opens it once,
refreshes its message while the condition holds, resolves it when the condition clears, and a
later recurrence opens a new one.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts import badges, health, metrics
from accounts.models import Origin, RiskAlert
from kamapp import db, navigation
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


def _young(i: health.Inputs, days: int) -> bool:
    return i.age_days is not None and i.age_days < days


def _said_by(voice: str) -> str:
    """Whose answer a sentiment finding rests on, in words."""
    if not voice:
        return ""
    if voice == Origin.CUSTOMER:
        return " (the customer’s own answer)"
    return f" ({Origin(voice).label}; no customer answers)"


@rule("no_contact", "No meaningful contact")
def no_contact(i, h, model, today):
    cadence = int(model["cadence_days"].get(i.tier, 30))
    days = (today - i.last_meaningful).days if i.last_meaningful else None
    if (days is not None and days <= cadence) or (days is None and _young(i, cadence)):
        return None  # an account younger than its cadence is not overdue a conversation
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
    if i.next_review_due is None and _young(i, model["thresholds"]["min_history_days"]):
        return None  # a new account's first plan is still being written
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
    # both ends need a score: no history, or not enough data now, and there is no drop
    best, points = i.best_score_30d, model["thresholds"]["health_drop"]
    if h.score is None or best is None or best - h.score < points:
        return None
    return Finding(
        HIGH,
        f"Health fell from {best} to {h.score} within 30 days.",
        "Open “why this score” and act on the component that fell.",
        {"from": best, "to": h.score},
    )


def _renewing_in(i: health.Inputs, model: dict, today) -> int | None:
    days = metrics.days_until(i.renewal_date, today)
    return days if days is not None and 0 <= days <= model["thresholds"]["renewal_days"] else None


@rule("renewal_risk", "Renewal at risk")
def renewal_risk(i, h, model, today):
    days = _renewing_in(i, model, today)
    if days is None or h.band not in {"watch", "at_risk"}:
        return None
    return Finding(
        HIGH if h.band == "at_risk" else MEDIUM,
        f"Renewal in {days} days with health {h.score} "
        f"({'at risk' if h.band == 'at_risk' else 'below healthy'}).",
        "Build a renewal plan with the economic buyer now.",
        {"days": days, "score": h.score},
    )


@rule("renewal_unsponsored", "Renewal without a sponsor")
def renewal_unsponsored(i, h, model, today):
    days = _renewing_in(i, model, today)
    if days is None or "economic_buyer" in i.roles_engaged:
        return None
    dm = "decision_maker" in i.roles_engaged
    return Finding(
        MEDIUM if dm else HIGH,
        f"Renewal in {days} days and the economic buyer "
        + ("not met in 90 days." if dm else "and decision maker not met in 90 days."),
        "Meet the economic buyer before the renewal is decided.",
        {"days": days, "decision_maker": dm},
    )


@rule("key_role_lost", "Key role lost")
def key_role_lost(i, h, model, today):
    cadence = int(model["cadence_days"].get(i.tier, 30))
    quiet_days = max(model["thresholds"]["key_role_quiet_days"], cadence)
    talking = i.last_meaningful is not None and (today - i.last_meaningful).days <= cadence
    lost = []
    for c in i.key_contacts:
        gone = c["left_on"]
        since = gone or today - datetime.timedelta(days=quiet_days)
        if gone is None and (not talking or c["met_year"] < 2 or c["last_met"] >= since):
            continue  # a silent account is no_contact's; never really engaged; met recently
        if gone is not None and (today - gone).days > 180:
            continue
        replaced = any(
            o is not c
            and o["role"] == c["role"]
            and not o["left_on"]
            and (o["last_met"] or since) > since
            for o in i.key_contacts
        )
        if not replaced:
            lost.append(c)
    if not lost:
        return None
    said = [
        f"{c['name']} ({c['role'].replace('_', ' ')}) "
        + (
            f"left on {c['left_on']:%d %b}"
            if c["left_on"]
            else f"not met since {c['last_met']:%d %b}"
        )
        for c in lost
    ]
    return Finding(
        MEDIUM if all(c["role"] == "champion" for c in lost) else HIGH,
        "Key role lost: " + "; ".join(said) + ".",
        "Re-engage them or find and meet their successor.",
        {"contacts": [c["name"] for c in lost]},
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
        f"Latest NPS is {i.nps[0]}{_said_by(i.voice)}"
        + (f", down {drop} points." if drop >= 3 else "."),
        "Call the customer to hear the problem and agree a fix.",
        {"nps": i.nps[0], "drop": drop, "voice": i.voice},
    )


@rule("sentiment_split", "KAM and customer disagree")
def sentiment_split(i, h, model, today):
    """What the KAM logged against what the customer answered, over the last half year."""
    since = today - datetime.timedelta(days=180)

    def mean(origins) -> float | None:
        scores = [
            n for o in origins for d, n, _ in i.said.get(o, []) if n is not None and d >= since
        ]
        return sum(scores) / len(scores) if scores else None

    customer, logged = mean([Origin.CUSTOMER]), mean([Origin.KAM, Origin.SUPERVISOR])
    gap = model["thresholds"]["sentiment_split"]
    if customer is None or logged is None or abs(logged - customer) < gap:
        return None
    return Finding(
        HIGH if logged > customer else MEDIUM,
        f"Logged feedback says NPS {logged:.0f}, the customer's own answers {customer:.0f}.",
        "Hear the customer directly: ask for a survey answer and compare notes.",
        {"logged": round(logged, 1), "customer": round(customer, 1)},
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


@rule("kpi_decline", "Customer KPIs deteriorating")
def kpi_decline(i, h, model, today):
    if not i.kpi_trend:  # no KPI measured a quarter ago: no trend yet
        return None
    before = sum(b for b, _ in i.kpi_trend) / len(i.kpi_trend)
    now = sum(n for _, n in i.kpi_trend) / len(i.kpi_trend)
    if before - now < model["thresholds"]["kpi_decline_pts"] / 100:
        return None
    m = health.money(i)
    growing = m is not None and (m["growth"] > 0.02 or m["expansion_growth"] > 0.1)
    return Finding(
        HIGH if growing else MEDIUM,
        f"The customer's KPI attainment fell from {before:.0%} to {now:.0%} over the quarter"
        + (" while our revenue grew." if growing else "."),
        "Find out what broke for the customer and put actions against it.",
        {"before": round(before, 3), "now": round(now, 3), "revenue_growing": growing},
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
    now = timezone.now()
    live, muted = {}, set()
    # every live alert of the tenant (those of archived accounts resolve below), and the
    # recently dismissed ones, whose rule stays quiet on that account for a while
    found = RiskAlert.objects.for_tenant(tenant).filter(
        Q(status__in=RiskAlert.LIVE)
        | Q(
            status=RiskAlert.Status.DISMISSED,
            updated_at__gte=now - datetime.timedelta(days=RiskAlert.DISMISSAL_DAYS),
        )
    )
    if accounts is not None:
        # a batch's ids travel as one array parameter, not one parameter each
        lookup = "account_id__in" if isinstance(accounts, QuerySet) else "account_id__any"
        found = found.filter(**{lookup: accounts})
    for account, rule, *rest in found.values_list("account_id", "rule", *fields):
        alert = dict(zip(fields, rest, strict=True))
        if alert["status"] == RiskAlert.Status.DISMISSED:
            muted.add((account, rule))
        else:
            live[(account, rule)] = alert
    new, changed, seen = [], [], set()
    for pk, item in inputs.items():
        for name, found in findings(item, verdicts[pk], model, today).items():
            seen.add((pk, name))
            alert = live.get((pk, name))
            if alert is None and (pk, name) in muted:
                continue
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
        cleared=True,
        note="Resolved automatically: the condition cleared.",
        updated_at=now,
    )
    if inserted or changed or cleared:
        navigation.changed(badges.TOPIC, tenant.pk)
    return {"opened": inserted, "updated": len(changed), "resolved": len(cleared)}


def acknowledge(alert: RiskAlert, actor) -> None:
    _move(alert, actor, RiskAlert.Status.ACKNOWLEDGED)


def snooze(alert: RiskAlert, actor, until: datetime.date) -> None:
    alert.snoozed_until = until
    _move(alert, actor, RiskAlert.Status.SNOOZED, {"until": until.isoformat()})


def resolve(alert: RiskAlert, actor, note: str) -> None:
    alert.note, alert.resolved_at = note, timezone.now()
    _move(alert, actor, RiskAlert.Status.RESOLVED, {"note": note})


def dismiss(alert: RiskAlert, actor, reason: str, note: str = "") -> None:
    """Not useful: the rule stays quiet on this account for `RiskAlert.DISMISSAL_DAYS`, and
    the dismissal counts against the rule on the health model page."""
    alert.dismissal, alert.note, alert.resolved_at = reason, note, timezone.now()
    _move(alert, actor, RiskAlert.Status.DISMISSED, {"reason": reason, "note": note})


def track_record(tenant, days: int = 90) -> dict[str, dict]:
    """Per rule, the alerts opened in the last `days`: how many, acted on by someone,
    resolved by the condition clearing, dismissed as not useful (one query)."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        RiskAlert.objects.for_tenant(tenant)
        .filter(opened_at__gte=since)
        .values("rule")
        .annotate(
            opened=Count("id"),
            acted=Count("id", filter=Q(acted_at__isnull=False)),
            cleared=Count("id", filter=Q(cleared=True)),
            dismissed=Count("id", filter=Q(status=RiskAlert.Status.DISMISSED)),
        )
        .order_by()
    )
    return {row.pop("rule"): row for row in rows}


def _move(alert: RiskAlert, actor, status: str, extra: dict | None = None) -> None:
    old = alert.status
    alert.status = status
    if status != RiskAlert.Status.DISMISSED:
        alert.acted_at = alert.acted_at or timezone.now()
    alert.save()
    navigation.changed(badges.TOPIC, alert.tenant_id)
    record(
        alert.tenant, actor, f"alert.{status}", alert, {"status": [old, status], **(extra or {})}
    )
