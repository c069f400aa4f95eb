"""The one lookup path for accounts and their rows: inside the request's tenant, visible to
the member (else 404), with whether the member may change them (writes: else 403).

The rights on a row of an account (a KPI, an alert, a plan revision…) are the account's."""

from django.http import Http404

from accounts.models import KPI, KeyAccount, PlanRevision, ProcessItem, ProcessStage, RiskAlert
from kamapp.access import Access, grant
from kamapp.models import Membership
from kamapp.policy import can


def account_access(membership: Membership, pk: int, *, edit: bool = False) -> Access[KeyAccount]:
    account = (
        KeyAccount.objects.visible_to(membership)
        .select_related("owner__user", "owner__manager", "plan")
        .filter(pk=pk)
        .first()
    )
    if account is None:
        raise Http404("No such account.")
    return grant(account, can(membership, "account.edit", account), edit=edit)


def alert_access(membership: Membership, pk: int, *, edit: bool = False) -> Access[RiskAlert]:
    alert = (
        RiskAlert.objects.visible_to(membership)
        .select_related("account__owner__manager")
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    return grant(alert, can(membership, "account.edit", alert.account), edit=edit)


def get_child_or_404(model, account: KeyAccount, pk: int, **filters):
    """A row that belongs to `account` (and so to the request's tenant)."""
    obj = model.objects.filter(tenant_id=account.tenant_id, account=account, pk=pk, **filters)
    return _found(obj.first())


def get_kpi(account: KeyAccount, pk: int) -> KPI:
    kpi = KPI.objects.filter(tenant_id=account.tenant_id, objective__account=account, pk=pk)
    return _found(kpi.first())


def get_plan_revision(account: KeyAccount, pk: int) -> PlanRevision:
    revision = PlanRevision.objects.filter(
        tenant_id=account.tenant_id, plan__account=account, pk=pk
    )
    return _found(revision.first())


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def get_process_stage(tenant, pk: int) -> ProcessStage:
    return _found(ProcessStage.objects.for_tenant(tenant).filter(pk=pk).first())


def get_process_item(tenant, pk: int) -> ProcessItem:
    return _found(
        ProcessItem.objects.for_tenant(tenant).select_related("stage").filter(pk=pk).first()
    )
