"""Review cycles, the review page with its scorecard and workflow, and the PDF packet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import KeyAccount
from kamapp.access import get_person
from kamapp.downloads import attach
from kamapp.http import TenantRequest
from kamapp.pdf import announce
from kamapp.policy import can, require_permission
from reviews import calibration, cycle_packet, history, scorecard, workflow
from reviews.access import (
    get_cycle,
    get_cycle_packet,
    get_packet,
    get_review,
    previous_review,
    visible_reviews,
)
from reviews.forms import (
    AcknowledgeForm,
    CalibrationForm,
    CustomerVoiceForm,
    CycleForm,
    RatingsForm,
    ReopenForm,
    ReviewerForm,
    ScorecardEditor,
    SupervisorNoteForm,
)
from reviews.models import CyclePacket, PerformanceReview, ReviewCycle
from reviews.packet import filename

Status = PerformanceReview.Status


@require_permission("reviews.view", post="reviews.open_cycle")
@require_http_methods(["GET", "POST"])
def review_list(request: TenantRequest, slug: str) -> HttpResponse:
    may_open = can(request.membership, "reviews.open_cycle")
    form = CycleForm(tenant=request.tenant) if may_open else None
    if request.method == "POST":
        form = CycleForm(request.POST, tenant=request.tenant)
        if form.is_valid():
            cycle = workflow.open_cycle(request.tenant, request.user, **form.cleaned_data)
            messages.success(
                request, f"{cycle.name} opened: KAMs can start their self-assessments."
            )
            return redirect("review-list", slug=slug)
    reviews = (
        visible_reviews(request.membership)
        .select_related("kam__user", "reviewer__user")
        .annotate(packets_sent=Count("packets"))
    )
    cycles = (
        ReviewCycle.objects.for_tenant(request.tenant)
        .annotate(
            moved_on=Count("reviews", filter=~Q(reviews__status=Status.SELF_ASSESSMENT)),
            finalised=Count("reviews", filter=Q(reviews__status=Status.FINALISED)),
            total=Count("reviews"),
            mean=Avg("reviews__overall", filter=Q(reviews__status=Status.FINALISED)),
            has_packet=Exists(CyclePacket.objects.filter(cycle=OuterRef("pk"))),
        )
        .order_by("-period_end", "-id")  # Meta.ordering does not survive the aggregate
        .prefetch_related(Prefetch("reviews", queryset=reviews, to_attr="visible"))
    )
    context = {
        "cycles": cycles,
        "form": form,
        "may_calibrate": can(request.membership, "reviews.calibrate"),
        "may_packet": can(request.membership, "reviews.cycle_packet"),
    }
    return render(request, "reviews/review_list.html", context)


@require_permission("reviews.open_cycle")
@require_POST
def cycle_delete(request: TenantRequest, slug: str, reviewcycle_pk: int) -> HttpResponse:
    cycle = get_cycle(request.membership, reviewcycle_pk)
    if workflow.delete_cycle(cycle, request.user):
        messages.success(request, f"{cycle.name} deleted.")
    else:
        messages.error(request, f"{cycle.name} has submitted reviews: it stays.")
    return redirect("review-list", slug=slug)


def _forms(request: TenantRequest, review: PerformanceReview, criteria: list, data=None) -> dict:
    """The form the requester may fill at the review's current step (the other is None).
    `criteria` with the KAM's ratings start the reviewer's form from them."""
    forms = {"self_form": None, "manager_form": None, "finalise_form": None}
    if review.status == Status.SELF_ASSESSMENT and can(
        request.membership, "review.self_assess", review
    ):
        forms["self_form"] = RatingsForm(data, criteria=criteria, reviewer=False)
    elif review.status == Status.MANAGER_REVIEW and can(
        request.membership, "review.manage", review
    ):
        initial = {f"rating_{c['key']}": c.get("self_rating") for c in criteria}
        forms["manager_form"] = RatingsForm(data, criteria=criteria, reviewer=True, initial=initial)
    elif review.status == Status.CALIBRATION and can(request.membership, "review.manage", review):
        # the ratings stand as calibrated: the reviewer finalises with their summary
        initial = {"summary": review.manager_summary}
        forms["finalise_form"] = RatingsForm(data, criteria=[], reviewer=True, initial=initial)
    return forms


def _moved_on(request: TenantRequest, review: PerformanceReview) -> HttpResponse:
    messages.error(request, "This review has moved on meanwhile; here is where it stands.")
    return redirect("review-detail", slug=request.tenant.slug, performancereview_pk=review.pk)


def _page(request: TenantRequest, review: PerformanceReview, data=None) -> HttpResponse:
    card = scorecard.for_review(review)
    criteria = scorecard.criteria(card["sections"])
    previous = previous_review(request.membership, review)
    scorecard.compare(card, previous.scorecard if previous else None)
    context = {
        "review": review,
        "steps": workflow.steps(review),
        "card": card,
        "chart": scorecard.chart(card),
        "kinds": scorecard.KINDS,
        "packets": review.packets.defer("pdf"),
        "acknowledge_form": AcknowledgeForm()
        if review.status == Status.FINALISED
        and not review.acknowledged_at
        and can(request.membership, "review.acknowledge", review)
        else None,
        "reopen_form": ReopenForm()
        if review.status == Status.FINALISED
        and not review.reopened_at
        and can(request.membership, "review.reopen", review)
        else None,
        "previous": previous,
        "may_manage": can(request.membership, "review.manage", review),
        "may_calibrate": can(request.membership, "review.calibrate", review),
        **_voice_forms(request, review),
        "reviewer_form": ReviewerForm(review=review)
        if review.status != Status.FINALISED and can(request.membership, "reviews.open_cycle")
        else None,
        **_forms(request, review, criteria, data),
    }
    return render(request, "reviews/review_detail.html", context)


def _voice_forms(request: TenantRequest, review: PerformanceReview) -> dict:
    """The reviewer's forms for the customer's view of the KAM, while the review is open."""
    if review.status == Status.FINALISED or not can(request.membership, "review.manage", review):
        return {}
    return {
        "voice_form": CustomerVoiceForm(askable=workflow.askable(review)),
        "note_form": SupervisorNoteForm(accounts=_accounts(review)),
    }


@require_permission("reviews.view")
@require_GET
def review_detail(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    return _page(request, get_review(request.membership, performancereview_pk))


@require_POST
def review_submit(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    """The KAM submits the self-assessment, or the reviewer finalises: whichever step the
    review is at and the requester may take."""
    review = get_review(request.membership, performancereview_pk)
    if request.POST.get("step", review.status) != review.status:
        # a second press, or a stale tab, must not take the next step with the last one's form
        return _moved_on(request, review)
    # the posted form needs the criteria only; the scorecard is computed once, by the step
    criteria = scorecard.criteria(scorecard.sections_for(review.cycle))
    forms = _forms(request, review, criteria, request.POST)
    name, form = next(((n, f) for n, f in forms.items() if f is not None), (None, None))
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return _page(request, review, request.POST)
    to_calibration = name == "manager_form" and review.cycle.calibrate
    step = {
        "self_form": workflow.submit_self_assessment,
        "manager_form": workflow.submit_for_calibration if to_calibration else workflow.finalise,
        "finalise_form": workflow.finalise,
    }[name]
    try:
        step(review, request.user, form.cleaned_data["summary"], form.ratings())
    except workflow.WrongStep:
        return _moved_on(request, review)
    if name == "self_form":
        done = "Self-assessment sent to your reviewer."
    elif to_calibration:
        done = "Submitted for calibration: you finalise once leaders have calibrated it."
    else:
        done = "Review finalised: the packet is on its way to leadership."
    messages.success(request, done)
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


@require_permission("reviews.open_cycle")
@require_POST
def review_reassign(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    review = get_review(request.membership, performancereview_pk)
    form = ReviewerForm(request.POST, review=review)
    if not form.is_valid():
        messages.error(request, "Choose a supervisor, leader or admin other than the KAM.")
    elif review.status == Status.FINALISED:
        messages.error(request, "A finalised review keeps its reviewer.")
    else:
        try:
            workflow.reassign(review, request.user, form.cleaned_data["reviewer"])
        except workflow.WrongStep:
            messages.error(request, "This review has moved on meanwhile; try again.")
        else:
            name = form.cleaned_data["reviewer"].user.full_name
            messages.success(request, f"{name} reviews now.")
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


def _may_ask(request: TenantRequest, review: PerformanceReview) -> None:
    if review.status == Status.FINALISED or not can(request.membership, "review.manage", review):
        raise PermissionDenied


@require_POST
def review_feedback(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    """Surveys about the KAM to the contacts the reviewer picked (or each account's main
    contact when none were picked)."""
    review = get_review(request.membership, performancereview_pk)
    _may_ask(request, review)
    form = CustomerVoiceForm(request.POST, askable=workflow.askable(review))
    contacts = list(form.cleaned_data["contacts"]) if form.is_valid() else None
    if contacts is None and request.POST.getlist("contacts"):
        messages.error(request, "Those contacts cannot be asked now; pick from the list.")
        return redirect("review-detail", slug=slug, performancereview_pk=review.pk)
    sent = workflow.request_customer_feedback(review, request.user, contacts)
    messages.success(
        request,
        f"{sent} survey{'s' if sent != 1 else ''} sent to {review.kam.user.full_name}'s customers."
        if sent
        else "Every account already has a survey open, or no contact with an email.",
    )
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


@require_POST
def review_supervisor_note(
    request: TenantRequest, slug: str, performancereview_pk: int
) -> HttpResponse:
    review = get_review(request.membership, performancereview_pk)
    _may_ask(request, review)
    form = SupervisorNoteForm(request.POST, accounts=_accounts(review))
    if form.is_valid():
        workflow.supervisor_note(review, request.user, **form.cleaned_data)
        messages.success(request, "Your note from the call is in the review.")
    else:
        messages.error(request, "Choose the customer, their answer, and what they said.")
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


def _accounts(review: PerformanceReview):
    return KeyAccount.objects.for_tenant(review.tenant).active().filter(owner=review.kam)


@require_permission("reviews.view")
@require_GET
def packet_download(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    packet = get_packet(request.membership, performancereview_pk, request.GET.get("packet"))
    response = HttpResponse(bytes(packet.pdf), content_type="application/pdf")
    return attach(response, filename(packet.review), inline=True)


@require_permission("reviews.configure")
@require_http_methods(["GET", "POST"])
def scorecard_settings(request: TenantRequest, slug: str) -> HttpResponse:
    sections = scorecard.template_for(request.tenant)
    editor = ScorecardEditor(request.POST or None, sections=sections)
    if request.method == "POST" and editor.is_valid():
        scorecard.save_template(request.tenant, request.user, editor.result)
        messages.success(request, "Scorecard saved: cycles opened from now on use it.")
        return redirect("scorecard-settings", slug=slug)
    scorecard.shares(sections)
    context = {"editor": editor, "sections": sections, "kinds": scorecard.KINDS}
    return render(request, "reviews/scorecard_settings.html", context)


@require_permission("reviews.view")
@require_GET
def kam_history(request: TenantRequest, slug: str, membership_pk: int) -> HttpResponse:
    """A KAM's reviews across cycles, those the requester may see."""
    kam = get_person(request.membership, membership_pk)  # outside the viewer's tree: 404
    found = history.history(visible_reviews(request.membership).filter(kam=kam))
    return render(request, "reviews/kam_history.html", {"kam": kam, "history": found})


