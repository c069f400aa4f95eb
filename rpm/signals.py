"""What the RPM adds to the rest of the app: its permissions, its facts in the health inputs,
its alert rules (relationship stage regressed, reassessment due) and its account tab."""

import datetime

from accounts import alerts, health, rescoring
from accounts.alerts import LOW, Finding
from accounts.views.tabs import Tab, register_tab
from kamapp import policy
from kamapp.models import Role
from rpm.matrix import cadence_days
from rpm.models import Assessment
from rpm.views import tab_context


def add_inputs(inputs: dict, ids, today: datetime.date) -> None:
    """The last two assessments of every account: one query."""
    seen: dict[int, list[Assessment]] = {}
    for a in (
        Assessment.objects.filter(account_id__in=ids)
        .order_by("account_id", "-assessed_on", "-id")
        .only("account_id", "stage", "assessed_on")
    ):
        seen.setdefault(a.account_id, []).append(a)
    for pk, item in inputs.items():
        past = seen.get(pk, [])
        item.extra["rpm_assessed_on"] = past[0].assessed_on if past else None
        item.stage_regressed = len(past) > 1 and past[0].stage < past[1].stage


def reassess(i, h, model, today):
    last = i.extra.get("rpm_assessed_on", today)
    cadence = model.get("rpm_cadence_days", 90)
    if last is not None and (today - last).days <= cadence:
        return None
    return Finding(
        LOW,
        "Not yet placed on the Relationship Process Matrix."
        if last is None
        else f"Last RPM assessment was on {last:%d %b %Y}.",
        "Assess the relationship stage and process maturity.",
        {},
    )


def register() -> None:
    policy.register("rpm.view", set(Role))
    policy.register("rpm.configure", {Role.ADMIN})
    health.EXTENSIONS.append(add_inputs)
    alerts.rule("rpm_reassess", "RPM reassessment due")(reassess)
    health.MODEL_HOOKS.append(
        lambda tenant, model: model.update(rpm_cadence_days=cadence_days(tenant))
    )
    register_tab(Tab("rpm", "RPM", "account-rpm", "rpm/account_tab.html", 100, tab_context))
    rescoring.watch(Assessment)
