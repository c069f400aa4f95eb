"""In-app notifications: one per event for whom it concerns, each member's choice per kind
(mail at once, daily digest, app only) honoured by the mail paths, unread count and marking."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import sharing, surveys
from accounts.models import RiskAlert
from accounts.notify import ALERT, PLAN_ANSWERED, SURVEY_ANSWERED
from accounts.tasks import notify_owners
from kamapp import notifications
from kamapp.models import Notification, NotifyBy, OutboundMail, Role
from kamapp.tasks import send_notification_digests
from reviews import workflow
from reviews.notify import REVIEW_STEP
from tests.accounts.conftest import make_account, make_contact, make_objective

TODAY = timezone.localdate()


def _choose(member, kind: str, delivery: str) -> None:
    notifications.set_preferences(member, {kind: delivery})


def _alert(account) -> RiskAlert:
    return RiskAlert.objects.create(
        tenant=account.tenant, account=account, rule="no_contact", severity="high",
        message="No meaningful contact for 60 days", action="Meet them", owner=account.owner,
    )  # fmt: skip


def _mails_to(member) -> list[OutboundMail]:
    return list(OutboundMail.objects.filter(to=[member.user.email]).order_by("pk"))


def _digest(org) -> int:
    return send_notification_digests(org.tenant.pk, TODAY.isoformat())


@pytest.fixture
def account(org_a):
    return make_account(org_a)


def test_new_alert_by_mail_at_once_by_default(org_a, account):
    _alert(account)
    notify_owners(org_a.tenant.pk)
    note = Notification.objects.get(recipient=org_a.kam)
    assert note.kind == ALERT and "No meaningful contact" in note.text
    assert note.url.endswith(f"/accounts/{account.pk}/health/")
    assert [m.key for m in _mails_to(org_a.kam)] == [f"new-alerts:{RiskAlert.objects.get().pk}"]


def test_new_alert_in_the_app_only(org_a, account):
    _choose(org_a.kam, ALERT, NotifyBy.APP)
    _alert(account)
    notify_owners(org_a.tenant.pk)
    assert Notification.objects.filter(recipient=org_a.kam, delivery=NotifyBy.APP).exists()
    assert _mails_to(org_a.kam) == []
    assert _digest(org_a) == 0


def test_new_alert_in_the_daily_digest_once(org_a, account):
    _choose(org_a.kam, ALERT, NotifyBy.DIGEST)
    _alert(account)
    notify_owners(org_a.tenant.pk)
    assert _mails_to(org_a.kam) == []
    assert _digest(org_a) == 1
    [mail] = _mails_to(org_a.kam)
    assert "No meaningful contact for 60 days" in mail.body and "daily digest" in mail.body
    assert _digest(org_a) == 0  # claimed: a re-run sends nothing twice
    assert len(_mails_to(org_a.kam)) == 1


def test_the_digest_leaves_out_what_was_read_in_the_app(org_a, account):
    _choose(org_a.kam, ALERT, NotifyBy.DIGEST)
    _alert(account)
    notify_owners(org_a.tenant.pk)
    notifications.mark_read(org_a.kam)
    assert _digest(org_a) == 0 and _mails_to(org_a.kam) == []


def test_review_step_waiting_for_me_per_preference(org_a):
    other = org_a.add(Role.KAM, manager=org_a.supervisor, email="other@acme.test")
    _choose(org_a.kam, REVIEW_STEP, NotifyBy.APP)
    workflow.open_cycle(
        org_a.tenant, org_a.leader.user, "Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
    )
    note = Notification.objects.get(recipient=org_a.kam, kind=REVIEW_STEP)
    assert "self-assessment for Q3 is open" in note.text and "/reviews/" in note.url
    assert _mails_to(org_a.kam) == []
    [mail] = _mails_to(other)  # the default: mailed at once
    assert "self-assessment for Q3 is open" in mail.subject
    assert Notification.objects.filter(recipient=other, delivery=NotifyBy.MAIL).exists()


def _answer_survey(account):
    contact = make_contact(account, "Hannah Moreau", email="hannah@globex.example")
    survey = surveys.request(account, contact, account.owner.user)
    surveys.answer(survey, 9, 4, "Great quarter")
    return survey


def test_survey_answered_mailed_at_once_by_default(org_a, account):
    survey = _answer_survey(account)
    note = Notification.objects.get(recipient=org_a.kam, kind=SURVEY_ANSWERED)
    assert note.text == "Hannah Moreau answered the feedback survey for Globex Corporation"
    [mail] = [m for m in _mails_to(org_a.kam) if m.key == f"survey-answered:{survey.pk}"]
    assert "NPS: 9" in mail.body and "Great quarter" in mail.body


def test_survey_answered_in_the_digest(org_a, account):
    _choose(org_a.kam, SURVEY_ANSWERED, NotifyBy.DIGEST)
    _answer_survey(account)
    assert not OutboundMail.objects.filter(key__startswith="survey-answered:").exists()
    assert _digest(org_a) == 1
    assert "answered the feedback survey" in _mails_to(org_a.kam)[-1].body


def test_plan_shared_back_per_preference(org_a, account):
    goal = make_objective(account, "Cut downtime")
    contact = make_contact(account, "Dana Scully", email="dana@globex.example")
    [link] = sharing.share(
        account, account.contacts.filter(pk=contact.pk), TODAY + datetime.timedelta(days=9), None
    )
    sharing.respond(link, goal, True, "")
    note = Notification.objects.get(recipient=org_a.kam, kind=PLAN_ANSWERED)
    assert note.text == "Dana Scully confirmed the goal “Cut downtime” on the plan shared for " + (
        "Globex Corporation"
    )
    assert OutboundMail.objects.filter(key__startswith="plan-answer:").count() == 1
    _choose(org_a.kam, PLAN_ANSWERED, NotifyBy.APP)
    sharing.respond(link, goal, False, "Needs a date")
    assert Notification.objects.filter(recipient=org_a.kam, kind=PLAN_ANSWERED).count() == 2
    assert OutboundMail.objects.filter(key__startswith="plan-answer:").count() == 1


def test_unread_count_in_the_navigation_and_marking_read(client, org_a, account):
    for n in range(3):
        notifications.notify([org_a.kam], ALERT, f"k{n}", f"Thing {n}", "/somewhere/")
    client.force_login(org_a.kam.user)
    home = client.get(reverse("dashboard", args=[org_a.tenant.slug])).text
    assert "Notifications, 3 unread" in home
    listing = reverse("notification-list", args=[org_a.tenant.slug])
    assert client.get(listing).text.count("Mark as read<") == 3
    first = Notification.objects.order_by("pk").first()
    client.post(reverse("notification-read", args=[org_a.tenant.slug, first.pk]))
    assert "Notifications, 2 unread" in client.get(listing).text
    client.post(reverse("notification-read-all", args=[org_a.tenant.slug]))
    page = client.get(listing).text
    assert "unread" not in page.split("<main")[1] and "Thing 2" in page


def test_nobody_else_reads_or_marks_my_notifications(client, org_a, org_b):
    notifications.notify([org_a.kam], ALERT, "mine", "Mine", "")
    mine = Notification.objects.get()
    client.force_login(org_a.supervisor.user)
    assert "Mine" not in client.get(reverse("notification-list", args=[org_a.tenant.slug])).text
    url = reverse("notification-read", args=[org_a.tenant.slug, mine.pk])
    assert client.post(url).status_code == 404
    client.post(reverse("notification-read-all", args=[org_a.tenant.slug]))
    client.force_login(org_b.kam.user)
    assert (
        client.post(reverse("notification-read", args=[org_b.tenant.slug, mine.pk])).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.read_at is None


def test_settings_page_saves_each_kinds_choice(client, org_a):
    client.force_login(org_a.kam.user)
    url = reverse("notification-settings", args=[org_a.tenant.slug])
    page = client.get(url).text
    assert "A review step waits for me" in page and "In a daily digest mail" in page
    data = {kind: NotifyBy.MAIL for kind in notifications.KINDS} | {ALERT: NotifyBy.DIGEST}
    assert client.post(url, data).status_code == 302
    assert notifications.preferences(org_a.kam)[ALERT] == NotifyBy.DIGEST
    assert notifications.preferences(org_a.supervisor)[ALERT] == NotifyBy.MAIL  # theirs only
    assert client.post(url, {ALERT: "carrier-pigeon"}).status_code == 200  # refused
