"""Calibration: who sees it, what it shows, leaders' adjustments, and its query count."""

import datetime

import pytest
from django.urls import reverse

from kamapp.models import AuditEvent, Notification, Role
from reviews import calibration, workflow
from reviews.models import CriterionRating
from tests.accounts.conftest import make_account
from tests.reviews.test_outcomes import outcomes

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


@pytest.fixture
def cycle(org_a):
    make_account(org_a, "Initech")
    return workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)


def url(org, cycle) -> str:
    return reverse("cycle-calibration", args=[org.tenant.slug, cycle.pk])


def test_supervisors_see_their_tree_leaders_all_kams_nothing(client, org_a, org_b, cycle):
    other_supervisor = org_a.add(Role.SUPERVISOR, email="sup2@acme.test")
    outside = org_a.add(Role.KAM, manager=other_supervisor, email="kam2@acme.test")
    later = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q4 2026", END, END)
    names = {}
    for member in (org_a.supervisor, org_a.leader, org_a.admin):
        client.force_login(member.user)
        page = client.get(url(org_a, later))
        assert page.status_code == 200
        names[member.role] = {r["review"].kam_id for r in page.context["calibration"]["rows"]}
    assert names[Role.SUPERVISOR] == {org_a.kam.pk}
    assert names[Role.LEADER] == names[Role.ADMIN] == {org_a.kam.pk, outside.pk}
    client.force_login(org_a.kam.user)
    assert client.get(url(org_a, cycle)).status_code == 403
    client.force_login(org_b.leader.user)
    assert client.get(url(org_a, cycle)).status_code == 404


def test_the_page_shows_gaps_spreads_and_the_nine_box(client, org_a, cycle):
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {"leadership": (2, None)})
    workflow.finalise(review, org_a.supervisor.user, "Good", {"leadership": (5, "")})
    client.force_login(org_a.leader.user)
    page = client.get(url(org_a, cycle))
    (row,) = page.context["calibration"]["rows"]
    assert row["gap"] == 3.0 and row["rating_score"] == 100
    (spread,) = page.context["calibration"]["spreads"]
    assert spread.counts == [0, 0, 0, 0, 1] and spread.reviewer == org_a.supervisor
    assert "Ratings per reviewer" in page.text and "Hard portfolio" in page.text


def test_a_reviewer_rating_well_above_the_data_gets_a_note():
    spread = calibration.ReviewerSpread(None, rating_scores=[90, 80], data_scores=[60, 70])
    assert spread.drift == 20 and "Rates well above the data" in spread.note
    near = calibration.ReviewerSpread(None, rating_scores=[80], data_scores=[66])
    assert near.note == ""  # 14 points: within the band
    below = calibration.ReviewerSpread(None, rating_scores=[40], data_scores=[70])
    assert "well below" in below.note


def test_portfolio_difficulty_from_start_health_tiers_and_rpm():
    class Cell:
        stage, maturity = 1, 1

    accounts = [{"id": 1, "start_score": 30, "tier": "strategic"}, {"id": 2, "tier": "key"}]
    # (100 - 30) = 70, half strategic = 50, earliest RPM cell = 100: mean 73
    assert calibration.difficulty(accounts, {1: Cell()}) == 73
    assert calibration.difficulty([], {}) is None


def test_leaders_calibrate_a_rating_before_finalisation_audited(client, org_a, cycle):
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {"leadership": (4, None)})
    post = reverse("review-calibrate", args=[org_a.tenant.slug, review.pk])
    data = {"criterion": "leadership", "rating": 3, "reason": "In line with the team."}
    client.force_login(org_a.supervisor.user)
    assert client.post(post, data).status_code == 403  # supervisors look, leaders adjust
    client.force_login(org_a.leader.user)
    assert "say why" in client.post(post, {**data, "reason": ""}, follow=True).text
    assert "say why" in client.post(post, {**data, "criterion": "revenue"}, follow=True).text
    client.post(post, data)
    row = CriterionRating.objects.get(review=review, criterion="leadership")
    assert (row.calibrated_rating, row.calibration_reason) == (3, "In line with the team.")
    event = AuditEvent.objects.get(verb="review.calibrate")
    assert event.changes["leadership"] == [None, 3] and event.changes["reason"]

    workflow.finalise(review, org_a.supervisor.user, "Fine", {"leadership": (5, "")})
    review.refresh_from_db()
    leadership = next(
        c for s in review.scorecard["sections"] for c in s["criteria"] if c["key"] == "leadership"
    )
    assert leadership["score"] == 50 and leadership["manager_rating"] == 5  # calibrated 3 stands
    page = client.post(post, data, follow=True).text
    assert "no longer calibrated" in page


def test_the_calibration_page_takes_fixed_queries(
    client, org_a, cycle, django_assert_max_num_queries
):
    client.force_login(org_a.leader.user)

    def count(c) -> int:
        # session, membership, cycle, reviews + ratings, evidence (health inputs gathered
        # three times, handovers, feedback, objectives, renewals), RPM placements
        with django_assert_max_num_queries(70) as queries:
            assert client.get(url(org_a, c)).status_code == 200
        return len(queries.captured_queries)

    few = count(cycle)
    for n in range(6):
        kam = org_a.add(Role.KAM, manager=org_a.supervisor, email=f"k{n}@acme.test")
        outcomes(make_account(org_a, f"Account {n}", owner=kam))
    bigger = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q4 2026", START, END)
    review = bigger.reviews.first()
    workflow.submit_self_assessment(review, review.kam.user, "Mine", {"leadership": (4, None)})
    workflow.finalise(review, org_a.supervisor.user, "Fine", {"leadership": (4, "")})
    assert count(bigger) <= few  # the nav badge may come from its cache the second time


