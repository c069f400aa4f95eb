"""The dynamic account plan: every save is a revision, a review stamps the next due date."""

import datetime
import difflib

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import metrics
from accounts.models import AccountPlan, KeyAccount, PlanRevision
from kamapp.audit import changes, record

FIELDS = ["summary", "strategy", "risks"]


def _revise(plan: AccountPlan, actor, kind: str, note: str) -> PlanRevision:
    number = (plan.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PlanRevision.objects.create(
        tenant_id=plan.tenant_id,
        plan=plan,
        number=number,
        kind=kind,
        note=note,
        author=actor,
        **{field: getattr(plan, field) for field in FIELDS},
    )


@transaction.atomic
def save(plan: AccountPlan, before: dict, actor, note: str = "") -> PlanRevision | None:
    """Keep the edited plan and a revision of it; nothing when no field changed."""
    changed = changes(before, plan, FIELDS)
    if not changed:
        return None
    plan.save()
    revision = _revise(plan, actor, PlanRevision.Kind.EDIT, note)
    record(
        plan.tenant,
        actor,
        "plan.update",
        plan,
        {"revision": revision.number, "fields": sorted(changed)},
    )
    return revision


@transaction.atomic
def review(account: KeyAccount, actor, note: str = "") -> AccountPlan:
    """The KAM went through the plan with fresh eyes: stamp it and set the next review."""
    plan = account.plan
    plan.last_reviewed_at = timezone.now()
    days = metrics.review_days(account.tenant.settings, account.tier)
    plan.next_review_due = timezone.localdate() + datetime.timedelta(days=days)
    plan.save(update_fields=["last_reviewed_at", "next_review_due", "updated_at"])
    revision = _revise(plan, actor, PlanRevision.Kind.REVIEW, note)
    record(
        account.tenant,
        actor,
        "plan.review",
        plan,
        {"revision": revision.number, "next_review_due": plan.next_review_due.isoformat()},
    )
    return plan


def field_diffs(revision: PlanRevision, previous: PlanRevision | None) -> list[dict]:
    """Per field, the lines of the previous revision and this one, marked added/removed."""
    out = []
    for field in FIELDS:
        old = getattr(previous, field, "") if previous else ""
        new = getattr(revision, field)
        lines = [
            {"kind": {"+": "added", "-": "removed", " ": "same"}[line[0]], "text": line[2:]}
            for line in difflib.ndiff(old.splitlines(), new.splitlines())
            if line[:1] in "+- "
        ]
        out.append({"field": field, "changed": old != new, "lines": lines})
    return out
