"""Mail as rows first, sent second.

`queue` writes the composed mail as an `OutboundMail` row in the transaction that asks for
it and sends the Celery message once that commits. Delivery claims the row (committed before
SMTP sees it), sends it with a Message-ID made from the row's idempotency key, then marks it
sent. So a lost Celery message only delays the mail (`requeue` finds unclaimed rows), a
transient SMTP error releases the claim for a retry, and a worker killed while handing the
mail over never sends it twice: a claimed row is not sent again, it is marked failed.
"""

import datetime
import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from kamapp.models import Delivery, OutboundMail
from kamapp.queueing import send_on_commit

logger = logging.getLogger(__name__)

SMTP_TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)
MAX_ATTEMPTS = 8
REQUEUE_AFTER = datetime.timedelta(minutes=3)  # an unclaimed row older than this is re-sent
LEASE = datetime.timedelta(minutes=10)  # a claim older than this was a dead worker's
BATCH = 500


def header_safe(text: str) -> str:
    """One line: a CR or LF in a subject would end the header (and Django refuses it)."""
    return " ".join(text.split())


def queue(
    tenant_id: int,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    attachment: tuple[str, bytes, str] | None = None,
) -> OutboundMail | None:
    """Queue a mail once per `key` (None when that key was queued before). Call it inside the
    tenant's context; delivery starts when the transaction commits."""
    if not to:
        return None
    name, content, mimetype = attachment or ("", None, "")
    mail, created = OutboundMail.objects.get_or_create(
        tenant_id=tenant_id,
        key=key[:200],
        defaults={
            "to": sorted(set(to)),
            "subject": header_safe(subject)[:300],
            "body": body,
            "attachment_name": name,
            "attachment": content,
            "attachment_type": mimetype,
        },
    )
    if not created:
        return None
    send_on_commit("kamapp.tasks.deliver_mail", tenant_id, mail.pk)  # by name: tasks import us
    return mail


def claim(rows: QuerySet[Delivery], pk: int) -> Delivery | None:
    """Take the row for sending, committed at once; None when it is sent, failed or taken."""
    with transaction.atomic():
        taken = rows.filter(pk=pk, claimed_at=None, sent_at=None, failed_at=None).update(
            claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
        return rows.filter(pk=pk).first() if taken else None


def message_id(mail: OutboundMail) -> str:
    digest = hashlib.sha256(f"{mail.tenant_id}:{mail.key}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "kamapp.localhost"
    return f"<{digest}@{domain}>"


def send(mail: OutboundMail) -> None:
    message = EmailMessage(
        mail.subject, mail.body, to=mail.to, headers={"Message-ID": message_id(mail)}
    )
    if mail.attachment is not None:
        message.attach(mail.attachment_name, bytes(mail.attachment), mail.attachment_type)
    message.send()


def mark_sent(row: Delivery) -> None:
    type(row).objects.filter(pk=row.pk).update(sent_at=timezone.now(), last_error="")


def release(row: Delivery, error: Exception) -> bool:
    """Give the claim back after a failed hand-over; True when it may be tried again."""
    final = row.attempts >= MAX_ATTEMPTS
    type(row).objects.filter(pk=row.pk).update(
        claimed_at=None,
        last_error=f"{error.__class__.__name__}: {error}"[:1000],
        failed_at=timezone.now() if final else None,
    )
    return not final


def requeue(rows: QuerySet[Delivery]) -> list[int]:
    """Rows to send again: unclaimed ones whose message seems lost. Claims left by a dead
    worker are marked failed instead, since SMTP may already have accepted them."""
    now = timezone.now()
    pending = rows.filter(sent_at=None, failed_at=None)
    pending.filter(claimed_at__lt=now - LEASE).update(
        failed_at=now,
        last_error="The worker stopped while handing this mail over; not sent again "
        "in case it was delivered.",
    )
    return list(
        pending.filter(claimed_at=None, created_at__lt=now - REQUEUE_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )
