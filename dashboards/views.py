from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from dashboards import leadership as leadership_board
from dashboards import report, team
from dashboards.forms import DashboardFilterForm
from dashboards.models import StateReport
from kamapp.access import get_person
from kamapp.downloads import attach
from kamapp.http import TenantRequest, htmx_partial
from kamapp.pdf import announce
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
    if not htmx_partial(request):
        context["reports"] = report.kept(request.tenant)
    return _render(request, "dashboards/leadership.html", "body", {**context, "form": form})


@require_permission("leadership.view")
@require_POST
def state_report_now(request: TenantRequest, slug: str) -> HttpResponse:
    """This month's State of key accounts, made and mailed now unless it exists."""
    made, created = report.make(request.membership, timezone.localdate())
    announce(request, str(made), created)
    return redirect("leadership", slug=slug)


@require_permission("leadership.view")
@require_GET
def state_report_download(request: TenantRequest, slug: str, statereport_pk: int) -> HttpResponse:
    made = get_object_or_404(StateReport.objects.for_tenant(request.tenant), pk=statereport_pk)
    response = HttpResponse(bytes(made.pdf), content_type="application/pdf")
    return attach(response, report.filename(made), inline=True)
