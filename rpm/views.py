"""The portfolio matrix, the account's RPM tab, and the performance-level settings."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import account_access
from accounts.models import KeyAccount
from accounts.views.tabs import render_tab
from kamapp.access import Access
from kamapp.audit import record, record_change, snapshot
from kamapp.charts import Crowd, Dot, matrix
from kamapp.http import TenantRequest, htmx_partial
from kamapp.members import paginate
from kamapp.policy import require_permission
from rpm import matrix as rpm
from rpm.forms import AssessmentForm, CellFilterForm, LevelsForm, MatrixFilterForm, TargetForm
from rpm.models import Assessment, Target

TARGET_FIELDS = ["stage", "maturity", "target_date"]
BAND_COLOR = {"healthy": "#059669", "watch": "#d97706", "at_risk": "#dc2626"}


DOTS_PER_CELL = 30  # a cell with more is drawn as a count and a health bar, linked to its list
BANDS = ["healthy", "watch", "at_risk", ""]
LISTED = 10  # accounts named under each diagnostic; the rest are counted


def _accounts(request: TenantRequest, data: dict):
    visible = KeyAccount.objects.visible_to(request.membership).active()
    for field in ("owner", "tier"):
        if data.get(field):
            visible = visible.filter(**{field: data[field]})
    if data.get("team"):  # the accounts that supervisor's people look after
        visible = visible.filter(pk__in=KeyAccount.objects.visible_to(data["team"]).values("pk"))
    if not visible.query.distinct:
        return visible
    # a KAM's or supervisor's accounts without the DISTINCT, so the census can group and count
    return KeyAccount.objects.for_tenant(request.tenant).filter(pk__in=visible.values("pk"))


def _url(request: TenantRequest, name: str, cell: tuple[int, int] | None = None) -> str:
    """The matrix or one cell's list (no cell: the accounts not placed) under the filters
    the page was asked with."""
    query = request.GET.copy()
    for key in ("stage", "maturity", "page"):
        query.pop(key, None)
    if cell:
        query["stage"], query["maturity"] = cell
    return f"{reverse(name, kwargs={'slug': request.tenant.slug})}?{query.urlencode()}"


@require_permission("rpm.view")
@require_GET
def portfolio_matrix(request: TenantRequest, slug: str) -> HttpResponse:
    """Counts per cell from one aggregate query; dots (with their movement) only in cells
    that hold few enough to read, the others link to their list."""
    form = MatrixFilterForm(request.GET, tenant=request.tenant)
    data = form.cleaned_data if form.is_valid() else {}
    accounts = _accounts(request, data)
    found = rpm.diagnoses(request.tenant, timezone.localdate())
    census = rpm.census(accounts, found, data.get("since"))
    sparse = {c for c, bands in census.cells.items() if sum(bands.values()) <= DOTS_PER_CELL}
    crowds = {
        cell: Crowd(
            sum(bands.values()),
            tuple((BAND_COLOR.get(b, "#64748b"), bands[b]) for b in BANDS if bands[b]),
            _url(request, "rpm-cell", cell),
        )
        for cell, bands in census.cells.items()
        if cell not in sparse
    }
    rows = (
        rpm.placed(accounts, data.get("since"))
        .filter(cell__in=[stage * 10 + maturity for stage, maturity in sparse])
        .order_by("name", "pk")
        .values_list("pk", "name", "cell", "before", "band")
    )
    dots = []
    for pk, name, cell, before, band in rows:
        (stage, maturity) = rpm.split(cell)
        dots.append(
            Dot(
                stage,
                maturity,
                BAND_COLOR.get(band, "#64748b"),
                f"{name}: {rpm.STAGES[stage]} × {rpm.MATURITIES[maturity]}",
                f"/o/{slug}/accounts/{pk}/rpm/",
                rpm.split(before),
            )
        )
    context = {
        "form": form,
        "chart": matrix(
            rpm.STAGES,
            rpm.MATURITIES,
            rpm.levels(request.tenant),
            dots,
            title="Accounts on the Relationship Process Matrix",
            marked=rpm.NO_FLY,
            crowds=crowds,
            flows={move: n for move, n in census.flows.items() if move[1] not in sparse},
        ),
        "placed": census.placed,
        "unplaced": census.unplaced,
        "unplaced_url": _url(request, "rpm-cell"),
        "moved": census.moved,
        "diagnostics": rpm.diagnostics(accounts, found, census.found, LISTED),
        "maturities": rpm.MATURITIES,
        "stages": rpm.STAGES,
        "level_names": rpm.LEVELS,
        "dots_per_cell": DOTS_PER_CELL,
    }
    return render(request, "rpm/matrix.html", context)


@require_permission("rpm.view")
@require_GET
def matrix_cell(request: TenantRequest, slug: str) -> HttpResponse:
    """One cell's accounts (or those not placed yet), a page at a time."""
    form = CellFilterForm(request.GET, tenant=request.tenant)
    data = form.cleaned_data if form.is_valid() else {}
    stage, maturity = data.get("stage"), data.get("maturity")
    cell = (stage, maturity) if stage and maturity else None
    found = rpm.placed(_accounts(request, data)).select_related("owner__user")
    found = found.filter(cell=stage * 10 + maturity) if cell else found.filter(cell=None)
    context = {
        "form": form,
        "cell": cell,
        "stage": rpm.STAGES.get(stage),
        "maturity": rpm.MATURITIES.get(maturity),
        "page": paginate(request, found.order_by("name", "pk"), per_page=25),
        "matrix_url": _url(request, "rpm-matrix"),
    }
    return render(request, "rpm/cell.html", context)


