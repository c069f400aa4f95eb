"""What forms accept: one line of plain text for names, dates in a sane range; and what mails
do with names stored before these rules."""

import pytest
from django import forms
from django.core import mail
from django.urls import reverse

from accounts.models import KeyAccount, SurveyRequest
from kamapp.inputs import SafeInputs
from reviews.models import ReviewCycle
from tests.accounts.conftest import make_account, make_contact

BROKEN = "Globex\r\nBcc: everyone@example.com"


def post(client, org, name, data, **kwargs):
    return client.post(reverse(name, kwargs={"slug": org.tenant.slug, **kwargs}), data)


def test_names_that_end_up_in_mail_headers_are_one_line(client, org_a):
    client.force_login(org_a.admin.user)
    account = post(
        client,
        org_a,
        "account-create",
        {
            "name": BROKEN,
            "tier": "key",
            "status": "active",
            "owner": org_a.kam.pk,
            "contract_value": "1",
            "currency": "EUR",
        },
    )
    assert account.status_code == 200 and "one line of plain text" in account.text
    assert not KeyAccount.objects.filter(tenant=org_a.tenant).exists()
    cycle = post(
        client,
        org_a,
        "review-list",
        {"name": BROKEN, "period_start": "2026-01-01", "period_end": "2026-03-31"},
    )
    assert cycle.status_code == 200 and "one line of plain text" in cycle.text
    contact = post(
        client,
        org_a,
        "account-stakeholders",
        {"name": BROKEN, "influence": "medium", "relationship_strength": 3},
        keyaccount_pk=make_account(org_a).pk,
    )
    assert contact.status_code == 200 and "one line of plain text" in contact.text
    assert not ReviewCycle.objects.filter(tenant=org_a.tenant).exists()


@pytest.mark.parametrize("dues", [{}, {"self_due": "9999-12-31", "review_due": "9999-12-31"}])
def test_a_review_cycle_ending_in_year_9999_is_a_form_error(client, org_a, dues):
    client.force_login(org_a.admin.user)
    data = {"name": "Forever", "period_start": "2026-01-01", "period_end": "9999-12-31", **dues}
    response = post(client, org_a, "review-list", data)
    assert response.status_code == 200 and "Enter a date between 1900 and 2100" in response.text
    assert not ReviewCycle.objects.filter(tenant=org_a.tenant).exists()


def test_a_name_stored_with_a_line_break_does_not_block_its_survey_mail(
    client, org_a, django_capture_on_commit_callbacks
):
    account = make_account(org_a)
    KeyAccount.objects.filter(pk=account.pk).update(name=BROKEN)  # before forms refused it
    contact = make_contact(account, "Dana", email="dana@globex.example")
    client.force_login(org_a.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, org_a, "survey-request", {"contact": contact.pk}, keyaccount_pk=account.pk)
    (message,) = mail.outbox
    assert "Globex Bcc: everyone@example.com" in message.subject
    assert SurveyRequest.objects.get(contact=contact).sent_at is not None


def test_a_nul_byte_in_a_note_or_a_search_is_no_server_error(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.admin.user)
    note = {"note": "ok\x00"}
    review = post(client, org_a, "account-plan-review", note, keyaccount_pk=account.pk)
    assert review.status_code == 302
    account.plan.refresh_from_db()
    assert account.plan.last_reviewed_at is None
    members = client.get(reverse("member-list", args=[org_a.tenant.slug]), {"q": "kam\x00"})
    assert members.status_code == 200 and org_a.kam.user.email in members.text


# The integrator's forms, in flux in this change: they take `SafeInputs` when they land.
def test_every_form_of_the_app_takes_the_input_rules():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in {"kamapp", "accounts", "rpm", "reviews"}
    }
    assert len(ours) > 20
    assert {c.__name__ for c in ours if not issubclass(c, SafeInputs)} == set()
