"""QBRs that keep promises.

A QBR is an interaction of kind QBR with an agenda, the customer's people (InteractionContact)
and ours (InteractionAttendee), and the commitments made in it. Each commitment, ours or the
customer's, is followed up as an Action on the account; the action's status and dates say
whether it was kept. The next QBR opens with the previous one's commitments, so the KAM
reviews them in the meeting. The customer rates the meeting through the survey link
(`accounts.surveys` with `qbr`); the rating is a CustomerFeedback row, the customer's own.
"""

import datetime

from django.db import models, transaction
from django.db.models import Prefetch, Q, QuerySet

from accounts import metrics, surveys
from accounts.models import (
    Action,
    Commitment,
    Contact,
    CustomerFeedback,
    Interaction,
    KeyAccount,
    SurveyRequest,
)
from kamapp.audit import record
from kamapp.models import Membership


class Kept(models.TextChoices):
    KEPT = "kept", "Kept"
    LATE = "late", "Done late"
    OPEN = "open", "Still open"
    DROPPED = "dropped", "Dropped"


def kept(action: Action) -> Kept:
    """Was the promise kept: done by its due date, done late, still open, or dropped."""
    if action.status == Action.Status.CANCELLED:
        return Kept.DROPPED
    if action.status != Action.Status.DONE:
        return Kept.OPEN
    late = metrics.on_time(action.due_date, action.done_date, action.status) is False
    return Kept.LATE if late else Kept.KEPT


def of_account(account: KeyAccount) -> QuerySet[Interaction]:
    return Interaction.objects.filter(account=account, kind=Interaction.Kind.QBR)


def previous(account: KeyAccount, qbr: Interaction | None = None) -> Interaction | None:
    """The QBR before `qbr` (the latest one when `qbr` is None): the one it reviews."""
    earlier = of_account(account)
    if qbr is not None:
        earlier = earlier.filter(Q(date__lt=qbr.date) | Q(date=qbr.date, pk__lt=qbr.pk))
    return earlier.order_by("-date", "-id").first()


def with_details(interactions: QuerySet[Interaction], today: datetime.date) -> list[Interaction]:
    """The interactions with their people, and for QBRs the commitments (each with `kept` and
    `overdue`) and the customer's ratings: one query each, however many there are."""
    rows = list(
        interactions.select_related("logged_by").prefetch_related(
            "contacts",
            Prefetch("team_attendees", queryset=Membership.objects.select_related("user")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("action__owner__user", "contact"),
            ),
            Prefetch(
                "ratings",
                queryset=CustomerFeedback.objects.filter(
                    source=CustomerFeedback.Source.SURVEY, qbr_rating__isnull=False
                ).select_related("contact"),
            ),
        )
    )
    for row in rows:
        for commitment in row.commitments.all():
            action = commitment.action
            commitment.kept = kept(action)
            commitment.overdue = metrics.is_overdue(action.due_date, action.status, today)
    return rows


def detail(qbr: Interaction, today: datetime.date) -> Interaction:
    (found,) = with_details(Interaction.objects.filter(pk=qbr.pk), today)
    return found


def tally(qbr: Interaction) -> dict[str, int]:
    """How many of a decorated QBR's commitments are in each kept state."""
    counts = dict.fromkeys(Kept.values, 0)
    for commitment in qbr.commitments.all():
        counts[commitment.kept] += 1
    return counts


def commit(
    qbr: Interaction,
    actor,
    *,
    side: str,
    title: str,
    owner: Membership,
    due_date: datetime.date,
    contact: Contact | None = None,
) -> tuple[Commitment, bool]:
    """Record a commitment made at `qbr` and the action that follows it up, once: the same
    promise posted again (a double submit, a second tab) returns the existing one."""
    with transaction.atomic():
        # the QBR row is the lock: two requests for the same promise run one after the other
        Interaction.objects.select_for_update().filter(pk=qbr.pk).first()
        existing = (
            Commitment.objects.filter(interaction=qbr, action__title__iexact=title)
            .select_related("action")
            .first()
        )
        if existing is not None:
            return existing, False
        action = Action.objects.create(
            tenant_id=qbr.tenant_id,
            account_id=qbr.account_id,
            title=title,
            owner=owner,
            due_date=due_date,
        )
        commitment = Commitment.objects.create(
            tenant_id=qbr.tenant_id,
            account_id=qbr.account_id,
            interaction=qbr,
            action=action,
            side=side,
            contact=contact if side == Commitment.Side.CUSTOMER else None,
        )
        record(
            qbr.account.tenant,
            actor,
            "qbr.commitment",
            commitment,
            {
                "qbr": qbr.pk,
                "action": action.pk,
                "title": title,
                "side": side,
                "owner": str(owner),
                "contact": str(commitment.contact or ""),
                "due_date": due_date.isoformat(),
            },
        )
    return commitment, True


def ask_rating(qbr: Interaction, contact: Contact, actor) -> SurveyRequest:
    """Mail the contact the survey link, which also asks how useful the QBR was."""
    return surveys.request(qbr.account, contact, actor, qbr=qbr)


def rating_askable(qbr: Interaction) -> QuerySet[Contact]:
    """The QBR's customer attendees a rating can go to (an email, no survey open)."""
    return surveys.askable(qbr.tenant_id, [qbr.account_id]).filter(pk__in=qbr.contacts.values("pk"))