def tab_context(request: TenantRequest, access: Access[KeyAccount]) -> dict:
    """The account's RPM tab (registered in `rpm.signals`): its path on the matrix, the
    suggestion, and the forms for members who may edit."""
    account, may_edit = access.obj, access.may_edit
    history = list(Assessment.objects.filter(account=account).select_related("assessor__user"))
    target = Target.objects.filter(account=account).first() or Target(account=account)
    now = history[0] if history else None
    path = [
        Dot(
            a.stage,
            a.maturity,
            "#4f46e5",
            f"{a.assessed_on:%d %b %Y}",
            came_from=(history[i + 1].stage, history[i + 1].maturity)
            if i + 1 < len(history)
            else None,
        )
        for i, a in enumerate(history[:6])
    ]
    suggested = rpm.suggested_maturity(
        KeyAccount.objects.filter(pk=account.pk), request.tenant, timezone.localdate()
    )[account.pk]
    for a in history:
        a.statements = [rpm.STATEMENTS[k][1] for k in a.evidence if k in rpm.STATEMENTS]
    return {
        "history": history,
        "now": now,
        "target": target,
        "suggested": suggested,
        "gap": abs(target.stage - now.stage) + abs(target.maturity - now.maturity) if now else None,
        "chart": matrix(
            rpm.STAGES,
            rpm.MATURITIES,
            rpm.levels(request.tenant),
            list(reversed(path)),
            title=f"{account.name} on the matrix",
            marked=rpm.NO_FLY,
            cell=70,
        ),
        "form": AssessmentForm(
            initial={
                "stage": now.stage if now else 1,
                "maturity": now.maturity if now else min(suggested, 3),
            }
        )
        if may_edit
        else None,
        "target_form": TargetForm(instance=target) if may_edit else None,
        "stages": rpm.STAGES,
        "maturities": rpm.MATURITIES,
        "level": rpm.levels(request.tenant).get((now.stage, now.maturity)) if now else None,
    }


@require_http_methods(["GET", "POST"])
def account_rpm(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    account = access.obj
    form = None
    if request.method == "POST":
        access.editable()
        form = AssessmentForm(request.POST)
        if form.is_valid():
            assessment = form.save(commit=False)
            assessment.tenant, assessment.account = request.tenant, account
            assessment.assessor, assessment.recorded_by = request.membership, request.user
            assessment.suggested_maturity = rpm.suggested_maturity(
                KeyAccount.objects.filter(pk=account.pk), request.tenant, timezone.localdate()
            )[account.pk]
            assessment.save()
            record(
                request.tenant,
                request.user,
                "rpm.assess",
                assessment,
                {"stage": assessment.stage, "maturity": assessment.maturity},
            )
            messages.success(request, "Assessment recorded.")
            if htmx_partial(request):
                return render_tab(request, access, "rpm")
            return redirect("account-rpm", slug=slug, keyaccount_pk=account.pk)
        return render_tab(request, access, "rpm", {"form": form})
    return render_tab(request, access, "rpm")


@require_POST
def account_target(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    target = Target.objects.filter(account=account).first() or Target(
        tenant=request.tenant, account=account
    )
    before = None if target._state.adding else snapshot(target, TARGET_FIELDS)
    form = TargetForm(request.POST, instance=target)
    if form.is_valid():
        form.save()
        record_change(request.tenant, request.user, "rpm.target", target, before, TARGET_FIELDS)
        messages.success(request, "Target saved.")
        return redirect("account-rpm", slug=slug, keyaccount_pk=account.pk)
    return render_tab(request, access, "rpm", {"target_form": form})


@require_permission("rpm.configure")
@require_http_methods(["GET", "POST"])
def rpm_settings(request: TenantRequest, slug: str) -> HttpResponse:
    form = LevelsForm(
        request.POST or None,
        levels=rpm.levels(request.tenant),
        cadence=rpm.cadence_days(request.tenant),
    )
    if request.method == "POST" and form.is_valid():
        request.tenant.settings["rpm_levels"] = form.settings()
        request.tenant.settings["rpm_cadence_days"] = form.cleaned_data["cadence"]
        request.tenant.save(update_fields=["settings"])
        record(request.tenant, request.user, "rpm.levels", request.tenant, form.settings())
        messages.success(request, "Performance levels saved.")
        return redirect("rpm-settings", slug=slug)
    rows = [
        (rpm.STAGES[r], [(form[f"cell_{r}_{p}"], (r, p) in rpm.NO_FLY) for p in rpm.MATURITIES])
        for r in reversed(rpm.STAGES)
    ]
    context = {"form": form, "rows": rows, "maturities": rpm.MATURITIES}
    return render(request, "rpm/settings.html", context)


@require_POST
def suggest_stage(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    """HTMX: the stage the ticked statements support, shown beside the form."""
    account_access(request.membership, keyaccount_pk, edit=True)
    stage = rpm.suggest_stage(request.POST.getlist("evidence"))
    return render(
        request, "rpm/partials/suggestion.html", {"stage": stage, "label": rpm.STAGES.get(stage)}
    )