@require_permission("reviews.calibrate")
@require_GET
def cycle_calibration(request: TenantRequest, slug: str, reviewcycle_pk: int) -> HttpResponse:
    cycle = get_cycle(request.membership, reviewcycle_pk)
    context = {
        "cycle": cycle,
        "calibration": calibration.calibration(request.membership, cycle),
        "may_adjust": can(request.membership, "review.calibrate"),
        "criteria": scorecard.criteria(scorecard.sections_for(cycle)),
    }
    return render(request, "reviews/calibration.html", context)


@require_permission("review.calibrate")
@require_POST
def review_calibrate(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    review = get_review(request.membership, performancereview_pk)
    if not can(request.membership, "review.calibrate", review):
        raise PermissionDenied
    criteria = scorecard.criteria(scorecard.sections_for(review.cycle))
    form = CalibrationForm(request.POST, criteria=criteria)
    if review.status == Status.FINALISED:
        messages.error(request, "A finalised review is no longer calibrated.")
    elif not workflow.may_calibrate(review):
        messages.error(request, "Its reviewer has not submitted it for calibration yet.")
    elif not form.is_valid():
        messages.error(request, "Choose a rated criterion, a rating and say why.")
    else:
        calibration.adjust(review, request.user, **form.cleaned_data)
        messages.success(request, f"{review.kam.user.full_name}: rating calibrated.")
    return redirect("cycle-calibration", slug=slug, reviewcycle_pk=review.cycle_id)


@require_permission("review.acknowledge")
@require_POST
def review_acknowledge(
    request: TenantRequest, slug: str, performancereview_pk: int
) -> HttpResponse:
    review = get_review(request.membership, performancereview_pk)
    if not can(request.membership, "review.acknowledge", review):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if review.status != Status.FINALISED:
        messages.error(request, "There is nothing to sign off until the review is finalised.")
    elif not form.is_valid():
        messages.error(request, "Say whether you agree with the review.")
    else:
        try:
            workflow.acknowledge(review, request.user, **form.cleaned_data)
        except workflow.WrongStep:
            messages.error(request, "You have signed this review off already.")
        else:
            messages.success(request, "Signed off: your answer is in the packet.")
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


review_acknowledge.review_right = "review.acknowledge"


@require_permission("review.reopen")
@require_POST
def review_reopen(request: TenantRequest, slug: str, performancereview_pk: int) -> HttpResponse:
    review = get_review(request.membership, performancereview_pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for reopening the review.")
    else:
        try:
            workflow.reopen(review, request.user, form.cleaned_data["reason"])
        except workflow.WrongStep:
            messages.error(request, "Only a finalised review can be reopened, and only once.")
        else:
            messages.success(request, "Reopened: the reviewer has it back.")
    return redirect("review-detail", slug=slug, performancereview_pk=review.pk)


@require_permission("reviews.cycle_packet")
@require_POST
def cycle_packet_now(request: TenantRequest, slug: str, reviewcycle_pk: int) -> HttpResponse:
    """The cycle packet on demand, once every review is finalised (made and mailed once)."""
    cycle = get_cycle(request.membership, reviewcycle_pk)
    if not cycle_packet.is_complete(cycle):
        messages.error(request, f"{cycle.name}: the packet comes once every review is finalised.")
    else:
        announce(request, f"The {cycle.name} packet", cycle_packet.send(cycle)[1])
    return redirect("review-list", slug=slug)


@require_permission("reviews.cycle_packet")
@require_GET
def cycle_packet_download(request: TenantRequest, slug: str, reviewcycle_pk: int) -> HttpResponse:
    packet = get_cycle_packet(request.membership, reviewcycle_pk)
    response = HttpResponse(bytes(packet.pdf), content_type="application/pdf")
    return attach(response, cycle_packet.filename(packet.cycle), inline=True)
