"""The account page: a header and tabs. Each tab is one registered template, returned alone
to HTMX and inside the full page otherwise. Other apps add their tabs with `register_tab` when
they start, so this page names none of them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from accounts.access import account_access, get_child_or_404
from accounts.models import KeyAccount
from kamapp.access import Access
from kamapp.audit import record_change, snapshot
from kamapp.http import TenantRequest, htmx_partial


@dataclass(frozen=True)
class Tab:
    """One tab of the account page: its link, its template, and where it sits (`order`,
    ascending). `context(request, access)`, when given, is what the template needs beyond
    what the tab's view passes to `render_tab`."""

    key: str
    label: str
    url_name: str
    template: str
    order: int
    context: Callable[[TenantRequest, Access[KeyAccount]], dict] | None = None


TABS: dict[str, Tab] = {}


def register_tab(tab: Tab) -> None:
    TABS[tab.key] = tab


def _own(key: str, label: str, order: int) -> Tab:
    return Tab(key, label, f"account-{key}", f"accounts/tabs/{key}.html", order)


# Other apps' tabs go between Feedback (90) and History (1000).
register_tab(_own("overview", "Overview", 10))
register_tab(_own("health", "Health", 20))
register_tab(_own("plan", "Plan", 30))
register_tab(_own("objectives", "Objectives & KPIs", 40))
register_tab(_own("process", "Process", 45))
register_tab(
    Tab("joint_plan", "Joint plan", "account-joint-plan", "accounts/tabs/joint_plan.html", 46)
)
register_tab(_own("actions", "Actions", 50))
register_tab(_own("stakeholders", "Stakeholders", 60))
register_tab(_own("interactions", "Interactions", 70))
register_tab(_own("financials", "Financials", 80))
register_tab(_own("feedback", "Feedback", 90))
register_tab(_own("history", "History", 1000))


def render_tab(
    request: TenantRequest,
    access: Access[KeyAccount],
    tab: str,
    context: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    registered = TABS[tab]
    context = {
        "account": access.obj,
        "tab": tab,
        "tabs": sorted(TABS.values(), key=lambda t: t.order),
        "may_edit": access.may_edit,
        **(registered.context(request, access) if registered.context else {}),
        **(context or {}),
        "tab_template": registered.template,
    }
    # HTMX gets the tab alone plus the tab bar out of band (to move the active marker).
    page = "accounts/tab_fragment.html" if htmx_partial(request) else "accounts/account_page.html"
    response = render(request, page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if htmx_partial(request) and request.method == "POST":
        # A write may answer with another tab (Overview's quick log shows Interactions): the
        # address names the tab shown, without a new history entry.
        kwargs = {"slug": request.tenant.slug, "keyaccount_pk": access.obj.pk}
        response["HX-Replace-Url"] = reverse(registered.url_name, kwargs=kwargs)
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


def tab_view(
    tab: str, context: Callable[[KeyAccount], dict] | None, form_class=None, noun: str = ""
):
    """A tab that lists the account's rows (GET) and adds one from its form (POST); without
    `context`, the tab's registered context (`Tab.context`) lists them."""

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
        rows = context(account) if context else {}
        return render_tab(request, access, tab, {"form": form, **rows})

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
