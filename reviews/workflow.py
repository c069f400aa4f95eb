"""The review workflow: open a cycle, self-assessment, manager review, calibration, finalise,
sign-off (and, once, an admin's reopening).

Self-assessment → manager review → finalised; in a cycle that calibrates, the reviewer
submits their ratings for calibration first, leaders may adjust them there, and the reviewer
finalises after seeing the calibrated ratings and the reasons. Each step is one function that
checks the status it starts from (a conditional update, so a double submit moves nothing
twice), saves the ratings, and leaves an audit event. Finalising freezes the scorecard and
queues the PDF packet for leadership.
"""

from django.db import transaction
from django.utils import timezone

from accounts import surveys
from accounts.models import Contact, CustomerFeedback, KeyAccount, SurveyRequest
from kamapp import navigation
from kamapp.audit import record
from kamapp.models import Membership, Role
from kamapp.queueing import send_on_commit
from reviews import access, notify, scorecard
from reviews.models import CriterionRating, CyclePacket, PerformanceReview, ReviewCycle
from reviews.tasks import send_packet

Status = PerformanceReview.Status


class WrongStep(Exception):
    """The review is no longer at the step the request was made for."""


@transaction.atomic
def open_cycle(tenant, actor, name: str, period_start, period_end, **options) -> ReviewCycle:
    """A cycle with a review for every active KAM, reviewed by their manager. `options`:
    `self_due` and `review_due` dates, and `calibrate`."""
    cycle = ReviewCycle.objects.create(
        tenant=tenant,
        name=name,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
        sections=scorecard.template_for(tenant),
        **options,
    )
    kams = Membership.objects.for_tenant(tenant).active().filter(role=Role.KAM)
    reviews = PerformanceReview.objects.bulk_create(
        PerformanceReview(
            tenant=tenant,
            cycle=cycle,
            kam=kam,
            reviewer=kam.manager if kam.manager and kam.manager.is_active else None,
        )
        for kam in kams.select_related("manager")
    )
    record(tenant, actor, "review_cycle.open", cycle, {"reviews": len(reviews)})
    navigation.changed(access.TOPIC, tenant.pk)
    for review in _for_mail(PerformanceReview.objects.filter(cycle=cycle)):
        notify.step_once(review)
    return cycle


def _for_mail(reviews):
    return reviews.select_related("cycle__tenant", "kam__user", "reviewer__user")


def _notify(review: PerformanceReview) -> None:
    notify.step_once(_for_mail(PerformanceReview.objects.filter(pk=review.pk)).get())


def can_delete(cycle: ReviewCycle) -> bool:
    """A cycle opened by mistake can go while nobody has submitted anything in it."""
    return not cycle.reviews.exclude(status=Status.SELF_ASSESSMENT).exists()


@transaction.atomic
def delete_cycle(cycle: ReviewCycle, actor) -> bool:
    if not can_delete(cycle):
        return False
    record(cycle.tenant, actor, "review_cycle.delete", cycle, {"name": cycle.name})
    cycle.delete()
    navigation.changed(access.TOPIC, cycle.tenant_id)
    return True


@transaction.atomic
def reassign(review: PerformanceReview, actor, reviewer: Membership) -> None:
    """A new reviewer; if the review already waits for them, they are told (once)."""
    before = review.reviewer.user.email if review.reviewer else None
    _move(review, review.status, reviewer=reviewer, notified_status="")
    record(
        review.tenant, actor, "review.reassign", review, {"reviewer": [before, reviewer.user.email]}
    )
    if review.status == Status.MANAGER_REVIEW:
        _notify(review)


def _move(review: PerformanceReview, start: str, **changes) -> None:
    once = {"reopened_at": None} if "reopened_at" in changes else {}
    moved = PerformanceReview.objects.filter(pk=review.pk, status=start, **once).update(**changes)
    if not moved:
        raise WrongStep
    navigation.changed(access.TOPIC, review.tenant_id)
    for field, value in changes.items():
        setattr(review, field, value)


def _save_ratings(review: PerformanceReview, field: str, values: dict) -> None:
    existing = {r.criterion: r for r in review.ratings.all()}
    for key, (rating, comment) in values.items():
        row = existing.get(key) or CriterionRating(tenant_id=review.tenant_id, review=review)
        row.criterion = key
        setattr(row, field, rating)
        if comment is not None:
            row.comment = comment
        row.save()


@transaction.atomic
def submit_self_assessment(review, actor, summary: str, ratings: dict) -> None:
    _move(review, Status.SELF_ASSESSMENT, status=Status.MANAGER_REVIEW,
          self_summary=summary, submitted_at=timezone.now())  # fmt: skip
    _save_ratings(review, "self_rating", ratings)
    given = {key: rating for key, (rating, _) in ratings.items()}
    record(review.tenant, actor, "review.self_assessment", review, {"ratings": given})
    _notify(review)


def steps(review: PerformanceReview) -> list[tuple[str, str, str]]:
    """The review's steps as (status, label, "is-done" / "is-current" / ""): calibration only
    in a cycle that calibrates."""
    shown = [s for s in Status if s != Status.CALIBRATION or review.cycle.calibrate]
    at = shown.index(review.status) if review.status in shown else 0
    return [
        (s.value, s.label, "is-current" if n == at else "is-done" if n < at else "")
        for n, s in enumerate(shown)
    ]


def may_calibrate(review: PerformanceReview) -> bool:
    """Leaders adjust ratings while a review is in calibration (in a cycle without that step:
    any time before it is finalised)."""
    if review.cycle.calibrate:
        return review.status == Status.CALIBRATION
    return review.status != Status.FINALISED


