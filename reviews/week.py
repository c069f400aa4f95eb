"""The review steps on a member's "my week" panel (`kamapp.homes.waiting`): their
self-assessment, the reviews they are to finalise, and their own finalised review to sign off."""

import datetime

from django.db.models import Q
from django.urls import reverse

from kamapp.homes import Waiting
from kamapp.models import Membership
from reviews.access import waiting_for
from reviews.models import PerformanceReview

Status = PerformanceReview.Status
SHOWN = 10


def _label(review: PerformanceReview) -> str:
    if review.status == Status.SELF_ASSESSMENT:
        return f"Your self-assessment for {review.cycle.name}"
    if review.status == Status.MANAGER_REVIEW:
        return f"Review {review.kam.user.full_name} for {review.cycle.name}"
    if review.status == Status.CALIBRATION:
        return f"Finalise {review.kam.user.full_name}'s {review.cycle.name} review (calibration)"
    return f"Sign off your {review.cycle.name} review"


def steps(membership: Membership, today: datetime.date) -> list[Waiting]:
    sign_off = Q(kam=membership, status=Status.FINALISED, acknowledged_at=None)
    reviews = (
        PerformanceReview.objects.for_tenant(membership.tenant)
        .filter(waiting_for(membership) | sign_off)
        .select_related("cycle", "kam__user")
        .order_by("cycle__period_end", "kam__user__full_name", "pk")[:SHOWN]
    )
    slug = membership.tenant.slug
    return [
        Waiting(
            _label(review),
            reverse("review-detail", args=[slug, review.pk]),
            review.due,
        )
        for review in reviews
    ]
