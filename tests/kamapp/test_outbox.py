"""Mail as rows first: queued once per key, claimed before SMTP, re-queued when the Celery
message is lost, never sent twice after a crash."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from kamapp import outbox
from kamapp.models import OutboundMail
from kamapp.rls import tenant_context
from kamapp.tasks import deliver_mail, requeue_mail


def queue(org, key="hello", **fields):
    with tenant_context(org.tenant.pk):
        return outbox.queue(
            org.tenant.pk, key, [org.kam.user.email], fields.pop("subject", "Hi"), "Body", **fields
        )


def test_a_mail_is_queued_once_per_key_and_sent_after_commit(
    org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(org_a, attachment=("a.pdf", b"%PDF-1.7", "application/pdf"))
        assert queue(org_a) is None
    assert OutboundMail.objects.filter(tenant=org_a.tenant).count() == 1
    (message,) = mail.outbox
    assert message.to == [org_a.kam.user.email]
    assert message.attachments == [("a.pdf", b"%PDF-1.7", "application/pdf")]
    assert message.extra_headers["Message-ID"] == outbox.message_id(first)
    first.refresh_from_db()
    assert first.sent_at is not None and first.attempts == 1
    assert deliver_mail(org_a.tenant.pk, first.pk) is False and len(mail.outbox) == 1


def test_a_subject_with_line_breaks_becomes_one_line(org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(org_a, subject="Survey for Acme\r\nBcc: victim@example.com")
    assert mail.outbox[0].subject == "Survey for Acme Bcc: victim@example.com"


def test_a_lost_message_is_requeued_and_a_dead_workers_claim_is_not(org_a):
    lost = queue(org_a, "lost")  # no on-commit: the Celery message never left
    crashed = queue(org_a, "crashed")
    queue(org_a, "fresh")
    old = timezone.now() - datetime.timedelta(minutes=15)
    OutboundMail.objects.filter(pk__in=[lost.pk, crashed.pk]).update(created_at=old)
    OutboundMail.objects.filter(pk=crashed.pk).update(claimed_at=old, attempts=1)
    assert requeue_mail() == 1
    assert [m.to for m in mail.outbox] == [[org_a.kam.user.email]]
    states = {m.key: m for m in OutboundMail.objects.all()}
    assert states["lost"].sent_at is not None
    assert states["crashed"].sent_at is None and states["crashed"].failed_at is not None
    assert "not sent again" in states["crashed"].last_error
    assert states["fresh"].sent_at is None and states["fresh"].failed_at is None
    assert requeue_mail() == 0


def test_a_refused_hand_over_releases_the_claim_for_a_retry(org_a, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    queued = queue(org_a)
    with pytest.raises((smtplib.SMTPException, ConnectionError)):
        deliver_mail(org_a.tenant.pk, queued.pk)
    queued.refresh_from_db()
    assert queued.claimed_at is None and queued.sent_at is None and queued.attempts >= 1
    assert "Connection" in queued.last_error or "SMTP" in queued.last_error


def test_the_last_attempt_fails_for_good(org_a, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    queued = queue(org_a)
    OutboundMail.objects.filter(pk=queued.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    assert deliver_mail(org_a.tenant.pk, queued.pk) is False
    queued.refresh_from_db()
    assert queued.failed_at is not None and queued.claimed_at is None


def test_another_tenants_id_delivers_nothing(org_a, org_b):
    queued = queue(org_a)
    assert deliver_mail(org_b.tenant.pk, queued.pk) is False
    assert mail.outbox == []
