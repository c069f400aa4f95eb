"""Mails that tell a review's next person it is their turn, queued with the claim that they
were told (`kamapp.outbox`). They are in-app notifications too (`kamapp.notifications`); the
mail goes to those who want this kind mailed at once."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from kamapp import notifications, outbox
from kamapp.models import Membership, Role
from reviews.models import PerformanceReview

Status = PerformanceReview.Status
REVIEW_STEP = "review_step"
SUBJECTS = {
    Status.SELF_ASSESSMENT: "Your self-assessment for {cycle} is open",
    Status.MANAGER_REVIEW: "{kam}'s self-assessment for {cycle} is ready for your review",
    Status.CALIBRATION: "{kam}'s {cycle} review is ready for calibration",
    Status.FINALISED: "Your {cycle} review is finalised",
}


def register() -> None:
    notifications.register(REVIEW_STEP, "A review step waits for me (or my review is finalised)")


def leaders(tenant) -> list[Membership]:
    """The tenant's leaders, or its admins when it has none: they receive packets and
    review the reviews that have no reviewer."""
    people = Membership.objects.for_tenant(tenant).active().select_related("user")
    for role in (Role.LEADER, Role.ADMIN):
        found = sorted(people.filter(role=role), key=lambda member: member.user.email)
        if found:
            return found
    return []


def leadership(tenant) -> list[str]:
    return [member.user.email for member in leaders(tenant)]


def recipients(review: PerformanceReview) -> list[Membership]:
    if review.status == Status.CALIBRATION:
        return leaders(review.tenant_id)
    if review.status != Status.MANAGER_REVIEW:
        return [review.kam]
    if review.reviewer is not None:
        return [review.reviewer]
    return leaders(review.tenant_id)


def step_once(review: PerformanceReview, overdue: bool = False) -> bool:
    """Tell whoever's turn it is (the KAM, the reviewer, or the KAM once finalised), once per
    step and once more when the step is late: the review is claimed for its current step in
    the transaction that queues the mail. False when they were told already."""
    stamp = "reminded_status" if overdue else "notified_status"
    claimed = (
        PerformanceReview.objects.filter(pk=review.pk, status=review.status)
        .exclude(**{stamp: review.status})
        .update(**{stamp: review.status})
    )
    if not claimed:
        return False
    path = reverse("review-detail", args=[review.cycle.tenant.slug, review.pk])
    subject = SUBJECTS[review.status].format(cycle=review.cycle.name, kam=review.kam.user.full_name)
    if overdue:
        subject = f"Overdue since {review.due:%-d %b}: {subject[0].lower()}{subject[1:]}"
    key = f"review:{review.pk}:{review.status}:{'late' if overdue else 'turn'}:{review.reviewer_id}"
    key += ":reopened" if review.reopened_at else ""
    mail_to = notifications.notify(recipients(review), REVIEW_STEP, key, subject, path)
    context = {"review": review, "link": settings.SITE_URL.rstrip("/") + path, "overdue": overdue}
    outbox.queue(
        review.tenant_id,
        key,
        [member.user.email for member in mail_to],
        subject,
        render_to_string("reviews/email/step.txt", context),
    )
    return True
