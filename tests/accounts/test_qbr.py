"""QBRs that keep promises: agenda and both sides' people, commitments that become actions
once, kept / late / open / dropped, the next QBR opening with them, and the customer's rating
through the signed survey link."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import qbr
from accounts.models import (
    Action,
    Commitment,
    CustomerFeedback,
    Interaction,
    InteractionContact,
    Origin,
    SurveyRequest,
)
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account, make_action, make_contact

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_qbr(account, on: datetime.date, *contacts, **fields) -> Interaction:
    meeting = Interaction.objects.create(
        tenant=account.tenant,
        account=account,
        kind=Interaction.Kind.QBR,
        date=on,
        summary=fields.pop("summary", "Quarter reviewed."),
        agenda=fields.pop("agenda", "Results\nNext quarter"),
        **fields,
    )
    for contact in contacts:
        InteractionContact.objects.create(
            tenant=account.tenant, interaction=meeting, contact=contact
        )
    return meeting


def promise(meeting, title, due, status="planned", done=None, side="ours") -> Commitment:
    action = make_action(
        meeting.account,
        title,
        owner=meeting.account.owner,
        due_date=due,
        status=status,
        done_date=done,
    )
    return Commitment.objects.create(
        tenant=meeting.tenant,
        account=meeting.account,
        interaction=meeting,
        action=action,
        side=side,
    )


def url(name: str, account, meeting=None) -> str:
    kwargs = {"slug": account.tenant.slug, "keyaccount_pk": account.pk}
    if meeting is not None:
        kwargs["interaction_pk"] = meeting.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def dana(account):
    return make_contact(account, "Dana Scully", email="dana@globex.example")


def test_the_kam_logs_a_qbr_and_each_commitment_becomes_an_action_once(
    client, org_a, account, dana
):
    client.force_login(org_a.kam.user)
    logged = client.post(
        url("qbr-new", account),
        {
            "date": days(-1).isoformat(),
            "agenda": "Downtime results\nThe retrofit",
            "contacts": [dana.pk],
            "team_attendees": [org_a.kam.pk, org_a.supervisor.pk],
            "summary": "",
        },
    )
    meeting = Interaction.objects.get(account=account)
    assert logged.status_code == 302 and logged["Location"] == url("qbr-detail", account, meeting)
    assert meeting.kind == Interaction.Kind.QBR and meeting.meaningful
    assert list(meeting.contacts.all()) == [dana]
    assert set(meeting.team_attendees.all()) == {org_a.kam, org_a.supervisor}

    commitment = {
        "side": "ours",
        "title": "Send the downtime report",
        "owner": org_a.kam.pk,
        "due_date": days(14).isoformat(),
    }
    add = url("qbr-commitment", account, meeting)
    assert client.post(add, commitment).status_code == 302
    again = client.post(add, {**commitment, "title": " send the DOWNTIME report "})
    assert again.status_code == 200 and "This commitment is on the QBR already." in again.text
    theirs = {**commitment, "side": "customer", "title": "Share the line data"}
    missing = client.post(add, theirs)
    assert "Say who on the customer&#x27;s side promised it." in missing.text
    assert client.post(add, {**theirs, "contact": dana.pk}).status_code == 302

    ours, customers = Commitment.objects.filter(interaction=meeting).order_by("id")
    assert (ours.side, ours.action.title, ours.action.owner, ours.action.due_date) == (
        "ours",
        "Send the downtime report",
        org_a.kam,
        days(14),
    )
    assert (customers.side, customers.contact, customers.action.owner) == (
        "customer",
        dana,
        org_a.kam,
    )
    assert Action.objects.filter(account=account).count() == 2
    # the service itself is idempotent: a second call (a double submit) makes nothing new
    same, created = qbr.commit(
        meeting,
        org_a.kam.user,
        side="ours",
        title="Send the downtime report",
        owner=org_a.kam,
        due_date=days(14),
    )
    assert same == ours and not created and Action.objects.filter(account=account).count() == 2
    verbs = list(AuditEvent.objects.filter(tenant=org_a.tenant).values_list("verb", flat=True))
    assert verbs.count("qbr.create") == 1 and verbs.count("qbr.commitment") == 2

    actions = client.get(url("account-actions", account)).text
    assert "Our commitment at the QBR of" in actions
    assert "The customer's commitment (Dana Scully)" in actions


def test_the_forms_say_what_is_wrong_beside_the_field(client, org_a, account, dana):
    client.force_login(org_a.kam.user)
    page = client.post(url("qbr-new", account), {"date": "", "agenda": ""})
    assert page.status_code == 200 and not Interaction.objects.exists()
    assert page.text.count('class="field has-error"') == 3  # date, agenda, the customer's people
    assert "Tick who came from the customer&#x27;s side." in page.text
    meeting = make_qbr(account, days(-3), dana)
    early = client.post(
        url("qbr-commitment", account, meeting),
        {"side": "ours", "title": "Too early", "owner": org_a.kam.pk, "due_date": days(-10)},
    )
    assert "The due date can&#x27;t be before the meeting." in early.text
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("due", "status", "done", "expected"),
    [
        (days(-10), "done", days(-12), qbr.Kept.KEPT),
        (days(-10), "done", days(-10), qbr.Kept.KEPT),
        (None, "done", days(-10), qbr.Kept.KEPT),
        (days(-10), "done", days(-5), qbr.Kept.LATE),
        (days(-10), "in_progress", None, qbr.Kept.OPEN),
        (days(10), "planned", None, qbr.Kept.OPEN),
        (days(-10), "cancelled", None, qbr.Kept.DROPPED),
    ],
)
def test_kept_is_done_by_the_due_date(due, status, done, expected):
    assert qbr.kept(Action(due_date=due, status=status, done_date=done)) == expected


def test_the_next_qbr_opens_with_last_times_commitments_in_fixed_queries(
    client, org_a, account, dana, django_assert_num_queries
):
    first = make_qbr(account, days(-100), dana)
    promise(first, "Kept promise", days(-80), "done", days(-85))
    promise(first, "Late promise", days(-80), "done", days(-70))
    promise(first, "Open promise", days(-20), "in_progress", side="customer")
    promise(first, "Dropped promise", days(-80), "cancelled")
    second = make_qbr(account, days(-5), dana)
    promise(second, "Next promise", days(20))
    assert qbr.previous(account) == second and qbr.previous(account, second) == first
    assert qbr.previous(account, first) is None
    client.force_login(org_a.kam.user)
    assert "Last time's commitments" not in client.get(url("qbr-detail", account, first)).text

    # the interactions, their contacts, our people, the commitments with their actions, ratings
    with django_assert_num_queries(5):
        rows = qbr.with_details(qbr.of_account(account), TODAY)
    for _ in range(3):
        promise(make_qbr(account, days(-200), dana), "More", days(-190), "done", days(-191))
    with django_assert_num_queries(5):
        rows = qbr.with_details(qbr.of_account(account), TODAY)
    earlier = next(r for r in rows if r.pk == first.pk)
    assert qbr.tally(earlier) == {"kept": 1, "late": 1, "open": 1, "dropped": 1}
    assert [c.overdue for c in earlier.commitments.all()] == [False, False, True, False]

    reviewed = client.get(url("qbr-detail", account, second)).text  # opens with the first's
    assert "Last time's commitments" in reviewed
    for label in ("Kept", "Done late", "Still open · overdue", "Dropped"):
        assert label in reviewed, label
    assert "1 kept, 1 done late, 1 still open, 1 dropped" in reviewed
    upcoming = client.get(url("qbr-new", account)).text  # the next one opens with the second's
    assert "Next promise" in upcoming and "Kept promise" not in upcoming
    assert "0 kept, 0 done late, 1 still open, 0 dropped" in upcoming


def test_the_interactions_tab_shows_a_qbr_whole(client, org_a, account, dana):
    meeting = make_qbr(account, days(-30), dana, agenda="Downtime results")
    meeting.team_attendees.add(org_a.kam, through_defaults={"tenant_id": org_a.tenant.pk})
    promise(meeting, "Send the forecast", days(-20), "done", days(-25))
    CustomerFeedback.objects.create(
        tenant=org_a.tenant,
        account=account,
        contact=dana,
        nps=9,
        qbr=meeting,
        qbr_rating=4,
        source=CustomerFeedback.Source.SURVEY,
    )
    client.force_login(org_a.leader.user)  # a reader sees it all, without the forms
    tab = client.get(url("account-interactions", account)).text
    for seen in ("Downtime results", "Ours: Kam of Acme", "Send the forecast", "Kept"):
        assert seen in tab
    assert "Rated 4/5 useful" in tab and "Log a QBR" not in tab


def test_the_customer_rates_the_qbr_through_the_signed_link(
    client, org_a, account, dana, django_capture_on_commit_callbacks
):
    meeting = make_qbr(account, days(-2), dana)
    absent = make_contact(account, "Not There", email="absent@globex.example")
    client.force_login(org_a.kam.user)
    ask = url("qbr-rating-request", account, meeting)
    refused = client.post(ask, {"contact": absent.pk})
    assert "Choose someone who was there" in refused.text and not SurveyRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ask, {"contact": dana.pk}).status_code == 302
    (message,) = mail.outbox
    assert "business review" in message.subject and account.name in message.subject
    link = "/" + re.search(r"https?://\S+/s/\S+/", message.body)[0].split("/", 3)[3]

    customer = Client()
    page = customer.get(link)
    assert "How useful was our business review on" in page.text
    unrated = customer.post(link, {"nps": "8"})
    assert unrated.status_code == 200 and "Pick a rating from 1 to 5." in unrated.text
    assert (
        customer.post(link, {"nps": "8", "qbr_rating": "4", "comment": "Concrete."}).status_code
        == 302
    )

    (rating,) = CustomerFeedback.objects.filter(account=account)
    assert (rating.qbr, rating.qbr_rating, rating.contact, rating.nps) == (meeting, 4, dana, 8)
    assert rating.source == CustomerFeedback.Source.SURVEY and rating.origin == Origin.CUSTOMER
    answer = AuditEvent.objects.get(verb="survey.answer")
    assert answer.actor is None and answer.changes["qbr_rating"] == 4
    shown = client.get(url("qbr-detail", account, meeting)).text
    assert "4/5" in shown and "from the customer" in shown and "Concrete." in shown
    feedback = client.get(url("account-feedback", account)).text
    assert "rated 4/5" in feedback


def test_a_plain_survey_asks_no_rating(
    client, org_a, account, dana, django_capture_on_commit_callbacks
):
    client.force_login(org_a.kam.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("survey-request", account), {"contact": dana.pk})
    link = "/" + re.search(r"https?://\S+/s/\S+/", mail.outbox[0].body)[0].split("/", 3)[3]
    assert "business review" not in Client().get(link).text
    assert Client().post(link, {"nps": "7"}).status_code == 302
    assert CustomerFeedback.objects.get().qbr_rating is None


def test_readers_look_and_other_tenants_get_404(client, org_a, org_b, account, dana):
    meeting = make_qbr(account, days(-2), dana)
    call = Interaction.objects.create(
        tenant=org_a.tenant, account=account, kind=Interaction.Kind.CALL, summary="A call"
    )
    other = make_qbr(make_account(org_a, "Other Co"), days(-2))
    commitment = {"side": "ours", "title": "X", "owner": org_a.kam.pk, "due_date": days(5)}

    client.force_login(org_a.leader.user)
    assert client.get(url("qbr-detail", account, meeting)).status_code == 200
    assert "Only the account's team logs its QBRs." in client.get(url("qbr-new", account)).text
    assert client.post(url("qbr-commitment", account, meeting), commitment).status_code == 403
    assert client.get(url("qbr-edit", account, meeting)).status_code == 403

    client.force_login(org_a.kam.user)
    for wrong in (call, other):  # not a QBR; a QBR of another account
        assert client.get(url("qbr-detail", account, wrong)).status_code == 404
        assert client.post(url("qbr-commitment", account, wrong), commitment).status_code == 404
    foreign = make_contact(make_account(org_b, "Foreign"), "Foreign")
    theirs = {**commitment, "side": "customer", "contact": foreign.pk}
    assert client.post(url("qbr-commitment", account, meeting), theirs).status_code == 200
    assert not Commitment.objects.exists()

    client.force_login(org_b.admin.user)
    for name in ("qbr-detail", "qbr-edit"):
        assert client.get(url(name, account, meeting)).status_code == 404
    assert client.post(url("qbr-commitment", account, meeting), commitment).status_code == 404


def test_editing_a_qbr_is_audited(client, org_a, account, dana):
    meeting = make_qbr(account, days(-2), dana, agenda="Old")
    client.force_login(org_a.kam.user)
    form = {
        "date": days(-2).isoformat(),
        "agenda": "New agenda",
        "contacts": [dana.pk],
        "team_attendees": [org_a.kam.pk],
        "summary": "Agreed the pilot.",
    }
    assert client.post(url("qbr-edit", account, meeting), form).status_code == 302
    event = AuditEvent.objects.get(verb="qbr.update")
    assert event.changes["agenda"] == ["Old", "New agenda"]
    assert event.changes["account"] == account.pk
