"""The account page: a header and tabs. Each tab is one template under
templates/accounts/tabs/, returned alone to HTMX and inside the full page otherwise."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from accounts.models import KeyAccount
from kamapp.http import TenantRequest, htmx_partial
from kamapp.policy import can

TABS = [
    ("overview", "Overview", "account-overview"),
    ("plan", "Plan", "account-plan"),
    ("objectives", "Objectives & KPIs", "account-objectives"),
    ("actions", "Actions", "account-actions"),
    ("stakeholders", "Stakeholders", "account-stakeholders"),
    ("interactions", "Interactions", "account-interactions"),
    ("financials", "Financials", "account-financials"),
    ("feedback", "Feedback", "account-feedback"),
    ("history", "History", "account-history"),
]


def render_tab(
    request: TenantRequest, account: KeyAccount, tab: str, context: dict, status: int = 200
) -> HttpResponse:
    context = {
        "account": account,
        "tab": tab,
        "tabs": TABS,
        "may_edit": can(request.membership, "account.edit", account),
        **context,
    }
    context["tab_template"] = f"accounts/tabs/{tab}.html"
    # HTMX gets the tab alone plus the tab bar out of band (to move the active marker).
    page = "accounts/tab_fragment.html" if htmx_partial(request) else "accounts/account_page.html"
    response = render(request, page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
