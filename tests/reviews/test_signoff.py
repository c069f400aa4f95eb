"""Sign-off by the KAM and an admin's reopening: each once, audited, packets kept."""

import datetime
import re
import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from kamapp.models import AuditEvent
from reviews import workflow
from reviews.models import PerformanceReview, ReviewPacket
from reviews.tasks import requeue_packets, send_packet
from tests.accounts.conftest import make_account

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def pdf_text(packet: ReviewPacket) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=bytes(packet.pdf), capture_output=True)
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def review(org_a, django_capture_on_commit_callbacks):
    make_account(org_a, "Initech")
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {})
    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Good", {"leadership": (4, "")})
    return review


def test_the_kam_signs_off_once_and_the_packet_says_so(
    client, org_a, review, django_capture_on_commit_callbacks
):
    url = reverse("review-acknowledge", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.supervisor.user)
    assert client.post(url, {"agrees": "yes"}).status_code == 403  # not their review
    client.force_login(org_a.kam.user)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "Sign off your review" in page
    assert "Say whether" in client.post(url, {}, follow=True).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"agrees": "no", "comment": "The Initech slip was the customer's."})
    again = client.post(url, {"agrees": "yes"}, follow=True).text
    assert "signed this review off already" in again
    review.refresh_from_db()
    assert review.agrees is False and review.acknowledgement.startswith("The Initech")
    assert AuditEvent.objects.filter(verb="review.acknowledge").count() == 1

    first, signed = ReviewPacket.objects.filter(review=review).order_by("created_at", "id")
    assert first.superseded_at is not None and signed.superseded_at is None
    text = pdf_text(signed)
    assert "Does not agree" in text and "The Initech slip was the customer's." in text
    subjects = [m.subject for m in mail.outbox if m.subject.startswith("Review packet:")]
    assert len(subjects) == 2 and subjects[-1].endswith("signed off by the KAM")
    assert send_packet(org_a.tenant.pk, review.pk) is False  # one packet per change


def test_an_admin_reopens_once_old_packet_kept_new_one_mailed(
    client, org_a, review, django_capture_on_commit_callbacks
):
    url = reverse("review-reopen", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.leader.user)
    assert client.post(url, {"reason": "x"}).status_code == 403  # admins only
    client.force_login(org_a.admin.user)
    assert "Give the reason" in client.post(url, {"reason": ""}, follow=True).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Q3 revenue was restated."})
    review.refresh_from_db()
    assert review.status == PerformanceReview.Status.MANAGER_REVIEW and review.scorecard is None
    (old,) = ReviewPacket.objects.filter(review=review)
    assert old.superseded_at is not None
    assert mail.outbox[-1].to == [org_a.supervisor.user.email]  # the reviewer has it back
    event = AuditEvent.objects.get(verb="review.reopen")
    assert event.changes["reason"] == "Q3 revenue was restated."

    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Restated", {"leadership": (3, "")})
    newest = ReviewPacket.objects.filter(review=review).first()
    assert newest != old and newest.superseded_at is None
    packets = [m for m in mail.outbox if m.subject.startswith("Review packet:")]
    assert "reissued after reopening" in packets[-1].subject
    assert "Q3 revenue was restated." in pdf_text(newest)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "superseded" in page and "Reopened on" in page
    assert "<" not in re.search(r"<title>(.*?)</title>", page, re.S)[1]
    old_url = reverse("review-packet", args=[org_a.tenant.slug, review.pk])
    assert client.get(f"{old_url}?packet={old.pk}").content == bytes(old.pdf)
    assert client.get(f"{old_url}?packet=999999").status_code == 404

    page = client.post(url, {"reason": "Again"}, follow=True).text
    assert "only once" in page
    assert AuditEvent.objects.filter(verb="review.reopen").count() == 1


def test_a_lost_sign_off_packet_is_made_by_the_sweep(org_a, review):
    workflow.acknowledge(review, org_a.kam.user, True, "")  # its on-commit never ran
    PerformanceReview.objects.filter(pk=review.pk).update(
        finalised_at=review.finalised_at - datetime.timedelta(hours=1),
        acknowledged_at=review.acknowledged_at - datetime.timedelta(minutes=30),
    )
    ReviewPacket.objects.update(created_at=review.finalised_at - datetime.timedelta(minutes=50))
    assert requeue_packets() == 1
