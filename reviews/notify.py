"""Mails that tell a review's next person it is their turn."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

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


def step(review: PerformanceReview, overdue: bool = False) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "review-detail", args=[review.cycle.tenant.slug, review.pk]
    )
    subject = SUBJECTS[review.status].format(cycle=review.cycle.name, kam=review.kam.user.full_name)
    if overdue:
        subject = f"Overdue since {review.due:%-d %b}: {subject[0].lower()}{subject[1:]}"
    context = {"review": review, "link": link, "overdue": overdue}
    send_mail(
        subject,
        render_to_string("reviews/email/step.txt", context),
        None,
        recipients(review),
    )
