"""Celery tasks of the reviews app: thin, idempotent, tenant set for RLS."""

import smtplib

from celery import shared_task
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kamapp.models import Tenant
from kamapp.rls import tenant_context
from reviews import notify, packet
from reviews.models import PerformanceReview

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)
Status = PerformanceReview.Status


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_packet(tenant_id: int, review_id: int) -> bool:
    """Render and mail a finalised review's packet once: the review row is locked and a sent
    packet ends it; a failed send rolls the packet back for the retry."""
    with transaction.atomic(), tenant_context(tenant_id):
        review = (
            PerformanceReview.objects.select_for_update(of=("self",))
            .select_related("cycle", "kam__user", "reviewer__user", "tenant")
            .filter(tenant_id=tenant_id, pk=review_id, status=PerformanceReview.Status.FINALISED)
            .first()
        )
        if review is None or review.packets.exclude(sent_at=None).exists():
            return False
        packet.send(review)
    return True


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def notify_step(tenant_id: int, review_id: int, overdue: bool = False) -> bool:
    """Tell whoever's turn it is (the KAM, the reviewer, or the KAM once finalised) by mail,
    once per step, and once more when the step is late: the review is claimed for its
    current step before sending, so a re-run or a retry sends nothing twice."""
    stamp = "reminded_status" if overdue else "notified_status"
    with transaction.atomic(), tenant_context(tenant_id):
        review = (
            PerformanceReview.objects.select_related("cycle__tenant", "kam__user", "reviewer__user")
            .filter(tenant_id=tenant_id, pk=review_id)
            .first()
        )
        if review is None:
            return False
        claimed = (
            PerformanceReview.objects.filter(pk=review.pk, status=review.status)
            .exclude(**{stamp: review.status})
            .update(**{stamp: review.status})
        )
        if not claimed:
            return False
        notify.step(review, overdue=overdue)
    return True


@shared_task
def remind_overdue_reviews() -> int:
    """Beat, daily: a reminder to whoever's turn it is once a step passes its due date."""
    queued = 0
    today = timezone.localdate()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            late = list(
                PerformanceReview.objects.for_tenant(tenant)
                .filter(
                    Q(status=Status.SELF_ASSESSMENT, cycle__self_due__lt=today)
                    | Q(status=Status.MANAGER_REVIEW, cycle__review_due__lt=today)
                )
                .exclude(reminded_status=F("status"))
                .values_list("pk", flat=True)
            )
        for review_id in late:
            notify_step.delay(tenant.pk, review_id, overdue=True)
        queued += len(late)
    return queued