def self_assessed(org):
    """A calibrating cycle's review at the reviewer's step, with its page and submit URLs."""
    make_account(org, "Initech")
    cycle = workflow.open_cycle(org.tenant, org.leader.user, "Q3 2026", START, END, calibrate=True)
    review = cycle.reviews.get(kam=org.kam)
    workflow.submit_self_assessment(review, org.kam.user, "Mine", {"leadership": (4, None)})
    page = reverse("review-detail", args=[org.tenant.slug, review.pk])
    return cycle, review, page, reverse("review-submit", args=[org.tenant.slug, review.pk])


def test_reviewer_submits_leaders_calibrate_reviewer_finalises(client, org_a):
    cycle, review, page, submit = self_assessed(org_a)
    adjust = reverse("review-calibrate", args=[org_a.tenant.slug, review.pk])
    change = {"criterion": "leadership", "rating": 3, "reason": "In line with the team."}

    client.force_login(org_a.leader.user)  # nothing to calibrate before the reviewer submits
    assert "not submitted it for calibration" in client.post(adjust, change, follow=True).text
    assert not CriterionRating.objects.filter(calibrated_rating__isnull=False).exists()
    with pytest.raises(workflow.WrongStep):  # no finalising past calibration
        workflow.finalise(review, org_a.supervisor.user, "Too soon", {"leadership": (5, "")})

    client.force_login(org_a.supervisor.user)
    assert "Submit for calibration" in client.get(page).text
    client.post(submit, {"rating_leadership": 5, "summary": "Strong quarter."})
    review.refresh_from_db()
    assert review.status == "calibration" and review.calibration_submitted_at is not None
    assert review.manager_summary == "Strong quarter." and review.scorecard is None
    event = AuditEvent.objects.get(verb="review.submit_calibration")
    assert event.changes["ratings"]["leadership"] == 5
    (told,) = Notification.objects.filter(text__contains="ready for calibration")
    assert told.recipient == org_a.leader and told.url == page

    client.force_login(org_a.leader.user)
    assert "Adjust…" in client.get(url(org_a, cycle)).text
    client.post(adjust, change)
    client.force_login(org_a.supervisor.user)
    shown = client.get(page)
    assert "Finalise after calibration" in shown.text
    assert "Calibrated to 3: In line with the team." in shown.text
    assert [s[2] for s in shown.context["steps"]] == ["is-done", "is-done", "is-current", ""]
    # the ratings stand as calibrated: a rating posted with the summary is not taken
    client.post(submit, {"rating_leadership": 5, "summary": "Calibrated and fair."})
    review.refresh_from_db()
    assert review.status == "finalised" and review.manager_summary == "Calibrated and fair."
    (leadership,) = [
        c for s in review.scorecard["sections"] for c in s["criteria"] if c["key"] == "leadership"
    ]
    assert (leadership["manager_rating"], leadership["calibrated_rating"]) == (5, 3)
    assert leadership["score"] == 50
    client.force_login(org_a.leader.user)
    assert "no longer calibrated" in client.post(adjust, change, follow=True).text


def test_cycles_calibrate_unless_unticked_and_a_cycle_without_keeps_the_old_way(client, org_a):
    client.force_login(org_a.leader.user)
    listing = reverse("review-list", args=[org_a.tenant.slug])
    assert client.get(listing).context["form"]["calibrate"].value() is True
    data = {"name": "Q3 2026", "period_start": START, "period_end": END, "calibrate": "on"}
    client.post(listing, data)
    client.post(listing, {**data, "name": "Q3 bis", "calibrate": ""})
    calibrated, plain = (c.calibrate for c in cycle_by_name(org_a, "Q3 2026", "Q3 bis"))
    assert calibrated and not plain
    review = cycle_by_name(org_a, "Q3 bis")[0].reviews.first()
    assert [s[0] for s in workflow.steps(review)] == [
        "self_assessment",
        "manager_review",
        "finalised",
    ]
    with pytest.raises(workflow.WrongStep):
        workflow.submit_for_calibration(review, org_a.supervisor.user, "x", {})


def cycle_by_name(org, *names):
    from reviews.models import ReviewCycle

    found = {c.name: c for c in ReviewCycle.objects.filter(tenant=org.tenant, name__in=names)}
    return [found[name] for name in names]


def test_a_second_press_of_submit_for_calibration_does_not_finalise(client, org_a):
    _, review, page, submit = self_assessed(org_a)
    client.force_login(org_a.supervisor.user)
    assert 'name="step" value="manager_review"' in client.get(page).text
    form = {"step": "manager_review", "rating_leadership": 5, "summary": "Strong quarter."}
    client.post(submit, form)
    again = client.post(submit, form, follow=True)  # a double click, or the tab kept open
    review.refresh_from_db()
    assert review.status == "calibration" and review.scorecard is None
    assert "This review has moved on meanwhile" in again.text
    assert "Finalise after calibration" in again.text
