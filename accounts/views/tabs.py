"""The account page: a header and tabs. Each tab is one template under
templates/accounts/tabs/, returned alone to HTMX and inside the full page otherwise."""

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from accounts.access import account_access, get_child_or_404
from accounts.models import KeyAccount
from kamapp.access import Access
from kamapp.audit import record_change, snapshot
from kamapp.http import TenantRequest, htmx_partial

TABS = [
    ("overview", "Overview", "account-overview"),
    ("health", "Health", "account-health"),
    ("plan", "Plan", "account-plan"),
    ("objectives", "Objectives & KPIs", "account-objectives"),
    ("actions", "Actions", "account-actions"),
    ("stakeholders", "Stakeholders", "account-stakeholders"),
    ("interactions", "Interactions", "account-interactions"),
    ("financials", "Financials", "account-financials"),
    ("feedback", "Feedback", "account-feedback"),
    ("rpm", "RPM", "account-rpm"),  # the rpm app's tab
    ("history", "History", "account-history"),
]


def render_tab(
    request: TenantRequest, access: Access[KeyAccount], tab: str, context: dict, status: int = 200
) -> HttpResponse:
    context = {
        "account": access.obj,
        "tab": tab,
        "tabs": TABS,
        "may_edit": access.may_edit,
        **context,
    }
    context["tab_template"] = f"accounts/tabs/{tab}.html"
    # HTMX gets the tab alone plus the tab bar out of band (to move the active marker).
    page = "accounts/tab_fragment.html" if htmx_partial(request) else "accounts/account_page.html"
    response = render(request, page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def save_audited(request: TenantRequest, form, verb: str, before: dict | None = None):
    """Save a row's form and record what changed (everything, for a new row)."""
    author = getattr(form, "author_field", None)
    if author and form.instance._state.adding:
        setattr(form.instance, author, request.user)
    with transaction.atomic():
        obj = form.save()
        record_change(request.tenant, request.user, verb, obj, before)
    return obj


def tab_view(tab: str, context: Callable[[KeyAccount], dict], form_class=None, noun: str = ""):
    """A tab that lists the account's rows (GET) and adds one from its form (POST)."""

    @require_http_methods(["GET", "POST"] if form_class else ["GET"])
    def view(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
        access = account_access(request.membership, keyaccount_pk)
        account = access.obj
        form = form_class(account=account) if form_class and access.may_edit else None
        if request.method == "POST":
            access.editable()
            form = form_class(request.POST, account=account)
            if form.is_valid():
                save_audited(request, form, f"{noun}.create")
                messages.success(request, f"{noun.capitalize()} added.")
                if not htmx_partial(request):
                    return redirect(f"account-{tab}", slug=slug, keyaccount_pk=account.pk)
                form = form_class(account=account)
        return render_tab(request, access, tab, {"form": form, **context(account)})

    return view


def edit_view(model, form_class, tab: str, noun: str):
    """Edit one row of the account on its own page, back to the tab when saved."""

    @require_http_methods(["GET", "POST"])
    def view(request: TenantRequest, slug: str, keyaccount_pk: int, **kwargs) -> HttpResponse:
        account = account_access(request.membership, keyaccount_pk, edit=True).obj
        obj = get_child_or_404(model, account, next(iter(kwargs.values())))
        before = snapshot(obj)
        form = form_class(request.POST or None, instance=obj, account=account)
        if request.method == "POST" and form.is_valid():
            save_audited(request, form, f"{noun}.update", before)
            messages.success(request, f"{noun.capitalize()} saved.")
            return redirect(f"account-{tab}", slug=slug, keyaccount_pk=account.pk)
        context = {"account": account, "form": form, "noun": noun, "tab": tab, "object": obj}
        return render(request, "accounts/child_form.html", context)

    return view
