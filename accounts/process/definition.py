"""The tenant's KAM process: the default every tenant starts with, and reading it back."""

from django.db.models.signals import post_save

from accounts.models import ProcessItem, ProcessStage, Tier
from kamapp.models import Tenant
from kamapp.rls import tenant_context

Rule = ProcessItem.Rule

# (stage, description, [(label, check, next step, tiers)]); an empty tier list means all tiers.
DEFAULT = [
    (
        "Know",
        "Know what the customer is trying to achieve.",
        [
            ("Customer goals recorded with KPIs", Rule.GOALS,
             "Record the customer's goals and give each a KPI.", []),
            ("Economic buyer and decision maker met in the last 90 days", Rule.BUYERS_MET,
             "Meet the economic buyer and the decision maker and log it.", []),
            ("Customer's priorities for the year confirmed", Rule.CONFIRMED,
             "Ask the customer what matters most this year and note it.", []),
        ],
    ),
    (
        "Act",
        "Act to make it happen: an action plan on time and on budget.",
        [
            ("Every open action has an owner and a due date", Rule.ACTIONS_OWNED,
             "Give every open action an owner and a due date.", []),
            ("A QBR held this quarter", Rule.QBR,
             "Hold a quarterly business review and log it as a QBR.",
             [Tier.STRATEGIC, Tier.KEY]),
            ("Plan reviewed within its cadence", Rule.PLAN_REVIEWED,
             "Review the account plan.", []),
        ],
    ),
    (
        "Measure",
        "Measure client results.",
        [
            ("Each KPI measured within its cadence", Rule.KPIS_MEASURED,
             "Record a fresh value for every KPI that is due.", []),
            ("Customer feedback within the last 6 months", Rule.FEEDBACK,
             "Send the customer a feedback survey.", []),
        ],
    ),
]  # fmt: skip


def seed_default(tenant_id: int, stage_model=ProcessStage, item_model=ProcessItem) -> None:
    """Give a tenant the default process unless it has one (the models can be a migration's)."""
    if stage_model.objects.filter(tenant_id=tenant_id).exists():
        return
    for order, (name, description, items) in enumerate(DEFAULT, start=1):
        stage = stage_model.objects.create(
            tenant_id=tenant_id, name=name, description=description, order=order
        )
        item_model.objects.bulk_create(
            item_model(
                tenant_id=tenant_id,
                stage=stage,
                label=label,
                rule=rule,
                next_step=step,
                tiers=[str(t) for t in tiers],
                order=n,
            )
            for n, (label, rule, step, tiers) in enumerate(items, start=1)
        )


def _on_tenant_created(sender, instance: Tenant, created: bool, **kwargs) -> None:
    if created:
        with tenant_context(instance.pk):
            seed_default(instance.pk)


def connect() -> None:
    post_save.connect(_on_tenant_created, sender=Tenant, dispatch_uid="process-default")


def items_for(tenant) -> list[ProcessItem]:
    """The process's items in order, each with its stage: one query."""
    return list(
        ProcessItem.objects.for_tenant(tenant)
        .select_related("stage")
        .order_by("stage__order", "stage_id", "order", "id")
    )
