import json
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from kamapp.models import Membership, Tenant, User

TOAST_EVENT = "kamapp:toast"


class TenantRequest(HttpRequest):
    """A request under `/o/<slug>/`, after `TenantMiddleware`."""

    user: User
    tenant: Tenant
    membership: Membership


def htmx_partial(request: HttpRequest) -> bool:
    """True when HTMX asks for a fragment (not a boosted full-page navigation)."""
    return bool(request.htmx) and not request.htmx.boosted


def toast_messages(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Hand the request's pending messages to the page that asked, as an `HX-Trigger` event
    app.js shows beside the action. Consuming them here keeps them off the next full page."""
    pending = [
        {"level": message.level_tag or "info", "text": str(message)}
        for message in messages.get_messages(request)
    ]
    if pending:
        # ASCII-only JSON: a header carries latin-1, so curly quotes travel as \u escapes.
        response.headers["HX-Trigger"] = json.dumps({TOAST_EVENT: {"messages": pending}})
    return response


class HtmxToastMiddleware:
    """Every fragment answered to HTMX carries its messages as a toast (`toast_messages`).
    Redirects are left alone: the page they lead to shows the messages itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        leaving = response.status_code in (301, 302, 303, 307, 308) or any(
            header in response.headers for header in ("HX-Redirect", "HX-Location", "HX-Refresh")
        )
        if htmx_partial(request) and not leaving:
            toast_messages(request, response)
        return response
