from reviews.access import waiting_for
from reviews.models import PerformanceReview


def reviews_badge(request) -> dict:
    """How many reviews wait for the member's step, for the navigation (one query)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    count = PerformanceReview.objects.for_tenant(membership.tenant).filter(waiting_for(membership))
    return {"reviews_waiting": count.count()}
