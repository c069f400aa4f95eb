import copy
import datetime
import hashlib
import re
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import health, surveys
from accounts.models import CustomerFeedback, KeyAccount, SurveyRequest
from kamapp.models import AuditEvent, Membership, Role
from reviews import evidence, notify, scorecard, workflow
from reviews.models import PerformanceReview, ReviewCycle, ReviewPacket
from reviews.tasks import remind_overdue_reviews, requeue_packets, send_packet
from tests.accounts.conftest import make_account, make_contact
from tests.reviews.test_outcomes import outcomes

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def verdict(score, **components) -> health.Health:
    parts = {name: {"score": None, "facts": {}} for name in health.COMPONENTS}
    parts.update(components)
    return health.Health(score, health.band_for(score, health.DEFAULT_MODEL), parts)


def test_the_scorecard_weighs_data_and_ratings():
    facts = {
        "verdicts": [
            verdict(
                80,
                customer_results={"score": 60, "facts": {"attainment": 0.6}},
                engagement={"score": 70, "facts": {}},
            ),
            verdict(
                40,
                customer_results={"score": 20, "facts": {"attainment": 0.2}},
                engagement={"score": None, "facts": {}},
            ),
        ],
        # 2 promoters, 1 detractor: NPS +25; the KAM's own note is shown but not scored
        "feedback": [{"nps": n, "origin": "customer"} for n in (10, 9, 7, 3)]
        + [{"nps": 10, "origin": "kam"}],
        "accounts": [],
        "flags": [],
    }

    class Rating:
        self_rating, manager_rating, comment = 4, 5, "Opened the CFO's door."
        calibrated_rating, calibration_reason = None, ""

    card = scorecard.build(copy.deepcopy(scorecard.DEFAULT), facts, {"relationships": Rating()})
    by_key = {c["key"]: c for c in scorecard.criteria(card["sections"])}
    assert by_key["kpi_attainment"]["score"] == 40  # mean attainment 0.4
    assert by_key["account_health"]["score"] == 60
    assert by_key["customer_feedback"]["metric_result"]["value"] == (
        "NPS +25 from 4 customer answers; 1 logged by the team not scored"
    )
    assert by_key["customer_feedback"]["score"] == 62  # (25 + 100) / 2, rounded half to even
    assert by_key["relationships"]["score"] == 85  # mean of data 70 and rating 5 → 100
    assert by_key["leadership"]["score"] is None  # rated only, not rated yet: left out
    assert by_key["revenue"]["metric_result"] is None  # no commercial data: left out
    customer = card["sections"][0]
    expected = round((40 * 30 + 60 * 20 + 85 * 25 + 62 * 25) / 100)
    assert customer["score"] == expected
    internal = card["sections"][1]
    assert internal["score"] is None and card["overall"] == customer["score"]


def test_process_conformance_is_a_leading_metric():
    criterion = next(c for c in scorecard.criteria(scorecard.DEFAULT) if c["key"] == "process")
    assert criterion["indicator"] == "leading"
    found = scorecard.METRICS["conformance"]({"conformance": [100, 50, None]})
    assert found == {"score": 75, "value": "75% of the process followed, 2 accounts"}
    assert scorecard.METRICS["conformance"]({"conformance": [None]}) is None


@pytest.fixture
def cycle(org_a):
    for n in range(3):
        account = make_account(org_a, f"Customer {n}")
        make_contact(account, f"Buyer {n}", email=f"buyer{n}@c{n}.example",
                     buying_role="economic_buyer")  # fmt: skip
        CustomerFeedback.objects.create(
            tenant=org_a.tenant, account=account, date=START + datetime.timedelta(days=9),
            nps=9, csat=4, comment=f"Comment {n}", source="survey",
        )  # fmt: skip
    return workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)


def submit(client, review, data):
    url = reverse("review-submit", args=[review.tenant.slug, review.pk])
    return client.post(url, data)


def ratings(value: int, **extra) -> dict:
    keys = [c["key"] for c in scorecard.criteria(scorecard.DEFAULT)]
    return {**{f"rating_{k}": value for k in keys}, **extra}


def test_leaders_open_a_cycle_with_a_review_per_kam(client, org_a):
    other = org_a.add(Role.KAM, email="second@acme.test")
    client.force_login(org_a.leader.user)
    url = reverse("review-list", args=[org_a.tenant.slug])
    bad = client.post(url, {"name": "Q3", "period_start": "2026-09-30", "period_end": "2026-07-01"})
    assert "The period must end after it starts." in bad.text
    client.post(url, {"name": "Q3", "period_start": "2026-07-01", "period_end": "2026-09-30"})
    again = client.post(
        url, {"name": "q3", "period_start": "2026-07-01", "period_end": "2026-09-30"}
    )
    assert "A cycle with this name exists already." in again.text
    (cycle,) = ReviewCycle.objects.all()
    reviewers = dict(cycle.reviews.values_list("kam_id", "reviewer_id"))
    assert reviewers == {org_a.kam.pk: org_a.supervisor.pk, other.pk: None}
    client.force_login(org_a.kam.user)
    assert client.post(url, {"name": "Mine"}).status_code == 403


