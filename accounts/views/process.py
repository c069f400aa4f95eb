"""Our KAM Process: the admins' editor, and the account's Process tab."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import account_access, get_process_item, get_process_stage
from accounts.forms.process import ConfirmationForm, ProcessItemForm, ProcessStageForm
from accounts.models import KeyAccount, ProcessConfirmation, ProcessStage
from accounts.process import conformance
from accounts.views.tabs import render_tab
from kamapp.audit import record, record_change, snapshot
from kamapp.http import TenantRequest
from kamapp.policy import require_permission

FORMS = {"stage": ProcessStageForm, "item": ProcessItemForm}


def _editor_context(request: TenantRequest, **forms) -> dict:
    stages = ProcessStage.objects.for_tenant(request.tenant).prefetch_related("items")
    return {
        "stages": stages,
        "stage_form": forms.get("stage") or ProcessStageForm(tenant=request.tenant),
        "item_form": forms.get("item") or ProcessItemForm(tenant=request.tenant),
    }


def _save(request: TenantRequest, form, verb: str, before: dict | None = None):
    with transaction.atomic():
        obj = form.save()
        record_change(request.tenant, request.user, verb, obj, before)
    return obj


@require_permission("process.configure")
@require_http_methods(["GET", "POST"])
def process_settings(request: TenantRequest, slug: str) -> HttpResponse:
    """The process, stage by stage, with a form to add a stage and one to add an item."""
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind in FORMS:
        form = FORMS[kind](request.POST, tenant=request.tenant)
        if form.is_valid():
            obj = _save(request, form, f"process.{kind}.create")
            messages.success(request, f"“{obj}” added to the process.")
            return redirect("process-settings", slug=slug)
        return render(
            request, "accounts/process_settings.html", _editor_context(request, **{kind: form})
        )
    return render(request, "accounts/process_settings.html", _editor_context(request))


def _edit(request: TenantRequest, obj, kind: str) -> HttpResponse:
    before = snapshot(obj)
    form = FORMS[kind](request.POST or None, instance=obj, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        _save(request, form, f"process.{kind}.update", before)
        messages.success(request, f"“{obj}” saved.")
        return redirect("process-settings", slug=request.tenant.slug)
    return render(
        request, "accounts/process_row_form.html", {"form": form, "object": obj, "noun": kind}
    )


def _delete(request: TenantRequest, obj, kind: str) -> HttpResponse:
    with transaction.atomic():
        record(request.tenant, request.user, f"process.{kind}.delete", obj, snapshot(obj))
        obj.delete()
    messages.success(request, f"“{obj}” removed from the process.")
    return redirect("process-settings", slug=request.tenant.slug)


@require_permission("process.configure")
@require_http_methods(["GET", "POST"])
def process_stage_edit(request: TenantRequest, slug: str, processstage_pk: int) -> HttpResponse:
    return _edit(request, get_process_stage(request.tenant, processstage_pk), "stage")


@require_permission("process.configure")
@require_POST
def process_stage_delete(request: TenantRequest, slug: str, processstage_pk: int) -> HttpResponse:
    stage = get_process_stage(request.tenant, processstage_pk)
    if stage.items.exists():
        messages.error(request, f"“{stage}” still has items: move or remove them first.")
        return redirect("process-settings", slug=slug)
    return _delete(request, stage, "stage")


@require_permission("process.configure")
@require_http_methods(["GET", "POST"])
def process_item_edit(request: TenantRequest, slug: str, processitem_pk: int) -> HttpResponse:
    return _edit(request, get_process_item(request.tenant, processitem_pk), "item")


@require_permission("process.configure")
@require_POST
def process_item_delete(request: TenantRequest, slug: str, processitem_pk: int) -> HttpResponse:
    return _delete(request, get_process_item(request.tenant, processitem_pk), "item")


def process_context(account: KeyAccount) -> dict:
    today = timezone.localdate()
    accounts = KeyAccount.objects.filter(pk=account.pk)
    found = conformance.for_accounts(account.tenant, accounts, today)[account.pk]
    return {"conformance": found, "confirm_form": ConfirmationForm(initial={"confirmed_on": today})}


@require_GET
def account_process(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    return render_tab(request, access, "process", process_context(access.obj))


@require_POST
def process_confirm(
    request: TenantRequest, slug: str, keyaccount_pk: int, processitem_pk: int
) -> HttpResponse:
    """The KAM confirms a KAM-confirmed item for the account, with a note and a date."""
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    item = get_process_item(request.tenant, processitem_pk)
    form = ConfirmationForm(
        request.POST,
        instance=ProcessConfirmation(
            tenant=request.tenant, account=account, item=item, confirmed_by=request.user
        ),
    )
    if item.rule != item.Rule.CONFIRMED:
        messages.error(request, "This item is checked from the account's data.")
    elif form.is_valid():
        _save(request, form, "process.confirm")
        messages.success(request, f"“{item}” confirmed.")
    else:
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"Not confirmed: {errors}")
    return redirect("account-process", slug=slug, keyaccount_pk=account.pk)
