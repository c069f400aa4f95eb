"""Celery tasks of the reviews app: thin, idempotent, tenant set for RLS."""

import datetime

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kamapp.models import Tenant
from kamapp.outbox import REQUEUE_AFTER
from kamapp.queueing import send_on_commit
from kamapp.rls import tenant_context
from kamapp.tasks import RETRY
from reviews import cycle_packet, notify, packet
from reviews.models import CyclePacket, PerformanceReview, ReviewCycle, ReviewPacket

Status = PerformanceReview.Status
CYCLES_SWEPT = datetime.timedelta(days=7)


@shared_task(**RETRY)
def send_packet(tenant_id: int, review_id: int) -> bool:
    """Render a finalised review's packet once per change (finalised, signed off) and queue
    its mail: the review row is locked and a packet made since the change ends it."""
    with transaction.atomic(), tenant_context(tenant_id):
        review = (
            PerformanceReview.objects.select_for_update(of=("self",))
            .select_related("cycle", "kam__user", "reviewer__user", "tenant")
            .filter(tenant_id=tenant_id, pk=review_id, status=PerformanceReview.Status.FINALISED)
            .first()
        )
        if review is None or review.packets.filter(created_at__gte=_changed(review)).exists():
            return False
        packet.send(review)
        if cycle_packet.is_complete(review.cycle):
            send_on_commit(send_cycle_packet, tenant_id, review.cycle_id)
    return True


@shared_task(**RETRY)
def send_cycle_packet(tenant_id: int, cycle_id: int) -> bool:
    """The cycle packet once its last review is finalised: made and mailed once."""
    with tenant_context(tenant_id):
        cycle = ReviewCycle.objects.filter(tenant_id=tenant_id, pk=cycle_id).first()
        if cycle is None or not cycle_packet.is_complete(cycle):
            return False
        return cycle_packet.send(cycle)[1]


def _changed(review: PerformanceReview):
    """When the finalised review last changed what its packet shows (finalised, signed off)."""
    return max(review.finalised_at, review.acknowledged_at or review.finalised_at)


@shared_task
def remind_overdue_reviews() -> int:
    """Beat, daily: a reminder to whoever's turn it is once a step passes its due date."""
    reminded = 0
    today = timezone.localdate()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            late = (
                PerformanceReview.objects.for_tenant(tenant)
                .filter(
                    Q(status=Status.SELF_ASSESSMENT, cycle__self_due__lt=today)
                    | Q(status=Status.MANAGER_REVIEW, cycle__review_due__lt=today)
                )
                .exclude(reminded_status=F("status"))
                .select_related("cycle__tenant", "kam__user", "reviewer__user")
            )
            reminded += sum(notify.step_once(review, overdue=True) for review in late)
    return reminded


@shared_task
def requeue_packets() -> int:
    """Beat, every few minutes: render the packets whose Celery message was lost (a review
    finalised or signed off a while ago with no packet since, a cycle complete a while ago with
    no cycle packet)."""
    queued = 0
    stale = timezone.now() - REQUEUE_AFTER
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            ids = list(
                PerformanceReview.objects.for_tenant(tenant)
                .filter(status=Status.FINALISED)
                .annotate(
                    changed=Greatest("finalised_at", Coalesce("acknowledged_at", "finalised_at"))
                )
                .filter(changed__lt=stale)
                .exclude(
                    Exists(
                        ReviewPacket.objects.filter(
                            review=OuterRef("pk"), created_at__gte=OuterRef("changed")
                        )
                    )
                )
                .values_list("pk", flat=True)
            )
            cycles = list(_complete_without_packet(tenant, stale))
        for review_id in ids:
            send_packet.delay(tenant.pk, review_id)
        for cycle_id in cycles:
            send_cycle_packet.delay(tenant.pk, cycle_id)
        queued += len(ids) + len(cycles)
    return queued


def _complete_without_packet(tenant, stale):
    """The cycles whose last review was finalised a while ago (but within `CYCLES_SWEPT`: older
    ones are history, not a lost message) with every review finalised and no cycle packet."""
    return (
        ReviewCycle.objects.for_tenant(tenant)
        .alias(last=Max("reviews__finalised_at"))
        .filter(last__lt=stale, last__gte=timezone.now() - CYCLES_SWEPT)
        .exclude(
            Exists(
                PerformanceReview.objects.filter(cycle=OuterRef("pk")).exclude(
                    status=Status.FINALISED
                )
            )
        )
        .exclude(Exists(CyclePacket.objects.filter(cycle=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
