"""The cycle packet: made when a cycle's last review is finalised (or on demand), every KAM
side by side read back from the PDF, mailed once to leadership with the PDF, downloadable by
leadership only; building it costs the same queries for 2 reviews as for 8."""

import datetime
import subprocess

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kamapp.models import Role
from reviews import cycle_packet, workflow
from reviews.models import CyclePacket, PerformanceReview

pytestmark = pytest.mark.django_db

PERIOD = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
FLAG = {"account": "Initech", "severity": "high", "message": "Renewal in 30 days at risk"}


def pages(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True)
    return [" ".join(page.split()) for page in out.stdout.decode().split("\f")[:-1]]


def kams(org, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        org.add(Role.KAM, manager=org.supervisor, email=f"kam{i}@{org.tenant.slug}.test")


def frozen(cycle, overall: int = 72) -> None:
    """Every review of the cycle finalised with a small frozen scorecard (no packets)."""
    card = {
        "overall": overall,
        "sections": [
            {"label": "Customer results", "score": overall + 5, "criteria": []},
            {"label": "Internal results", "score": overall - 5, "criteria": []},
        ],
        "red_flags": [FLAG],
    }
    cycle.reviews.update(status=PerformanceReview.Status.FINALISED, overall=overall, scorecard=card)


def test_the_last_finalised_review_sends_the_packet_once(org_a, django_capture_on_commit_callbacks):
    kams(org_a, 1)
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", *PERIOD)
    first, last = cycle.reviews.order_by("pk")
    for review, rating in ((first, 5), (last, 2)):
        workflow.submit_self_assessment(review, review.kam.user, "My quarter.", {})
        with django_capture_on_commit_callbacks(execute=True):
            workflow.finalise(review, org_a.supervisor.user, "Fine.", {"leadership": (rating, "")})
        assert CyclePacket.objects.filter(cycle=cycle).exists() == (review == last)
    packet = CyclePacket.objects.get(cycle=cycle)
    assert packet.recipients == [org_a.leader.user.email]
    sent = [m for m in mail.outbox if m.subject.startswith("Review cycle packet")]
    assert len(sent) == 1 and sent[0].to == [org_a.leader.user.email]
    assert "2 KAMs" in sent[0].subject
    [(name, content, mimetype)] = sent[0].attachments
    assert (name, mimetype) == ("review-cycle-q3-2026.pdf", "application/pdf")
    assert content == bytes(packet.pdf)
    text = pages(content)
    assert len(text) == packet.pages > 0
    assert "Every KAM side by side" in text[0]
    for review in (first, last):
        review.refresh_from_db()
        assert review.kam.user.full_name in text[0]
        assert str(review.overall) in text[0]
    assert "Distribution of overall scores" in " ".join(text)
    # signed off later: its own packet again, the cycle's stays the one
    with django_capture_on_commit_callbacks(execute=True):
        workflow.acknowledge(last, last.kam.user, True, "")
    assert CyclePacket.objects.filter(cycle=cycle).count() == 1
    assert len([m for m in mail.outbox if m.subject.startswith("Review cycle packet")]) == 1


def test_a_reopened_review_makes_the_cycle_packet_again_when_finalised_again(
    org_a, django_capture_on_commit_callbacks
):
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", *PERIOD)
    (review,) = cycle.reviews.all()
    workflow.submit_self_assessment(review, review.kam.user, "My quarter.", {})
    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Fine.", {"leadership": (5, "")})
    first = review.overall
    workflow.reopen(review, org_a.admin.user, "The ratings were wrong.")
    assert not CyclePacket.objects.filter(cycle=cycle).exists()  # no stale scores to download
    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Fixed.", {"leadership": (1, "")})
    assert review.overall != first
    assert str(review.overall) in pages(bytes(CyclePacket.objects.get(cycle=cycle).pdf))[0]
    assert len([m for m in mail.outbox if m.subject.startswith("Review cycle packet")]) == 2


def test_a_cycle_packet_whose_message_was_lost_is_made_by_the_sweep_once(
    org_a, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from reviews.tasks import requeue_packets

    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", *PERIOD)
    (review,) = cycle.reviews.all()
    workflow.submit_self_assessment(review, review.kam.user, "My quarter.", {})
    workflow.finalise(review, org_a.supervisor.user, "Fine.", {})  # its on-commit never ran
    assert requeue_packets() == 0  # not late yet
    finalised = PerformanceReview.objects.filter(pk=review.pk)
    finalised.update(finalised_at=timezone.now() - datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_packets() == 2  # the review's packet and the cycle's
    assert requeue_packets() == 0
    sent = [m for m in mail.outbox if m.subject.startswith("Review cycle packet")]
    assert len(sent) == 1 and CyclePacket.objects.filter(cycle=cycle).count() == 1
    # a cycle completed weeks ago is history, not a lost message: no packet mailed for it now
    CyclePacket.objects.all().delete()
    finalised.update(finalised_at=timezone.now() - datetime.timedelta(days=8))
    assert requeue_packets() == 0


def test_its_queries_do_not_grow_with_the_reviews(org_a):
    kams(org_a, 1)
    small = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q2 2026", *PERIOD)
    frozen(small)
    kams(org_a, 6, first=1)
    large = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", PERIOD[1], PERIOD[1])
    frozen(large, overall=40)
    counts = []
    for cycle in (small, large):
        with CaptureQueriesContext(connection) as queries:
            built = cycle_packet.contents(cycle)
        counts.append(len(queries))
        assert len(built["rows"]) == cycle.reviews.count()
    assert counts[0] == counts[1] <= 2, counts  # the reviews with their people, once
    assert built["sections"] == ["Customer results", "Internal results"]
    assert dict(built["distribution"])["Below expectations"] == 8


def test_on_demand_and_download(client, org_a, org_b, django_capture_on_commit_callbacks):
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", *PERIOD)
    make = reverse("cycle-packet-now", args=[org_a.tenant.slug, cycle.pk])
    download = reverse("cycle-packet", args=[org_a.tenant.slug, cycle.pk])
    client.force_login(org_a.leader.user)
    assert "once every review is finalised" in client.post(make, follow=True).text
    assert client.get(download).status_code == 404
    frozen(cycle)
    listing = client.get(reverse("review-list", args=[org_a.tenant.slug])).text
    assert make in listing and download not in listing
    with django_capture_on_commit_callbacks(execute=True):
        assert "on its way to leadership" in client.post(make, follow=True).text
        again = client.post(make, follow=True)
    assert "exists already" in again.text and download in again.text
    assert len(mail.outbox) == 1
    page = client.get(download)
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content == bytes(CyclePacket.objects.get(cycle=cycle).pdf)
    for member, status in [(org_a.admin, 200), (org_a.supervisor, 403), (org_a.kam, 403)]:
        client.force_login(member.user)
        assert client.get(download).status_code == status, member.role
    client.force_login(org_b.admin.user)
    assert (
        client.get(reverse("cycle-packet", args=[org_b.tenant.slug, cycle.pk])).status_code == 404
    )
