"""Overview, Plan, Objectives & KPIs and Actions tabs."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import metrics, objectives, overview, plans
from accounts.access import account_access, get_child_or_404, get_kpi, get_plan_revision
from accounts.forms.plan import (
    AccountPlanForm,
    AchievedForm,
    ActionForm,
    ActionStatusForm,
    KPIForm,
    MeasurementForm,
    ObjectiveForm,
    ReviewForm,
)
from accounts.forms.relations import InteractionForm
from accounts.models import KPI, Action, Objective
from accounts.views.tabs import render_tab, save_audited, tab_view
from kamapp.audit import record_change, snapshot
from kamapp.http import TenantRequest, htmx_partial


@require_GET
def account_overview(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    context = overview.overview(access.obj)
    if access.may_edit:
        context["form"] = InteractionForm(account=access.obj)  # the quick log
    return render_tab(request, access, "overview", context)


def _plan_context(account, form=None) -> dict:
    plan = account.plan
    return {
        "plan": plan,
        "form": form,
        "review_form": ReviewForm(),
        "plan_stale": metrics.is_stale(plan.next_review_due, timezone.localdate()),
        "revisions": plan.revisions.select_related("author")[:20],
    }


@require_http_methods(["GET", "POST"])
def account_plan(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    account = access.obj
    form = None
    if request.method == "POST" or request.GET.get("edit"):
        access.editable()
        before = snapshot(account.plan, plans.FIELDS)
        form = AccountPlanForm(request.POST or None, instance=account.plan)
        if request.method == "POST" and form.is_valid():
            revision = plans.save(form.instance, before, request.user, form.cleaned_data["note"])
            messages.success(
                request,
                f"Plan saved as revision {revision.number}." if revision else "Nothing changed.",
            )
            form = None
    return render_tab(request, access, "plan", _plan_context(account, form))


@require_POST
def plan_review(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    form = ReviewForm(request.POST)
    if form.is_valid():
        plans.review(account, request.user, form.cleaned_data["note"])
        messages.success(
            request, f"Plan reviewed. Next review due {account.plan.next_review_due:%d %b %Y}."
        )
    else:
        messages.error(request, " ".join(form.errors["note"]))
    if htmx_partial(request):
        return render_tab(request, access, "plan", _plan_context(account))
    return redirect("account-plan", slug=slug, keyaccount_pk=account.pk)


@require_GET
def plan_revision(
    request: TenantRequest, slug: str, keyaccount_pk: int, planrevision_pk: int
) -> HttpResponse:
    account = account_access(request.membership, keyaccount_pk).obj
    revision = get_plan_revision(account, planrevision_pk)
    previous = revision.plan.revisions.filter(number__lt=revision.number).first()
    context = {
        "account": account,
        "revision": revision,
        "previous": previous,
        "diffs": plans.field_diffs(revision, previous),
    }
    return render(request, "accounts/plan_diff.html", context)


def objective_context(account) -> dict:
    return {
        "objectives": objectives.decorate(objectives.with_kpis(account)),
        "kpi_form": KPIForm(auto_id=False),
        "measurement_form": MeasurementForm(initial={"date": timezone.localdate()}),
        "achieved_form": AchievedForm(initial={"achieved_on": timezone.localdate()}, auto_id=False),
    }


account_objectives = tab_view("objectives", objective_context, ObjectiveForm, "objective")


@require_POST
def objective_achieved(
    request: TenantRequest, slug: str, keyaccount_pk: int, objective_pk: int
) -> HttpResponse:
    """Mark an objective achieved; a wrong day is shown beside its field on the tab."""
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    objective = get_child_or_404(Objective, account, objective_pk)
    if objective.status == Objective.Status.ACHIEVED:  # a stale tab: it was marked meanwhile
        on = f" on {date_format(objective.achieved_on, 'j M Y')}" if objective.achieved_on else ""
        messages.info(
            request,
            f"“{objective.title}” was already marked achieved{on}; "
            "edit the goal to change the day.",
        )
        return redirect("account-objectives", slug=slug, keyaccount_pk=account.pk)
    form = AchievedForm(request.POST, auto_id=False)
    if not form.is_valid():
        context = objective_context(account)
        for row in context["objectives"]:
            if row.pk == objective.pk:
                row.achieved_form = form
        return render_tab(request, access, "objectives", context)
    day = form.cleaned_data["achieved_on"]
    objectives.mark_achieved(request.tenant, request.user, objective, day)
    messages.success(request, f"“{objective.title}” marked achieved.")
    return redirect("account-objectives", slug=slug, keyaccount_pk=account.pk)


@require_POST
def kpi_create(
    request: TenantRequest, slug: str, keyaccount_pk: int, objective_pk: int
) -> HttpResponse:
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    objective = get_child_or_404(Objective, account, objective_pk)
    form = KPIForm(request.POST, instance=KPI(tenant_id=account.tenant_id, objective=objective))
    if form.is_valid():
        save_audited(request, form, "kpi.create")
        messages.success(request, f"KPI “{form.instance.name}” added.")
    else:
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}"
            for f, e in form.errors.items()
        )
        messages.error(request, f"The KPI was not added: {errors}")
    return redirect("account-objectives", slug=slug, keyaccount_pk=account.pk)


@require_POST
def measurement_add(request: TenantRequest, slug: str, keyaccount_pk: int, kpi_pk: int):
    """Inline (HTMX): add a dated value, answer with the KPI's row redrawn."""
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    kpi = get_kpi(account, kpi_pk)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        form.instance.tenant_id, form.instance.kpi = account.tenant_id, kpi
        form.instance.recorded_by = request.user
        save_audited(request, form, "kpi.measure")
        form = MeasurementForm(initial={"date": timezone.localdate()})
    kpi = objectives.kpis().get(pk=kpi.pk)
    context = {
        "account": account,
        "kpi": objectives.decorate_kpi(kpi),
        "measurement_form": form,
        "may_edit": True,
    }
    if htmx_partial(request):
        return render(request, "accounts/partials/kpi_row.html", context)
    return redirect("account-objectives", slug=slug, keyaccount_pk=account.pk)


