from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import first_run, portfolio, week
from kamapp.http import TenantRequest
from kamapp.members import summary
from kamapp.policy import require_permission


@require_permission("tenant.view")
@require_GET
def dashboard(request: TenantRequest, slug: str) -> HttpResponse:
    """My portfolio: the accounts the member looks after (a supervisor: their team's;
    admins and leaders: all), most urgent first, a page at a time, and their week."""
    context = {
        **portfolio.portfolio(request.membership, request.GET.get("page")),
        "summary": summary(request.tenant, request.membership),
        "week": week.my_week(request.membership, timezone.localdate()),
    }
    if not context["accounts"]:  # a new organisation's home says what to set up first
        context["checklist"] = first_run.checklist(request.membership)
    return render(request, "accounts/portfolio.html", context)
