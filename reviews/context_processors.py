from django.db.models import Q

from kamapp.models import Role
from reviews.access import ALL_REVIEWS
from reviews.models import PerformanceReview

Status = PerformanceReview.Status


def reviews_badge(request) -> dict:
    """How many reviews wait for the member's step, for the navigation (one query): their own
    self-assessment, and the reviews they are to finalise (leaders and admins: also those
    without a reviewer)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    mine = Q(kam=membership, status=Status.SELF_ASSESSMENT)
    if membership.role != Role.KAM:
        to_review = Q(reviewer=membership)
        if membership.role in ALL_REVIEWS:
            to_review |= Q(reviewer=None)
        mine |= to_review & Q(status=Status.MANAGER_REVIEW) & ~Q(kam=membership)
    count = PerformanceReview.objects.for_tenant(membership.tenant).filter(mine).count()
    return {"reviews_waiting": count}
