"""Upload → preview with row-level errors → commit all-or-nothing (or download the errors).

Stateless: the preview form carries the file's text back in a hidden field and every step
checks it again."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import importers
from accounts.models import Contact, KeyAccount
from accounts.tasks import recalculate_tenant
from kamapp.downloads import csv_response, safe_filename
from kamapp.http import TenantRequest
from kamapp.policy import require_permission
from kamapp.queueing import send_on_commit


def _check(request: TenantRequest, kind: str, text: str) -> list[importers.Row]:
    rows = importers.read(text, kind)
    if kind == "account":
        importers.check_accounts(rows, request.tenant)
    else:
        visible = KeyAccount.objects.visible_to(request.membership).active()
        importers.check_contacts(rows, {a.name.lower(): a for a in visible})
    return rows


def _import(request: TenantRequest, slug: str, kind: str) -> HttpResponse:
    columns = importers.ACCOUNT_COLUMNS if kind == "account" else importers.CONTACT_COLUMNS
    context = {"kind": kind, "columns": columns, "required": importers.REQUIRED[kind]}
    if request.GET.get("template"):
        return csv_response(f"{kind}s-template.csv", [columns])
    if request.method == "GET":
        return render(request, "accounts/import.html", context)
    try:
        upload = request.FILES.get("file")
        text = importers.decode(upload) if upload else request.POST.get("content", "")
        if not text.strip():
            raise importers.UnreadableFile("Choose a CSV file to upload.")
        rows = _check(request, kind, text)
    except (importers.UnreadableFile, csv.Error) as error:
        return render(request, "accounts/import.html", {**context, "file_error": str(error)})
    bad = [row for row in rows if row.errors]
    action = request.POST.get("action")
    if action == "errors":
        return csv_response(f"{kind}-import-errors.csv", importers.error_report(bad))
    if action == "commit" and not bad:
        commit = importers.commit_accounts if kind == "account" else importers.commit_contacts
        count = commit(rows, request.tenant, request.user)
        tenant_id = request.tenant.pk  # new rows change health: rescore after the commit
        send_on_commit(recalculate_tenant, tenant_id)
        messages.success(request, f"Imported {count} {kind}{'s' if count != 1 else ''}.")
        return redirect("account-list", slug=slug)
    return render(
        request,
        "accounts/import.html",
        {**context, "rows": rows, "bad": bad, "content": text, "status": 200},
    )


@require_permission("account.import")
@require_http_methods(["GET", "POST"])
def account_import(request: TenantRequest, slug: str) -> HttpResponse:
    return _import(request, slug, "account")


@require_permission("account.import")
@require_http_methods(["GET", "POST"])
def contact_import(request: TenantRequest, slug: str) -> HttpResponse:
    return _import(request, slug, "contact")


@require_permission("account.view")
@require_GET
def contact_export(request: TenantRequest, slug: str) -> HttpResponse:
    contacts = (
        Contact.objects.filter(account__in=KeyAccount.objects.visible_to(request.membership))
        .select_related("account", "reports_to")
        .order_by("account__name", "name")
    )
    rows = [importers.CONTACT_COLUMNS, *(importers.contact_row(c) for c in contacts)]
    return csv_response(safe_filename(slug, "contacts", extension="csv"), rows)
