"""Health on the account page, the alerts inbox, and the health model settings."""

import datetime
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import alerts, health
from accounts.access import account_access, alert_access
from accounts.forms.health import AlertActionForm, AlertFilterForm, HealthModelForm
from accounts.models import HealthSnapshot, KeyAccount, RiskAlert
from accounts.tasks import job_key, recalculate_tenant
from accounts.views.tabs import render_tab
from kamapp.audit import record
from kamapp.charts import sparkline
from kamapp.http import TenantRequest, htmx_partial
from kamapp.members import paginate
from kamapp.policy import require_permission


def health_context(account: KeyAccount) -> dict:
    """The latest snapshot and what changed since the one before (or a live preview)."""
    latest, previous = [*HealthSnapshot.objects.filter(account=account)[:2], None, None][:2]
    live = latest is None
    if live:
        _, verdict = health.account_health(account)
        latest = HealthSnapshot(
            score=verdict.score, band=verdict.band, components=verdict.components
        )
    rows = health.explain(latest.components, previous.components if previous else None)
    return {
        "snapshot": latest,
        "previous": previous,
        "live": live,
        "components": rows,
        "direction": _direction(latest, previous),
        "delta": latest.score - previous.score if _direction(latest, previous) else None,
        "trend": sparkline(
            [score for _, score in _daily(account, TREND_DAYS)],
            title=f"Health over the last {TREND_DAYS} days, a point a day",
            width=220,
            height=40,
        ),
        "trend_days": TREND_DAYS,
        "alerts": RiskAlert.objects.filter(account=account, status__in=RiskAlert.LIVE),
    }


TREND_DAYS = 90


def _daily(account: KeyAccount, days: int) -> list[tuple]:
    """Each day's last score over the last `days` days, oldest first: hourly runs would
    otherwise fill a sparkline with one day."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        HealthSnapshot.objects.filter(account=account, computed_at__gte=since)
        .annotate(day=TruncDate("computed_at"))
        .order_by("day", "-computed_at", "-id")
        .distinct("day")
        .values_list("day", "score")
    )


def _direction(latest, previous) -> str:
    if previous is None or latest.score is None or previous.score is None:
        return ""
    return (
        "up"
        if latest.score > previous.score
        else "down"
        if latest.score < previous.score
        else "same"
    )


@require_GET
def account_health(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    return render_tab(request, access, "health", health_context(access.obj))


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
        do = form.cleaned_data["do"]
        if do == "acknowledge":
            alerts.acknowledge(alert, request.user)
        elif do == "snooze":
            alerts.snooze(alert, request.user, form.cleaned_data["until"])
        else:
            alerts.resolve(alert, request.user, form.cleaned_data["note"])
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
    job = uuid.uuid4().hex
    cache.set(job_key(request.tenant.pk, job), {"state": "queued"}, 3600)
    transaction.on_commit(lambda: recalculate_tenant.delay(request.tenant.pk, job))
    return job


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
    return render(request, "accounts/health_settings.html", {"form": form})


@require_permission("health.configure")
@require_POST
def health_recalculate(request: TenantRequest, slug: str) -> HttpResponse:
    return redirect("health-job", slug=slug, job=_start_job(request))


@require_permission("health.configure")
@require_GET
def health_job(request: TenantRequest, slug: str, job: str) -> HttpResponse:
    state = cache.get(job_key(request.tenant.pk, job))
    if state is None:
        raise Http404("No such recalculation.")
    template = "accounts/health_job.html"
    context = {"job": job, "state": state}
    return render(request, template + "#progress" if htmx_partial(request) else template, context)
