"""Celery tasks of the reviews app: thin, idempotent, tenant set for RLS."""

import smtplib

from celery import shared_task
from django.db import transaction

from kamapp.rls import tenant_context
from reviews import notify, packet
from reviews.models import PerformanceReview

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


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
def notify_step(tenant_id: int, review_id: int) -> bool:
    """Tell whoever's turn it is (the KAM, the reviewer, or the KAM once finalised) by mail,
    once per step: the review is claimed for its current step before sending."""
    with transaction.atomic(), tenant_context(tenant_id):
        review = (
            PerformanceReview.objects.select_related("cycle", "kam__user", "reviewer__user")
            .filter(tenant_id=tenant_id, pk=review_id)
            .first()
        )
        if review is None:
            return False
        claimed = (
            PerformanceReview.objects.filter(pk=review.pk, status=review.status)
            .exclude(notified_status=review.status)
            .update(notified_status=review.status)
        )
        if not claimed:
            return False
        notify.step(review)
    return True
