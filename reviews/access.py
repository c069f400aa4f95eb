"""Who sees and moves which review. KAMs see their own; supervisors their team's and those
they review; leaders and admins every review."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kamapp import policy
from kamapp.members import team
from kamapp.models import Membership, Role
from reviews.models import CyclePacket, PerformanceReview, ReviewCycle, ReviewPacket

ALL_REVIEWS = {Role.ADMIN, Role.LEADER}
TOPIC = "reviews"  # the navigation's count of reviews waiting (`kamapp.navigation`)


def visible_reviews(membership: Membership) -> QuerySet[PerformanceReview]:
    reviews = PerformanceReview.objects.for_tenant(membership.tenant)
    if membership.role in ALL_REVIEWS:
        return reviews
    mine = Q(kam=membership) | Q(reviewer=membership)
    if membership.role == Role.SUPERVISOR:
        mine |= Q(kam__in=team(membership))
    return reviews.filter(mine)


def waiting_for(membership: Membership) -> Q:
    """The reviews waiting for the member's step: their own self-assessment, and the reviews
    they are to finalise, after calibration in a cycle that calibrates (leaders and admins:
    also those without a reviewer)."""
    Status = PerformanceReview.Status
    mine = Q(kam=membership, status=Status.SELF_ASSESSMENT)
    if membership.role != Role.KAM:
        to_review = Q(reviewer=membership)
        if membership.role in ALL_REVIEWS:
            to_review |= Q(reviewer=None)
        finalise = [Status.MANAGER_REVIEW, Status.CALIBRATION]
        mine |= to_review & Q(status__in=finalise) & ~Q(kam=membership)
    return mine


def waiting(membership: Membership) -> QuerySet[PerformanceReview]:
    """The reviews waiting for the member's step, counted in the navigation."""
    return PerformanceReview.objects.for_tenant(membership.tenant).filter(waiting_for(membership))


def get_review(membership: Membership, pk: int) -> PerformanceReview:
    review = (
        visible_reviews(membership)
        .select_related("cycle", "kam__user", "reviewer__user", "tenant")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def get_cycle(membership: Membership, pk: int) -> ReviewCycle:
    return get_object_or_404(ReviewCycle.objects.for_tenant(membership.tenant), pk=pk)


def get_cycle_packet(membership: Membership, cycle_pk: int) -> CyclePacket:
    """The cycle's packet (404 until it is made, or for another tenant's cycle)."""
    cycle = get_cycle(membership, cycle_pk)
    packet = CyclePacket.objects.filter(tenant=cycle.tenant_id, cycle=cycle).first()
    if packet is None:
        raise Http404("No cycle packet yet.")
    packet.cycle = cycle
    return packet


def get_packet(membership: Membership, review_pk: int, packet_pk: str | None = None):
    """The newest PDF packet of a review the member may see, or the one asked for among its
    earlier, superseded ones (404 until it is rendered)."""
    review = get_review(membership, review_pk)
    packets = ReviewPacket.objects.filter(tenant=review.tenant, review=review)
    if packet_pk is not None:
        packets = packets.filter(pk=int(packet_pk) if packet_pk.isdigit() else 0)
    packet = packets.first()
    if packet is None:
        raise Http404("No packet yet.")
    packet.review = review  # with what the file name needs
    return packet


def previous_review(membership: Membership, review: PerformanceReview):
    """The KAM's last finalised review before this one's period, if the member may see it."""
    return previous_in(visible_reviews(membership), review)


def previous_in(reviews: QuerySet[PerformanceReview], review: PerformanceReview):
    """The KAM's last finalised review among `reviews` before this one's period."""
    return (
        reviews.filter(
            kam=review.kam_id,
            status=PerformanceReview.Status.FINALISED,
            cycle__period_end__lt=review.cycle.period_start,
        )
        .select_related("cycle")
        .order_by("-cycle__period_end")
        .first()
    )


def _is_reviewee(membership: Membership, review: PerformanceReview) -> bool:
    return review.kam_id == membership.pk


def _may_review(membership: Membership, review: PerformanceReview) -> bool:
    if _is_reviewee(membership, review):
        return False  # nobody finalises their own review
    return review.reviewer_id == membership.pk or membership.role in ALL_REVIEWS


def register() -> None:
    policy.register("reviews.view", set(Role))
    policy.register("reviews.open_cycle", ALL_REVIEWS)
    policy.register("reviews.configure", {Role.ADMIN})
    policy.register("reviews.calibrate", {Role.SUPERVISOR, *ALL_REVIEWS})
    policy.register("reviews.cycle_packet", ALL_REVIEWS)
    policy.register("review.calibrate", ALL_REVIEWS, _may_review)
    policy.register("review.acknowledge", set(Role), _is_reviewee)
    policy.register("review.reopen", {Role.ADMIN}, _may_review)
    policy.register("review.self_assess", {Role.KAM, Role.SUPERVISOR}, _is_reviewee)
    policy.register("review.manage", {Role.SUPERVISOR, *ALL_REVIEWS}, _may_review)
