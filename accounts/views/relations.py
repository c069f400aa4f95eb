"""Stakeholders, interactions, financials, feedback and history tabs."""

from dataclasses import replace

from django.contrib import messages
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import financials, qbr
from accounts.access import account_access, get_child_or_404
from accounts.forms.relations import (
    ContactForm,
    FeedbackForm,
    FinancialPeriodForm,
    InteractionFilter,
    InteractionForm,
    RenewalForm,
    SurveyRequestForm,
)
from accounts.models import (
    Contact,
    CustomerFeedback,
    Interaction,
    KeyAccount,
    Origin,
    Renewal,
    SurveyRequest,
)
from accounts.orgchart import org_chart
from accounts.views.tabs import TABS, register_tab, render_tab, save_audited, tab_view
from kamapp.access import Access
from kamapp.audit import record
from kamapp.charts import SWATCHES, Series, line_chart
from kamapp.history import listing as history_listing
from kamapp.http import TenantRequest, htmx_partial
from kamapp.members import paginate
from kamapp.models import AuditEvent


def stakeholder_context(account: KeyAccount) -> dict:
    contacts = list(
        Contact.objects.filter(account=account)
        .select_related("reports_to")
        .annotate(last_contacted=Max("interactions__date"))
    )
    present = {c.buying_role for c in contacts}
    return {
        "contacts": contacts,
        "org_chart": org_chart(contacts),
        "coverage": [(role.label, role in present) for role in Contact.KEY_ROLES],
    }


def interaction_listing(request: TenantRequest, access: Access[KeyAccount]) -> dict:
    """A page of the account's timeline, filtered by kind, contact and dates (the query string,
    so a filtered page has its own address)."""
    account = access.obj
    filters = InteractionFilter(request.GET or None, account=account)
    page = paginate(request, filters.apply(Interaction.objects.filter(account=account)), 20)
    page.object_list = qbr.with_details(page.object_list, timezone.localdate())
    return {"filters": filters, "page": page, "interactions": page.object_list}


# The tab reads its filters and page from the request, so its listing is the tab's context.
register_tab(replace(TABS["interactions"], context=interaction_listing))


# The customer's voice and what the team logged for them, kept apart (see Origin).
NPS_SERIES = [
    ("The customer's answers", True, "brand"),
    ("Logged by the team", False, "amber"),
]


def feedback_context(account: KeyAccount) -> dict:
    entries = list(
        CustomerFeedback.objects.filter(account=account).select_related("contact", "qbr")
    )
    # the customer's own answer first, as health reads it
    by_voice = sorted(entries, key=lambda e: e.origin != Origin.CUSTOMER)
    latest_nps = next((e for e in by_voice if e.nps is not None), None)
    latest_csat = next((e for e in by_voice if e.csat is not None), None)
    scored = [e for e in reversed(entries) if e.nps is not None]  # oldest first
    trend = (
        line_chart(
            [f"{e.date:%-d %b}" for e in scored],
            [
                Series(
                    label,
                    [e.nps if (e.origin == Origin.CUSTOMER) == mine else None for e in scored],
                    color=SWATCHES[swatch],
                )
                for label, mine, swatch in NPS_SERIES
            ],
            title="NPS over time (0–10): the customer's own answers and feedback the team logged",
            width=1000,
            height=180,
            guides=[("promoter", 9), ("detractor", 6)],
        )
        if len(scored) > 1
        else None
    )
    return {
        "nps_trend": trend,
        "nps_series": NPS_SERIES,
        "entries": entries,
        "latest_nps": latest_nps,
        "latest_csat": latest_csat,
        "surveys": SurveyRequest.objects.filter(account=account).select_related("contact")[:20],
        "survey_form": SurveyRequestForm(account=account),
    }


stakeholders = tab_view("stakeholders", stakeholder_context, ContactForm, "contact")
interactions = tab_view("interactions", None, InteractionForm, "interaction")


def financials_context(account) -> dict:
    return {
        **financials.table(account),
        "renewals": Renewal.objects.filter(account=account),
        "renewal_form": RenewalForm(account=account),
    }


financial_periods = tab_view("financials", financials_context, FinancialPeriodForm, "financials")
feedback = tab_view("feedback", feedback_context, FeedbackForm, "feedback")


@require_POST
def interaction_delete(
    request: TenantRequest, slug: str, keyaccount_pk: int, interaction_pk: int
) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    interaction = get_child_or_404(Interaction, account, interaction_pk)
    record(
        request.tenant,
        request.user,
        "interaction.delete",
        interaction,
        {"date": interaction.date.isoformat(), "summary": interaction.summary[:200]},
    )
    interaction.delete()
    if htmx_partial(request):
        return render_tab(
            request, access, "interactions", {"form": InteractionForm(account=account)}
        )
    return redirect("account-interactions", slug=slug, keyaccount_pk=account.pk)


@require_GET
def history(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    account = access.obj
    events = AuditEvent.objects.for_tenant(request.tenant).filter(
        Q(object_type="accounts.keyaccount", object_id=str(account.pk))
        | Q(changes__account=account.pk)
    )
    return render_tab(request, access, "history", history_listing(request, events, request.tenant))


@require_POST
def renewal_create(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    """Record a renewal from the Financials tab; a wrong field is shown beside it there."""
    access = account_access(request.membership, keyaccount_pk, edit=True)
    account = access.obj
    form = RenewalForm(request.POST, account=account)
    if not form.is_valid():
        context = {**financials_context(account), "renewal_form": form}
        return render_tab(request, access, "financials", context)
    with transaction.atomic():
        renewal = save_audited(request, form, "renewal.create")
        if day := form.cleaned_data.get("next_renewal"):
            financials.move_renewal_date(request.tenant, request.user, account, day)
    messages.success(request, f"{renewal} recorded: {renewal.get_outcome_display().lower()}.")
    return redirect("account-financials", slug=slug, keyaccount_pk=account.pk)
