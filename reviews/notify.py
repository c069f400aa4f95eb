"""Mails that tell a review's next person it is their turn, queued with the claim that they
were told (`kamapp.outbox`)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from kamapp import outbox
from kamapp.models import Membership, Role
from reviews.models import PerformanceReview

Status = PerformanceReview.Status
SUBJECTS = {
    Status.SELF_ASSESSMENT: "Your self-assessment for {cycle} is open",
    Status.MANAGER_REVIEW: "{kam}'s self-assessment for {cycle} is ready for your review",
    Status.FINALISED: "Your {cycle} review is finalised",
}


def leadership(tenant) -> list[str]:
    """The tenant's leaders, or its admins when it has none: they receive packets and
    review the reviews that have no reviewer."""
    people = Membership.objects.for_tenant(tenant).active()
    for role in (Role.LEADER, Role.ADMIN):
        emails = sorted(people.filter(role=role).values_list("user__email", flat=True))
        if emails:
            return emails
    return []


def recipients(review: PerformanceReview) -> list[str]:
    if review.status != Status.MANAGER_REVIEW:
        return [review.kam.user.email]
    if review.reviewer is not None:
        return [review.reviewer.user.email]
    return leadership(review.tenant_id)


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
    link = settings.SITE_URL.rstrip("/") + reverse(
        "review-detail", args=[review.cycle.tenant.slug, review.pk]
    )
    subject = SUBJECTS[review.status].format(cycle=review.cycle.name, kam=review.kam.user.full_name)
    if overdue:
        subject = f"Overdue since {review.due:%-d %b}: {subject[0].lower()}{subject[1:]}"
    context = {"review": review, "link": link, "overdue": overdue}
    outbox.queue(
        review.tenant_id,
        f"review:{review.pk}:{review.status}:{'late' if overdue else 'turn'}:{review.reviewer_id}"
        + (":reopened" if review.reopened_at else ""),
        recipients(review),
        subject,
        render_to_string("reviews/email/step.txt", context),
    )
    return True
