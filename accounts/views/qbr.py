"""QBRs: the next one opens with last time's commitments and whether each was kept; a QBR's
page holds its agenda, both sides' people, the commitments made (each an action) and the
customer's rating of the meeting."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import qbr
from accounts.access import account_access, get_child_or_404
from accounts.forms.qbr import CommitmentForm, QBRForm, QBRRatingForm
from accounts.models import Interaction, KeyAccount
from accounts.views.tabs import save_audited
from kamapp.audit import snapshot
from kamapp.http import TenantRequest


def _get_qbr(account: KeyAccount, pk: int) -> Interaction:
    return get_child_or_404(Interaction, account, pk, kind=Interaction.Kind.QBR)


def _qbr_to_change(
    request: TenantRequest, keyaccount_pk: int, pk: int
) -> tuple[KeyAccount, Interaction]:
    """The account, which the member must be allowed to edit, and its QBR."""
    account = account_access(request.membership, keyaccount_pk, edit=True).obj
    return account, _get_qbr(account, pk)


def _to_qbr(request: TenantRequest, meeting: Interaction) -> HttpResponse:
    return redirect(
        "qbr-detail",
        slug=request.tenant.slug,
        keyaccount_pk=meeting.account_id,
        interaction_pk=meeting.pk,
    )


def _review(account: KeyAccount, before: Interaction | None = None) -> dict:
    """The QBR before `before` (or the latest), with its commitments' kept state."""
    last = qbr.previous(account, before)
    if last is None:
        return {"last": None}
    last = qbr.detail(last, timezone.localdate())
    return {"last": last, "last_tally": qbr.tally(last)}


def _form_page(request: TenantRequest, account: KeyAccount, form, meeting=None) -> HttpResponse:
    context = {"account": account, "form": form, "meeting": meeting, **_review(account, meeting)}
    return render(request, "accounts/qbr_form.html", context)


@require_http_methods(["GET", "POST"])
def qbr_new(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    """The next QBR: last time's commitments to review, and (for the account's team) the form
    that logs it."""
    access = account_access(request.membership, keyaccount_pk, edit=request.method == "POST")
    account = access.obj
    form = QBRForm(request.POST or None, account=account) if access.may_edit else None
    if request.method == "POST" and form.is_valid():
        meeting = save_audited(request, form, "qbr.create")
        messages.success(request, "QBR logged. Note the commitments made in it below.")
        return _to_qbr(request, meeting)
    return _form_page(request, account, form)


@require_http_methods(["GET", "POST"])
def qbr_edit(
    request: TenantRequest, slug: str, keyaccount_pk: int, interaction_pk: int
) -> HttpResponse:
    account, meeting = _qbr_to_change(request, keyaccount_pk, interaction_pk)
    before = snapshot(meeting)
    form = QBRForm(request.POST or None, instance=meeting, account=account)
    if request.method == "POST" and form.is_valid():
        save_audited(request, form, "qbr.update", before)
        messages.success(request, "QBR saved.")
        return _to_qbr(request, meeting)
    return _form_page(request, account, form, meeting)


def _detail_page(
    request: TenantRequest, account: KeyAccount, may_edit: bool, meeting: Interaction, **forms
) -> HttpResponse:
    meeting = qbr.detail(meeting, timezone.localdate())
    context = {
        "account": account,
        "qbr": meeting,
        "tally": qbr.tally(meeting),
        "rating_requests": meeting.rating_requests.filter(answered_at=None).select_related(
            "contact"
        ),
        "may_edit": may_edit,
        **_review(account, meeting),
    }
    if may_edit:
        context["commitment_form"] = forms.get("commitment_form") or CommitmentForm(qbr=meeting)
        context["rating_form"] = forms.get("rating_form") or QBRRatingForm(qbr=meeting)
    return render(request, "accounts/qbr.html", context)


@require_GET
def qbr_detail(
    request: TenantRequest, slug: str, keyaccount_pk: int, interaction_pk: int
) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk)
    meeting = _get_qbr(access.obj, interaction_pk)
    return _detail_page(request, access.obj, access.may_edit, meeting)


@require_POST
def qbr_commitment(
    request: TenantRequest, slug: str, keyaccount_pk: int, interaction_pk: int
) -> HttpResponse:
    account, meeting = _qbr_to_change(request, keyaccount_pk, interaction_pk)
    form = CommitmentForm(request.POST, qbr=meeting)
    if not form.is_valid():
        return _detail_page(request, account, True, meeting, commitment_form=form)
    commitment, _ = qbr.commit(meeting, request.user, **form.cleaned_data)
    messages.success(request, f"Commitment added to the actions: “{commitment.action.title}”.")
    return _to_qbr(request, meeting)


@require_POST
def qbr_rating_request(
    request: TenantRequest, slug: str, keyaccount_pk: int, interaction_pk: int
) -> HttpResponse:
    account, meeting = _qbr_to_change(request, keyaccount_pk, interaction_pk)
    form = QBRRatingForm(request.POST, qbr=meeting)
    if not form.is_valid():
        return _detail_page(request, account, True, meeting, rating_form=form)
    contact = form.cleaned_data["contact"]
    qbr.ask_rating(meeting, contact, request.user)
    messages.success(request, f"Rating survey on its way to {contact.name} ({contact.email}).")
    return _to_qbr(request, meeting)
