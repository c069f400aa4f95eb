import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from kamapp import notify
from kamapp.models import Invitation
from kamapp.rls import tenant_context

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(self, tenant_id: int, invitation_id: int) -> bool:
    """Mail an invitation once: the row is claimed by a conditional update before sending."""
    with tenant_context(tenant_id):
        claimed = Invitation.objects.filter(
            tenant_id=tenant_id, pk=invitation_id, sent_at=None, revoked_at=None
        ).update(sent_at=timezone.now())
        if claimed != 1:
            return False
        invitation = Invitation.objects.select_related("tenant").get(pk=invitation_id)
        # A failed send raises and rolls the claim back, so the retry finds the row unclaimed.
        notify.invitation_mail(invitation, settings.SITE_URL)
    logger.info("invitation %s sent to %s", invitation_id, invitation.email)
    return True