def action_context(account) -> dict:
    today = timezone.localdate()
    actions = list(
        Action.objects.filter(account=account).select_related(
            "owner__user", "objective", "commitment__interaction", "commitment__contact"
        )
    )
    for action in actions:
        decorate_action(action, today)
    return {"actions": actions, "status_form": ActionStatusForm()}


def decorate_action(action: Action, today) -> Action:
    action.overdue = metrics.is_overdue(action.due_date, action.status, today)
    action.on_time = metrics.on_time(action.due_date, action.done_date, action.status)
    action.on_budget = metrics.on_budget(action.planned_budget, action.actual_cost)
    return action


account_actions = tab_view("actions", action_context, ActionForm, "action")


@require_POST
def action_status(request: TenantRequest, slug: str, keyaccount_pk: int, action_pk: int):
    """Inline (HTMX): move an action to another status; done stamps today's date."""
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    action = get_child_or_404(Action, account, action_pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] != action.status:
        before = snapshot(action, ["status"])
        action.status = form.cleaned_data["status"]
        if action.status == Action.Status.DONE:
            action.done_date = action.done_date or timezone.localdate()
        else:
            action.done_date = None
        action.save(update_fields=["status", "done_date"])
        record_change(request.tenant, request.user, "action.status", action, before, ["status"])
    if htmx_partial(request):
        action = Action.objects.select_related(
            "owner__user", "objective", "commitment__interaction", "commitment__contact"
        ).get(pk=action.pk)
        context = {
            "account": account,
            "action": decorate_action(action, timezone.localdate()),
            "may_edit": True,
            "tenant": request.tenant,
        }
        return render(request, "accounts/partials/action_row.html", context)
    return redirect("account-actions", slug=slug, keyaccount_pk=account.pk)
