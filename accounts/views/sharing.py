"""The joint plan: the KAM shares the account plan with customer contacts (the Joint plan
tab), and the page the customer opens through their link, without signing in."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import sharing
from accounts.access import account_access, get_child_or_404
from accounts.forms.process import CustomerValueForm, GoalResponseForm, SharePlanForm
from accounts.models import GoalResponse, KeyAccount, KPIMeasurement, SharedPlan
from accounts.views.tabs import render_tab
from kamapp import throttle
from kamapp.http import TenantRequest


def joint_plan_context(account: KeyAccount) -> dict:
    return {
        "links": SharedPlan.objects.filter(account=account).select_related("contact", "shared_by"),
        "responses": GoalResponse.objects.filter(account=account).select_related(
            "objective", "contact"
        )[:20],
        "customer_values": KPIMeasurement.objects.filter(
            kpi__objective__account=account, source=KPIMeasurement.Source.CUSTOMER
        )
        .select_related("kpi")
        .order_by("-date", "-id")[:20],
    }


@require_http_methods(["GET", "POST"])
def joint_plan(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    account = access.obj
    form = SharePlanForm(account=account) if access.may_edit else None
    if request.method == "POST":
        access.editable()
        form = SharePlanForm(request.POST, account=account)
        if form.is_valid():
            links = sharing.share(
                account,
                form.cleaned_data["contacts"],
                form.cleaned_data["expires_on"],
                request.user,
            )
            messages.success(request, f"Plan shared: {', '.join(link.email for link in links)}.")
            return redirect("account-joint-plan", slug=slug, keyaccount_pk=account.pk)
    return render_tab(request, access, "joint_plan", {"form": form, **joint_plan_context(account)})


@require_POST
def joint_plan_revoke(
    request: TenantRequest, slug: str, keyaccount_pk: int, sharedplan_pk: int
) -> HttpResponse:
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    link = get_child_or_404(SharedPlan, account, sharedplan_pk)
    sharing.revoke(link, request.user)
    messages.success(request, f"The link for {link.email} is revoked: it no longer opens.")
    return redirect("account-joint-plan", slug=slug, keyaccount_pk=account.pk)


def _answer(request: HttpRequest, link: SharedPlan) -> tuple[str, object] | None:
    """Apply the customer's POST; None when it names no goal or KPI of this plan."""
    kind = request.POST.get("answer")
    target = request.POST.get("target", "")
    if not target.isdigit() or kind not in {"goal", "value"}:
        return None
    if kind == "goal":
        goal = sharing.goal_of(link, int(target))
        form = GoalResponseForm(request.POST)
        if goal is not None and form.is_valid():
            sharing.respond(
                link, goal, form.cleaned_data["confirmed"], form.cleaned_data["comment"]
            )
        return None if goal is None else (kind, form)
    kpi = sharing.kpi_of(link, int(target))
    form = CustomerValueForm(request.POST)
    if kpi is not None and form.is_valid():
        sharing.enter_value(link, kpi, **form.cleaned_data)
    return None if kpi is None else (kind, form)


@never_cache
@require_http_methods(["GET", "POST"])
def shared_plan(request: HttpRequest, token: str) -> HttpResponse:
    client = throttle.client_address(request)
    if not throttle.public_link_allowed(client):
        return render(request, "accounts/shared_plan_busy.html", status=429)
    link = sharing.resolve(token)
    if link is None:
        raise Http404("No such plan.")
    context = {"tenant": link.account.tenant}
    if request.method == "POST":
        answered = _answer(request, link)
        if answered is None:
            raise Http404("No such goal or KPI on this plan.")
        kind, form = answered
        if form.is_valid():
            return redirect(f"{request.path}?saved={kind}")
        context |= {"error_form": form, "error_target": request.POST["target"]}
    else:
        sharing.opened(link, client)
    return render(request, "accounts/shared_plan.html", {**context, **sharing.page(link)})