@transaction.atomic
def submit_for_calibration(review, actor, summary: str, ratings: dict) -> None:
    """The reviewer's ratings and summary go to calibration; finalising waits for it."""
    if not review.cycle.calibrate:
        raise WrongStep
    _save_ratings(review, "manager_rating", ratings)
    _move(review, Status.MANAGER_REVIEW, status=Status.CALIBRATION, manager_summary=summary,
          calibration_submitted_at=timezone.now())  # fmt: skip
    given = {key: rating for key, (rating, _) in ratings.items()}
    record(review.tenant, actor, "review.submit_calibration", review, {"ratings": given})
    _notify(review)


@transaction.atomic
def finalise(review, actor, summary: str, ratings: dict | None = None) -> dict:
    """Save the reviewer's ratings, freeze the scorecard and queue the packet. In a cycle
    that calibrates, only a review submitted for calibration is finalised, with the ratings
    as calibrated (`ratings` is not taken then)."""
    start = Status.CALIBRATION if review.cycle.calibrate else Status.MANAGER_REVIEW
    if review.status != start:
        raise WrongStep
    if start == Status.MANAGER_REVIEW:
        _save_ratings(review, "manager_rating", ratings or {})
    frozen = scorecard.for_review(review)
    _move(review, start, status=Status.FINALISED, manager_summary=summary,
          scorecard=frozen, overall=frozen["overall"], finalised_at=timezone.now())  # fmt: skip
    record(review.tenant, actor, "review.finalise", review, {"overall": frozen["overall"]})
    send_on_commit(send_packet, review.tenant_id, review.pk)
    _notify(review)
    return frozen


@transaction.atomic
def acknowledge(review: PerformanceReview, actor, agrees: bool, comment: str) -> None:
    """The KAM signs off their finalised review, agreeing or not, once; the packet is made
    again with the sign-off in it."""
    moved = PerformanceReview.objects.filter(
        pk=review.pk, status=Status.FINALISED, acknowledged_at=None
    ).update(acknowledged_at=timezone.now(), agrees=agrees, acknowledgement=comment)
    if not moved:
        raise WrongStep
    navigation.changed(access.TOPIC, review.tenant_id)
    review.refresh_from_db(fields=["acknowledged_at", "agrees", "acknowledgement"])
    record(review.tenant, actor, "review.acknowledge", review,
           {"agrees": agrees, "comment": comment})  # fmt: skip
    send_on_commit(send_packet, review.tenant_id, review.pk)


@transaction.atomic
def reopen(review: PerformanceReview, actor, reason: str) -> None:
    """An admin reopens a finalised review, once, with a reason: back to the reviewer, the
    packets so far kept and marked superseded, the new one mailed when it is finalised (and
    the cycle packet made again once every review is)."""
    now = timezone.now()
    _move(review, Status.FINALISED, status=Status.MANAGER_REVIEW, scorecard=None, overall=None,
          finalised_at=None, calibration_submitted_at=None, reopened_at=now,
          reopen_reason=reason, acknowledged_at=None, agrees=None, acknowledgement="",
          notified_status="")  # fmt: skip
    review.packets.filter(superseded_at=None).update(superseded_at=now)
    # the cycle's packet no longer holds: a new one is made when the cycle is complete again
    CyclePacket.objects.filter(cycle=review.cycle).delete()
    record(review.tenant, actor, "review.reopen", review, {"reason": reason})
    _notify(review)


def request_customer_feedback(review: PerformanceReview, actor, contacts=None) -> int:
    """A survey that also asks about the KAM to each of `contacts` (contacts of the KAM's
    accounts the reviewer picked), or by default to the main contact of each account (a
    decision maker, buyer or champion first) that has an email and no survey open. Returns
    how many were sent."""
    if contacts is None:
        contacts = _main_contacts(review)
    with transaction.atomic():
        for contact in contacts:
            surveys.request(contact.account, contact, actor, about_kam=review.kam)
    return len(contacts)


def askable(review: PerformanceReview):
    """The contacts across the KAM's active accounts a survey can go to now."""
    accounts = KeyAccount.objects.for_tenant(review.tenant).active().filter(owner=review.kam)
    return (
        surveys.askable(review.tenant, accounts)
        .select_related("account__tenant")
        .order_by("account__name", "name")
    )


def _main_contacts(review: PerformanceReview) -> list[Contact]:
    open_ = SurveyRequest.objects.for_tenant(review.tenant).open().values("account_id")
    best: dict[int, Contact] = {}
    rank = {role: n for n, role in enumerate(Contact.KEY_ROLES)}
    for contact in askable(review).exclude(account__in=open_):
        current = best.get(contact.account_id)
        if current is None or rank.get(contact.buying_role, 9) < rank.get(current.buying_role, 9):
            best[contact.account_id] = contact
    return list(best.values())


def supervisor_note(
    review: PerformanceReview, actor, account: KeyAccount, kam_value: int, comment: str
) -> CustomerFeedback:
    """The reviewer's own call with a customer about the KAM, kept as the supervisor's note
    (not the customer's own answer)."""
    note = CustomerFeedback.objects.create(
        tenant_id=review.tenant_id,
        account=account,
        kam=review.kam,
        kam_value=kam_value,
        comment=comment,
        source=CustomerFeedback.Source.SUPERVISOR_CALL,
        recorded_by=actor,
    )
    record(review.tenant, actor, "review.supervisor_note", note, {"kam_value": kam_value})
    return note
