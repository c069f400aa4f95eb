from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from dashboards import leadership as leadership_board
from dashboards import team
from dashboards.forms import DashboardFilterForm
from kamapp.access import get_person
from kamapp.http import TenantRequest, htmx_partial
from kamapp.policy import require_permission


def _render(request: TenantRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The page, or its named partial for an HTMX filter/sort request."""
    name = f"{template}#{partial}" if htmx_partial(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_permission("team.view")
@require_GET
def team_dashboard(request: TenantRequest, slug: str) -> HttpResponse:
    """A row per KAM in the member's tree (everyone's for leaders and admins)."""
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned()
    context = {
        **team.team_dashboard(request.membership, **filters),
        "form": form,
        "filters": filters,
        "columns": team.COLUMNS,
    }
    return _render(request, "dashboards/team.html", "table", context)


@require_permission("team.kam")
@require_GET
def kam_page(request: TenantRequest, slug: str, membership_pk: int) -> HttpResponse:
    """One KAM over the last quarters: their accounts, open alerts and reviews."""
    person = get_person(request.membership, membership_pk)
    context = team.kam_page(person, timezone.localdate())
    context["page"] = Paginator(context.pop("accounts"), 25).get_page(request.GET.get("page"))
    team.decorate(context["page"].object_list)
    return _render(request, "dashboards/kam.html", "accounts", {**context, "person": person})


@require_permission("leadership.view")
@require_GET
def leadership(request: TenantRequest, slug: str) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    context = leadership_board.dashboard(request.membership, form.cleaned()["period"])
    return _render(request, "dashboards/leadership.html", "body", {**context, "form": form})
