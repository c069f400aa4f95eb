"""The one lookup path for accounts and their rows: inside the request's tenant, visible to
the member (else 404), and for writes editable by them (else 403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import KeyAccount
from kamapp.http import TenantRequest
from kamapp.policy import can


def get_account_for_member(request: TenantRequest, pk: int) -> KeyAccount:
    account = (
        KeyAccount.objects.visible_to(request.membership)
        .select_related("owner__user", "owner__manager", "plan")
        .filter(pk=pk)
        .first()
    )
    if account is None:
        raise Http404("No such account.")
    return account


def get_rw_account_for_member(request: TenantRequest, pk: int) -> KeyAccount:
    account = get_account_for_member(request, pk)
    if not can(request.membership, "account.edit", account):
        raise PermissionDenied
    return account


def get_child_or_404(model, account: KeyAccount, pk: int, **filters):
    """A row that belongs to `account` (and so to the request's tenant)."""
    obj = model.objects.filter(tenant_id=account.tenant_id, account=account, pk=pk, **filters)
    obj = obj.first()
    if obj is None:
        raise Http404
    return obj