def test_self_assessment_then_review_then_packet_to_leadership(
    client, org_a, cycle, tmp_path, django_capture_on_commit_callbacks
):
    review = cycle.reviews.get(kam=org_a.kam)
    client.force_login(org_a.kam.user)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "Your self-assessment" in page and "NPS +100 from 3 customer answers" in page
    assert submit(client, review, ratings(4, summary="")).status_code == 200  # summary needed
    assert submit(client, review, ratings(4, summary="A good quarter.")).status_code == 302
    review.refresh_from_db()
    assert review.status == PerformanceReview.Status.MANAGER_REVIEW
    assert submit(client, review, ratings(5, summary="Again")).status_code == 403  # not theirs

    client.force_login(org_a.supervisor.user)
    missing = submit(client, review, {**ratings(3, summary="Fine."), "rating_leadership": ""})
    assert "Rate this criterion" in missing.text
    with django_capture_on_commit_callbacks(execute=True):
        done = submit(client, review, ratings(4, summary="Strong relationships.",
                                              comment_relationships="Met every CFO."))  # fmt: skip
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == PerformanceReview.Status.FINALISED and review.overall is not None
    assert review.scorecard["overall"] == review.overall

    (message,) = [m for m in mail.outbox if m.subject.startswith("Review packet:")]
    assert message.to == [org_a.leader.user.email]
    ((name, pdf, kind),) = message.attachments
    assert kind == "application/pdf" and name == "review-kam-of-acme-components-q3-2026.pdf"
    packet = ReviewPacket.objects.get(review=review)
    assert bytes(packet.pdf) == pdf and packet.checksum == hashlib.sha256(pdf).hexdigest()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout
    text = " ".join(text.decode().split())  # table cells wrap
    assert "Kam of Acme Components" in text and "Strong relationships." in text
    assert "Met every CFO." in text and "Comment 2" in text and f"{review.overall} /100" in text
    (tmp_path / "packet.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", tmp_path / "packet.pdf"], capture_output=True, text=True)
    assert re.search(r"Pages:\s+(\d+)", info.stdout)[1] == str(packet.pages)
    sent = len(mail.outbox)
    assert send_packet(org_a.tenant.pk, review.pk) is False and len(mail.outbox) == sent  # once
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"review_cycle.open", "review.self_assessment", "review.finalise"} <= verbs

    url = reverse("review-packet", args=[org_a.tenant.slug, review.pk])
    for member in (org_a.kam, org_a.leader):
        client.force_login(member.user)
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf" and response.content == pdf
    stranger = org_a.add(Role.KAM, email="stranger@acme.test")
    client.force_login(stranger.user)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).status_code == 404
    )


def test_a_step_is_taken_once(client, org_a, cycle):
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {})
    with pytest.raises(workflow.WrongStep):
        workflow.submit_self_assessment(review, org_a.kam.user, "Twice", {})
    client.force_login(org_a.leader.user)
    stale = PerformanceReview.objects.get(pk=review.pk)
    PerformanceReview.objects.filter(pk=review.pk).update(status="finalised")
    with pytest.raises(workflow.WrongStep):
        workflow.finalise(stale, org_a.leader.user, "Late", {})
    assert PerformanceReview.objects.get(pk=review.pk).manager_summary == ""


