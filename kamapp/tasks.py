import logging
import smtplib
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from kamapp import outbox
from kamapp.models import Tenant
from kamapp.rls import tenant_context

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_password_reset(email: str) -> None:
    """Django's reset mail to the active users with this email (none when it is unknown)."""
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=site.netloc, use_https=site.scheme == "https")


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def deliver_mail(self, tenant_id: int, mail_id: int) -> bool:
    """Hand one queued mail to SMTP, once (see `kamapp.outbox`)."""
    with tenant_context(tenant_id):
        mail = outbox.claim(tenant_id, mail_id)
    if mail is None:
        return False
    try:
        outbox.send(mail)
    except outbox.TRANSIENT as error:
        with tenant_context(tenant_id):
            again = outbox.release(mail, error)
        if again:
            raise self.retry(exc=error, countdown=min(2**mail.attempts * 5, 300)) from error
        logger.error("mail %s failed for good: %s", mail_id, error)
        return False
    with tenant_context(tenant_id):
        outbox.mark_sent(mail)
    return True


@shared_task
def requeue_mail() -> int:
    """Beat, every few minutes: send again what a lost Celery message left unsent."""
    queued = 0
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        with tenant_context(tenant_id):
            ids = outbox.requeue(tenant_id)
        for mail_id in ids:
            deliver_mail.delay(tenant_id, mail_id)
        queued += len(ids)
    return queued
