import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerFeedback, SurveyRequest
from accounts.tasks import remind_surveys
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account, make_contact


@pytest.fixture
def account(org_a):
    return make_account(org_a)


@pytest.fixture
def contact(account):
    return make_contact(account, "Dana Scully", email="dana@globex.example")


def ask(client, account, contact, capture, **extra):
    url = reverse(
        "survey-request", kwargs={"slug": account.tenant.slug, "keyaccount_pk": account.pk}
    )
    with capture(execute=True):
        return client.post(url, {"contact": contact.pk}, **extra)


def link_in(message) -> str:
    return re.search(r"https?://\S+/s/\S+/", message.body)[0].split("://", 1)[1].split("/", 1)[1]


def test_the_customer_answers_once_without_an_account(
    client, org_a, account, contact, django_capture_on_commit_callbacks
):
    client.force_login(org_a.kam.user)
    response = ask(client, account, contact, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dana@globex.example"]
    assert account.name in message.subject and org_a.tenant.name in message.subject
    survey = SurveyRequest.objects.get(contact=contact)
    assert survey.sent_at and survey.status == SurveyRequest.Status.SENT

    customer = Client()  # nobody signed in
    page = customer.get("/" + link_in(message))
    assert page.status_code == 200 and "How likely are you to recommend" in page.text
    answer = {"nps": "9", "csat": "4", "comment": "Planners love the new routine."}
    assert customer.post("/" + link_in(message), answer).status_code == 302
    again = customer.post("/" + link_in(message), {"nps": "0"})  # a second tab, a double submit
    assert again.status_code == 200 and "Thank you, Dana Scully" in again.text

    (feedback,) = CustomerFeedback.objects.filter(account=account)
    assert (feedback.nps, feedback.csat, feedback.contact, feedback.source) == (
        9,
        4,
        contact,
        CustomerFeedback.Source.SURVEY,
    )
    survey.refresh_from_db()
    assert survey.feedback == feedback and survey.status == SurveyRequest.Status.ANSWERED
    verbs = set(AuditEvent.objects.filter(tenant=org_a.tenant).values_list("verb", flat=True))
    assert {"survey.request", "survey.answer"} <= verbs
    tab = client.get(reverse("account-feedback", args=[org_a.tenant.slug, account.pk])).text
    assert "Planners love the new routine." in tab and "Answered" in tab


def test_the_answer_is_validated_and_nothing_is_lost(
    client, org_a, account, contact, django_capture_on_commit_callbacks
):
    client.force_login(org_a.kam.user)
    ask(client, account, contact, django_capture_on_commit_callbacks)
    url = "/" + link_in(mail.outbox[0])
    for bad in ({}, {"nps": "11"}, {"nps": "7", "csat": "9"}):
        page = Client().post(url, {**bad, "comment": "Keep my words."})
        assert page.status_code == 200 and "Keep my words." in page.text
    assert "Pick a score from 0 to 10." in Client().post(url, {}).text
    assert not CustomerFeedback.objects.exists()


def test_bad_expired_and_withdrawn_links_cannot_be_used(
    client, org_a, account, contact, settings, django_capture_on_commit_callbacks
):
    client.force_login(org_a.kam.user)
    ask(client, account, contact, django_capture_on_commit_callbacks)
    url = "/" + link_in(mail.outbox[0])
    assert Client().get(url[:-3] + "xx/").status_code == 404  # tampered
    settings.SURVEY_MAX_AGE = -1
    assert Client().get(url).status_code == 404  # expired
    settings.SURVEY_MAX_AGE = 3600
    survey = SurveyRequest.objects.get()
    withdraw = reverse("survey-withdraw", args=[org_a.tenant.slug, account.pk, survey.pk])
    assert client.post(withdraw, HTTP_HX_REQUEST="true").status_code == 200
    page = Client().get(url)
    assert page.status_code == 404 and "cannot be used" in page.text
    assert client.post(withdraw).status_code == 302  # withdrawing twice changes nothing
    assert AuditEvent.objects.filter(verb="survey.withdraw").count() == 2


def test_only_the_accounts_contacts_with_an_email_and_no_open_survey(
    client, org_a, org_b, account, contact, django_capture_on_commit_callbacks
):
    no_email = make_contact(account, "No Email")
    elsewhere = make_contact(make_account(org_a, "Other Co"), "Elsewhere", email="e@o.example")
    foreign = make_contact(make_account(org_b, "Foreign"), "Foreign", email="f@b.example")
    client.force_login(org_a.kam.user)
    for wrong in (no_email, elsewhere, foreign):
        page = ask(client, account, wrong, django_capture_on_commit_callbacks, HTTP_HX_REQUEST="1")
        assert page.status_code == 200 and "Choose one of the account&#x27;s contacts." in page.text
    ask(client, account, contact, django_capture_on_commit_callbacks)
    again = ask(client, account, contact, django_capture_on_commit_callbacks, HTTP_HX_REQUEST="1")
    assert "Choose one of the account&#x27;s contacts." in again.text  # one open survey each
    assert len(mail.outbox) == 1 and SurveyRequest.objects.count() == 1


def test_one_reminder_after_a_week_and_none_once_expired(
    client, org_a, account, contact, django_capture_on_commit_callbacks
):
    client.force_login(org_a.kam.user)
    ask(client, account, contact, django_capture_on_commit_callbacks)
    survey = SurveyRequest.objects.get()
    assert remind_surveys() == 0  # not a week yet
    SurveyRequest.objects.update(sent_at=timezone.now() - datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_surveys() == 1 and remind_surveys() == 0
    assert [m.subject.startswith("Reminder:") for m in mail.outbox] == [False, True]
    survey.refresh_from_db()
    assert survey.status == SurveyRequest.Status.REMINDED
    assert Client().get("/" + link_in(mail.outbox[1])).status_code == 200

    stale = make_contact(account, "Stale", email="stale@globex.example")
    ask(client, account, stale, django_capture_on_commit_callbacks)
    SurveyRequest.objects.filter(contact=stale).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert remind_surveys() == 0
    assert SurveyRequest.objects.get(contact=stale).status == SurveyRequest.Status.EXPIRED
