"""Health on the account page, the alerts inbox, and the health model settings."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import alerts, health
from accounts.access import account_access, alert_access
from accounts.forms.health import AlertActionForm, AlertFilterForm, HealthModelForm
from accounts.jobs import Job
from accounts.models import RiskAlert
from accounts.tasks import recalculate_tenant
from accounts.views.tabs import render_tab
from kamapp.audit import record
from kamapp.http import TenantRequest, htmx_partial
from kamapp.members import paginate
from kamapp.policy import require_permission
from kamapp.queueing import send_on_commit


@require_GET
def account_health(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    return render_tab(request, access, "health", health.report(access.obj))


@require_permission("account.view")
@require_GET
def alert_list(request: TenantRequest, slug: str) -> HttpResponse:
    form = AlertFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = RiskAlert.objects.visible_to(request.membership).select_related(
        "account", "owner__user"
    )
    found = (
        found.filter(status=data["status"])
        if data.get("status")
        else found.filter(status__in=[RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED])
    )
    if data.get("severity"):
        found = found.filter(severity=data["severity"])
    if data.get("rule"):
        found = found.filter(rule=data["rule"])
    if data.get("mine"):
        found = found.filter(owner=request.membership)
    page = paginate(request, found.order_by("due_date", "-opened_at"), per_page=25)
    context = {"form": form, "page": page, "action_form": AlertActionForm()}
    template = "accounts/alert_list.html"
    return render(request, template + "#rows" if htmx_partial(request) else template, context)


@require_POST
def alert_act(request: TenantRequest, slug: str, riskalert_pk: int) -> HttpResponse:
    alert = alert_access(request.membership, riskalert_pk, edit=True).obj
    form = AlertActionForm(request.POST)
    if form.is_valid():
        do, data = form.cleaned_data["do"], form.cleaned_data
        if do == "acknowledge":
            alerts.acknowledge(alert, request.user)
            done = "Acknowledged"
        elif do == "snooze":
            alerts.snooze(alert, request.user, data["until"])
            done = f"Snoozed until {data['until']:%-d %b %Y}"
        elif do == "dismiss":
            alerts.dismiss(alert, request.user, data["reason"], data["note"])
            done = f"Marked not useful: quiet on this account for {RiskAlert.DISMISSAL_DAYS} days"
        else:
            alerts.resolve(alert, request.user, data["note"])
            done = "Resolved"
        messages.success(request, f"{done}: {alert.account.name}.")
    if htmx_partial(request):
        return render(
            request,
            "accounts/partials/alert_row.html",
            {"alert": alert, "action_form": form, "may_act": True},
        )
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("alert-list", slug=slug)


def _start_job(request: TenantRequest) -> str:
    job = Job.start(request.tenant.pk)
    send_on_commit(recalculate_tenant, job.tenant_id, job.id)
    return job.id


@require_permission("health.configure")
@require_http_methods(["GET", "POST"])
def health_settings(request: TenantRequest, slug: str) -> HttpResponse:
    model = health.model_for(request.tenant)
    form = HealthModelForm(request.POST or None, model=model)
    if request.method == "POST" and form.is_valid():
        request.tenant.settings["health"] = form.model()
        request.tenant.save(update_fields=["settings"])
        record(
            request.tenant,
            request.user,
            "health.model",
            request.tenant,
            {"before": model, "after": form.model()},
        )
        messages.success(request, "Health model saved. Recalculating every account now.")
        return redirect("health-job", slug=slug, job=_start_job(request))
    return render(request, "accounts/health_settings.html", {"form": form, **_rules(request)})


def _rules(request: TenantRequest) -> dict:
    """Each rule's last-90-days record beside the thresholds, and the last backtest."""
    record = alerts.track_record(request.tenant)
    backtest = request.tenant.settings.get("health_backtest")
    tested = backtest["rules"] if backtest else {}
    rows = [
        {"rule": name, "title": title, "record": record.get(name), "backtest": tested.get(name)}
        for name, (title, _) in alerts.RULES.items()
    ]
    return {"rules": rows, "backtest": backtest}


@require_permission("health.configure")
@require_POST
def health_recalculate(request: TenantRequest, slug: str) -> HttpResponse:
    return redirect("health-job", slug=slug, job=_start_job(request))


@require_permission("health.configure")
@require_GET
def health_job(request: TenantRequest, slug: str, job: str) -> HttpResponse:
    state = Job(request.tenant.pk, job).state()
    if state is None:
        raise Http404("No such recalculation.")
    template = "accounts/health_job.html"
    context = {"job": job, "state": state}
    return render(request, template + "#progress" if htmx_partial(request) else template, context)
