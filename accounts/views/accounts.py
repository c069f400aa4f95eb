from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import handovers, importers, portfolio
from accounts.access import account_access
from accounts.forms.accounts import AccountFilterForm, KeyAccountForm
from accounts.models import AccountPlan, AccountStatus
from kamapp.audit import record, record_change, snapshot
from kamapp.downloads import csv_response, safe_filename
from kamapp.http import TenantRequest, htmx_partial
from kamapp.members import paginate
from kamapp.policy import can, require_permission

AUDITED = [
    "name",
    "industry",
    "tier",
    "status",
    "owner_id",
    "contract_value",
    "currency",
    "renewal_date",
    "website",
]


def _filtered(request: TenantRequest):
    form = AccountFilterForm(
        request.GET, tenant=request.tenant, industries=portfolio.industries(request.membership)
    )
    data = form.cleaned_data if form.is_valid() else {}
    return form, portfolio.filtered(request.membership, data)


@require_permission("account.view")
@require_GET
def account_list(request: TenantRequest, slug: str) -> HttpResponse:
    form, accounts = _filtered(request)
    page = paginate(request, accounts.values_list("pk", flat=True), per_page=25)
    page.object_list = portfolio.rows(accounts, list(page.object_list), timezone.localdate())
    context = {"form": form, "page": page, "may_create": can(request.membership, "account.create")}
    template = "accounts/account_list.html"
    response = render(request, template + "#rows" if htmx_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_permission("account.view")
@require_GET
def account_export(request: TenantRequest, slug: str) -> HttpResponse:
    _, accounts = _filtered(request)
    accounts = accounts.select_related("owner__user")
    rows = [importers.ACCOUNT_COLUMNS, *(importers.account_row(a) for a in accounts)]
    return csv_response(safe_filename(slug, "accounts", extension="csv"), rows)


def _save(request: TenantRequest, form: KeyAccountForm, verb: str, before: dict | None):
    with transaction.atomic():
        account = form.save()
        form.save_team()
        AccountPlan.objects.get_or_create(tenant=request.tenant, account=account)
        record_change(request.tenant, request.user, verb, account, before, AUDITED)
        if before is not None:
            handovers.record(account, before["owner_id"], request.user)
    return account


@require_permission("account.create")
@require_http_methods(["GET", "POST"])
def account_create(request: TenantRequest, slug: str) -> HttpResponse:
    form = KeyAccountForm(
        request.POST or None, tenant=request.tenant, initial={"owner": request.membership}
    )
    if request.method == "POST" and form.is_valid():
        account = _save(request, form, "account.create", None)
        messages.success(request, f"{account.name} created. Next: write its plan.")
        return redirect("account-overview", slug=slug, keyaccount_pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def account_edit(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    before = snapshot(account, AUDITED)
    form = KeyAccountForm(request.POST or None, instance=account, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        _save(request, form, "account.update", before)
        messages.success(request, f"{account.name} saved.")
        return redirect("account-overview", slug=slug, keyaccount_pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


@require_POST
def account_archive(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    """Archive, or restore an archived account; the flash message offers the opposite."""
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    archiving = not account.is_archived
    account.status = AccountStatus.ARCHIVED if archiving else AccountStatus.ACTIVE
    account.archived_at = timezone.now() if archiving else None
    account.save(update_fields=["status", "archived_at", "updated_at"])
    record(
        request.tenant, request.user, "account.archive" if archiving else "account.restore", account
    )
    undo = reverse("account-archive", kwargs={"slug": slug, "keyaccount_pk": account.pk})
    messages.success(
        request,
        f"{account.name} {'archived' if archiving else 'restored'}.",
        extra_tags=f"undo:{undo}",  # base.html shows an Undo button posting there
    )
    return redirect(
        "account-list" if archiving else "account-overview",
        slug=slug,
        **({} if archiving else {"keyaccount_pk": account.pk}),
    )
