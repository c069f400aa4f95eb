import datetime
import logging
from contextlib import nullcontext
from functools import partial
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from kamapp import notifications, outbox
from kamapp.models import OutboundMail, PasswordResetMail, Tenant
from kamapp.rls import tenant_context

logger = logging.getLogger(__name__)

# What is worth another try, with backoff: SMTP and network hiccups, and a database that is
# restarting. Every task of ours is idempotent, so a retry never does the work twice.
TRANSIENT = (*outbox.SMTP_TRANSIENT, OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 240,
         "max_retries": 6}  # fmt: skip


def _hand_over(task, rows: QuerySet, pk: int, send, scope=nullcontext) -> bool:
    """Claim the row, hand it to SMTP once, mark it sent (see `kamapp.outbox`); a refused
    hand-over gives the claim back and retries with backoff. `scope` wraps each database step
    (the tenant's RLS context for tenant mail)."""
    with scope():
        row = outbox.claim(rows, pk)
    if row is None:
        return False
    try:
        send(row)
    except outbox.SMTP_TRANSIENT as error:
        with scope():
            again = outbox.release(row, error)
        if again:
            raise task.retry(exc=error, countdown=min(2**row.attempts * 5, 300)) from error
        logger.error("%s %s failed for good: %s", type(row).__name__, pk, error)
        return False
    with scope():
        outbox.mark_sent(row)
    return True


DELIVERY = {"bind": True, "autoretry_for": (OperationalError, InterfaceError),
            "retry_backoff": True, "max_retries": outbox.MAX_ATTEMPTS}  # fmt: skip


@shared_task(**DELIVERY)
def deliver_mail(self, tenant_id: int, mail_id: int) -> bool:
    """Hand one queued mail to SMTP, once."""
    rows = OutboundMail.objects.filter(tenant_id=tenant_id)
    return _hand_over(self, rows, mail_id, outbox.send, partial(tenant_context, tenant_id))


def _send_reset(row: PasswordResetMail) -> None:
    """Django's reset mail to the active users with this email (none when it is unknown)."""
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm({"email": row.email})
    if form.is_valid():
        form.save(domain_override=site.netloc, use_https=site.scheme == "https")


@shared_task(**DELIVERY)
def send_password_reset(self, reset_id: int) -> bool:
    return _hand_over(self, PasswordResetMail.objects.all(), reset_id, _send_reset)


@shared_task
def requeue_mail() -> int:
    """Beat, every few minutes: send again what a lost Celery message left unsent, and forget
    password resets after a day."""
    queued = 0
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        with tenant_context(tenant_id):
            ids = outbox.requeue(OutboundMail.objects.filter(tenant_id=tenant_id))
        for mail_id in ids:
            deliver_mail.delay(tenant_id, mail_id)
        queued += len(ids)
    resets = PasswordResetMail.objects.all()
    for reset_id in outbox.requeue(resets):
        send_password_reset.delay(reset_id)
        queued += 1
    resets.filter(created_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return queued


@shared_task
def send_all_notification_digests() -> int:
    """Beat, daily: each tenant's notification digests, one task per tenant."""
    ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in ids:
        send_notification_digests.delay(tenant_id, timezone.localdate().isoformat())
    return len(ids)


@shared_task(**RETRY)
def send_notification_digests(tenant_id: int, day: str) -> int:
    with tenant_context(tenant_id):
        tenant = Tenant.objects.get(pk=tenant_id)
        return notifications.send_digests(tenant, datetime.date.fromisoformat(day))