def test_reviewers_ask_each_account_for_feedback_once(
    client, org_a, cycle, django_capture_on_commit_callbacks
):
    review = cycle.reviews.get(kam=org_a.kam)
    url = reverse("review-feedback", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.kam.user)
    assert client.post(url).status_code == 403  # a KAM does not survey for their own review
    client.force_login(org_a.supervisor.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    assert SurveyRequest.objects.count() == 3 and len(mail.outbox) == 3
    surveys.answer(SurveyRequest.objects.first(), 10, 5, "Answered for the review.")
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "Answered for the review." in page  # after the period, still counted


def test_evidence_takes_fixed_queries(org_a, django_assert_max_num_queries):
    from kamapp.rls import tenant_context

    cycle = ReviewCycle.objects.create(
        tenant=org_a.tenant, name="Q", period_start=START, period_end=END
    )

    def run():
        kams = list(Membership.objects.filter(tenant=org_a.tenant, role=Role.KAM))
        # health inputs three times (period end, start, the period before), handovers,
        # feedback, process conformance, objectives, renewals
        with tenant_context(org_a.tenant.pk), django_assert_max_num_queries(50) as queries:
            evidence.evidence(org_a.tenant, kams, cycle)
        return len(queries.captured_queries)

    make_account(org_a, "One")
    few = run()
    for n in range(12):
        extra = org_a.add(Role.KAM, email=f"k{n}@acme.test")
        outcomes(make_account(org_a, f"Account {n}", owner=extra))
    assert run() == few


def test_the_review_list_takes_fixed_queries(client, org_a, django_assert_max_num_queries):
    client.force_login(org_a.leader.user)
    url = reverse("review-list", args=[org_a.tenant.slug])

    def count() -> int:
        with django_assert_max_num_queries(30) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q2", START, END)
    few = count()
    for n in range(8):
        org_a.add(Role.KAM, manager=org_a.supervisor, email=f"kam{n}@acme.test")
    workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3", START, END)
    assert count() <= few  # the navigation badge may come from the cache the second time


def test_a_kam_without_accounts_is_reviewed_on_ratings_alone(
    client, org_a, django_capture_on_commit_callbacks
):
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3", START, END)
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "New in the role.", {})
    client.force_login(org_a.leader.user)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "owned no active accounts" in page and "no data in the period" in page
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review, ratings(3, summary="Settling in."))
    review.refresh_from_db()
    assert review.overall == 50  # only the rated criteria count: 3 of 5 is 50
    assert ReviewPacket.objects.get(review=review).pages >= 1


def test_the_navigation_counts_reviews_waiting_for_you(client, org_a, cycle):
    review = cycle.reviews.get(kam=org_a.kam)
    home = reverse("dashboard", args=[org_a.tenant.slug])
    client.force_login(org_a.kam.user)
    assert client.get(home).context["reviews_waiting"] == 1  # their self-assessment
    client.force_login(org_a.supervisor.user)
    assert client.get(home).context["reviews_waiting"] == 0  # not their step yet
    workflow.submit_self_assessment(review, org_a.kam.user, "Done.", {})
    assert client.get(home).context["reviews_waiting"] == 1
    client.force_login(org_a.kam.user)
    assert client.get(home).context["reviews_waiting"] == 0


def test_a_cycle_opened_by_mistake_can_go_until_someone_submits(client, org_a, cycle):
    url = reverse("cycle-delete", args=[org_a.tenant.slug, cycle.pk])
    client.force_login(org_a.kam.user)
    assert client.post(url).status_code == 403
    client.force_login(org_a.leader.user)
    workflow.submit_self_assessment(cycle.reviews.get(), org_a.kam.user, "Sent.", {})
    assert "has submitted reviews: it stays" in client.post(url, follow=True).text
    PerformanceReview.objects.update(status=PerformanceReview.Status.SELF_ASSESSMENT)
    assert "Q3 2026 deleted." in client.post(url, follow=True).text
    assert not ReviewCycle.objects.exists() and not PerformanceReview.objects.exists()
    assert AuditEvent.objects.filter(verb="review_cycle.delete").exists()


def test_each_step_tells_the_next_person_once(org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3", START, END)
    review = cycle.reviews.get()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([org_a.kam.user.email], "Your self-assessment for Q3 is open")
    ]
    assert notify.step_once(review) is False  # a re-run sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_self_assessment(review, org_a.kam.user, "Done.", {})
    assert mail.outbox[-1].to == [org_a.supervisor.user.email]
    assert "ready for your review" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Good.", {"leadership": (4, "")})
    finalised = [m for m in mail.outbox if m.subject == "Your Q3 review is finalised"]
    assert finalised[0].to == [org_a.kam.user.email] and "overall" in finalised[0].body


def test_the_review_page_takes_fixed_queries(client, org_a, cycle, django_assert_max_num_queries):
    review = cycle.reviews.get(kam=org_a.kam)
    url = reverse("review-detail", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.supervisor.user)
    workflow.submit_self_assessment(review, org_a.kam.user, "Done.", {"leadership": (4, None)})

    def count() -> int:
        # health inputs are gathered three times (period end, start, the period before);
        # objectives and renewals once each
        with django_assert_max_num_queries(75) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    few = count()
    for n in range(10):
        account = make_account(org_a, f"More {n}")
        CustomerFeedback.objects.create(tenant=org_a.tenant, account=account, date=END, nps=8)
        outcomes(account)
    assert count() <= few  # the navigation badge may come from the cache the second time


