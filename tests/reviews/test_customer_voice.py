"""The customer's view of the KAM: the reviewer picks contacts, the survey asks about the KAM,
the answers are the customer's voice in the review; the reviewer's own call is their note."""

import datetime

from django.urls import reverse

from accounts.models import CustomerFeedback, SurveyRequest
from kamapp.models import AuditEvent
from reviews import scorecard, workflow
from tests.accounts.conftest import make_account, make_contact

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def test_the_reviewer_asks_picked_contacts_about_the_kam(
    client, org_a, django_capture_on_commit_callbacks
):
    initech = make_account(org_a, "Initech")
    cfo = make_contact(initech, "Cora CFO", email="cora@initech.example")
    make_contact(initech, "Ben Buyer", email="ben@initech.example")
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)
    review = cycle.reviews.get(kam=org_a.kam)
    page_url = reverse("review-detail", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.supervisor.user)
    assert "Cora CFO, Initech" in client.get(page_url).text

    ask = reverse("review-feedback", args=[org_a.tenant.slug, review.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ask, {"contacts": [cfo.pk]})
    (survey,) = SurveyRequest.objects.all()
    assert survey.contact == cfo and survey.about_kam == org_a.kam

    client.logout()
    form = client.get(reverse("survey", args=[survey.token()]))
    question = f"value do you get from working with {org_a.kam.user.full_name}"
    assert question in form.text
    client.post(
        reverse("survey", args=[survey.token()]),
        {"nps": 9, "csat": 5, "kam_value": 4, "comment": "Kam knows our plant."},
    )
    answer = CustomerFeedback.objects.get()
    assert (answer.kam, answer.kam_value) == (org_a.kam, 4)

    client.force_login(org_a.supervisor.user)
    page = client.get(page_url)
    assert "value of the KAM 4/5" in page.text and "Kam knows our plant." in page.text
    voice = scorecard.measure("customer_view", {"verdicts": [], "feedback": page.context[
        "card"]["feedback"]})  # fmt: skip
    assert voice["score"] == 75 and "4.0/5" in voice["value"]


def test_a_survey_without_the_kam_question_stays_two_questions(client, org_a):
    account = make_account(org_a, "Initech")
    contact = make_contact(account, "Cora CFO", email="cora@initech.example")
    from accounts import surveys

    survey = surveys.request(account, contact, org_a.kam.user)
    page = client.get(reverse("survey", args=[survey.token()])).text
    assert "value do you get from working with" not in page
    surveys.answer(survey, 8, None, "", kam_value=5)  # not asked: not kept
    assert CustomerFeedback.objects.get().kam_value is None


def test_the_reviewers_call_is_their_labelled_note_not_the_customers_answer(client, org_a):
    initech = make_account(org_a, "Initech")
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)
    review = cycle.reviews.get(kam=org_a.kam)
    url = reverse("review-supervisor-note", args=[org_a.tenant.slug, review.pk])
    client.force_login(org_a.kam.user)
    assert client.post(url, {}).status_code == 403  # not about themselves
    client.force_login(org_a.supervisor.user)
    assert "Choose the customer" in client.post(url, {"account": initech.pk}, follow=True).text
    page = client.post(
        url,
        {"account": initech.pk, "kam_value": 5, "comment": "They call Kam first."},
        follow=True,
    )
    note = CustomerFeedback.objects.get()
    assert note.source == CustomerFeedback.Source.SUPERVISOR_CALL and note.nps is None
    assert "noted by a supervisor, not scored" in page.text and "They call Kam first." in page.text
    card = page.context["card"]
    assert (
        scorecard.measure("customer_view", {"verdicts": [], "feedback": card["feedback"]}) is None
    )
    assert AuditEvent.objects.filter(verb="review.supervisor_note").exists()