def test_leaders_change_the_reviewer_who_is_then_told(
    client, org_a, org_b, cycle, django_capture_on_commit_callbacks
):
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Done.", {})
    url = reverse("review-reassign", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.supervisor.user)
    assert client.post(url, {"reviewer": org_a.leader.pk}).status_code == 403
    client.force_login(org_a.leader.user)
    for wrong in (org_a.kam.pk, org_b.supervisor.pk, "x"):
        page = client.post(url, {"reviewer": wrong}, follow=True).text
        assert "other than the KAM" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reviewer": org_a.admin.pk})
    review.refresh_from_db()
    assert review.reviewer == org_a.admin
    assert mail.outbox[-1].to == [org_a.admin.user.email]
    assert AuditEvent.objects.filter(verb="review.reassign").exists()


def test_due_dates_default_after_the_period_and_late_steps_get_one_reminder(
    client, org_a, django_capture_on_commit_callbacks
):
    client.force_login(org_a.leader.user)
    url = reverse("review-list", args=[org_a.tenant.slug])
    period = {"period_start": "2026-07-01", "period_end": "2026-09-30"}
    wrong = client.post(url, {"name": "Q3", **period, "self_due": "2026-10-20",
                              "review_due": "2026-10-10"})  # fmt: skip
    assert "Reviews are due after the self-assessments." in wrong.text
    client.post(url, {"name": "Q3", **period})
    cycle = ReviewCycle.objects.get()
    assert (cycle.self_due, cycle.review_due) == (
        datetime.date(2026, 10, 14),
        datetime.date(2026, 10, 28),
    )
    assert "overdue since 14 Oct" in client.get(url).text  # today is after both

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_reviews() == 1 and remind_overdue_reviews() == 0
    (reminder,) = [m for m in mail.outbox if m.subject.startswith("Overdue since")]
    assert reminder.to == [org_a.kam.user.email] and "was due on 14 October" in reminder.body
    review = cycle.reviews.get()
    workflow.submit_self_assessment(review, org_a.kam.user, "Late.", {})
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_reviews() == 1  # the reviewer's step is late too, once
    assert mail.outbox[-1].to == [org_a.supervisor.user.email]


def test_the_review_links_the_kams_previous_one(client, org_a, cycle):
    earlier = workflow.open_cycle(
        org_a.tenant, org_a.leader.user, "Q2 2026", datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )  # fmt: skip
    earlier.reviews.update(status=PerformanceReview.Status.FINALISED, overall=61)
    client.force_login(org_a.kam.user)
    review = cycle.reviews.get(kam=org_a.kam)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "Previous review:" in page and "<strong>61</strong> in Q2 2026" in page


def test_only_leadership_sees_a_cycles_totals(client, org_a, cycle):
    url = reverse("review-list", args=[org_a.tenant.slug])
    client.force_login(org_a.leader.user)
    assert "0 of 1 finalised" in client.get(url).text
    client.force_login(org_a.kam.user)
    assert "of 1 finalised" not in client.get(url).text


def test_a_packet_whose_message_was_lost_is_rendered_by_the_sweep_and_mailed_once(
    org_a, cycle, django_capture_on_commit_callbacks
):
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {})
    workflow.finalise(review, org_a.supervisor.user, "Done", {})  # its on-commit never ran
    assert requeue_packets() == 0  # not late yet
    PerformanceReview.objects.filter(pk=review.pk).update(
        finalised_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_packets() == 2  # its packet and, its cycle complete, the cycle's
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_packets() == 0 and send_packet(org_a.tenant.pk, review.pk) is False
    (message,) = [m for m in mail.outbox if m.subject.startswith("Review packet:")]
    assert message.to == [org_a.leader.user.email]


def test_kam_entered_nps_10_does_not_move_direct_customer_feedback(client, org_a, cycle):
    review = cycle.reviews.get(kam=org_a.kam)

    def feedback() -> dict:
        card = scorecard.for_review(review)
        return {c["key"]: c for c in scorecard.criteria(card["sections"])}["customer_feedback"]

    before = feedback()
    account = KeyAccount.objects.get(tenant=org_a.tenant, name="Customer 0")
    for source in ("meeting", "meeting", "supervisor_call"):
        CustomerFeedback.objects.create(
            tenant=org_a.tenant, account=account, date=END, nps=10, source=source
        )
    after = feedback()
    assert after["score"] == before["score"] and after["metric_result"]["value"] == (
        "NPS +100 from 3 customer answers; 3 logged by the team not scored"
    )
    client.force_login(org_a.supervisor.user)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk])).text
    assert "logged by the KAM, not scored" in page and "noted by a supervisor, not scored" in page
    assert "the customer’s answer" in page
