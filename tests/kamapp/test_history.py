"""The history and audit log in plain language: a sentence for every verb, names instead of
ids, internal fields hidden, filters, and a fixed number of queries per page."""

import ast
import datetime
import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from accounts.models import Interaction, RiskAlert
from accounts.views.process import FORMS as PROCESS_FORMS
from kamapp import history
from kamapp.audit import record
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account, make_contact, make_objective

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kamapp", "accounts", "reviews", "rpm")
WRITERS = {"record", "record_change", "save_audited", "_save", "_move"}
VERB = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _calls(name: str):
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and _name(node.func) == name:
                    yield node


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _nouns() -> set[str]:
    """The nouns the account tabs record `<noun>.create` / `<noun>.update` under."""
    return {
        node.args[-1].value if node.args else node.keywords[-1].value.value
        for view in ("tab_view", "edit_view")
        for node in _calls(view)
    }


def _verbs_in_code() -> set[str]:
    """Every verb the apps pass to the audit trail: string literals, and f-strings expanded
    over the values their placeholders take."""
    expansions = {
        "noun": _nouns(),
        "kind": set(PROCESS_FORMS),
        "status": {s for s in RiskAlert.Status if s != RiskAlert.Status.OPEN},  # none reopens
    }
    verbs: set[str] = set()
    for writer in WRITERS:
        for call in _calls(writer):
            for node in ast.walk(call):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if VERB.match(node.value):
                        verbs.add(node.value)
                elif isinstance(node, ast.JoinedStr):
                    verbs |= _expand(node, expansions)
    return verbs


def _expand(node: ast.JoinedStr, expansions: dict[str, set[str]]) -> set[str]:
    found = {""}
    for part in node.values:
        if isinstance(part, ast.Constant):
            found = {prefix + part.value for prefix in found}
        else:
            name = ast.unparse(part.value)
            assert name in expansions, f"f-string verb with {{{name}}}: tell this test its values"
            found = {prefix + value for prefix in found for value in expansions[name]}
    return {verb for verb in found if VERB.match(verb)}


def test_every_verb_in_the_code_has_a_sentence():
    verbs = _verbs_in_code()
    assert {"interaction.create", "alert.dismissed", "process.item.delete"} <= verbs
    assert {"account.restore", "financials.update", "review.finalise"} <= verbs
    missing = sorted(verb for verb in verbs if not history.has_sentence(verb))
    assert not missing, f"give these verbs a sentence in their app's sentences.py: {missing}"


def test_logged_meeting_reads_as_a_sentence_with_names(client, org_a):
    account = make_account(org_a)
    contact = make_contact(account, "Hannah Moreau")
    client.force_login(org_a.kam.user)
    url = reverse("account-interactions", args=[org_a.tenant.slug, account.pk])
    client.post(url, {"date": "2026-11-20", "kind": "meeting", "contacts": [contact.pk],
                      "summary": "Roadmap", "meaningful": "on"})  # fmt: skip
    page = client.get(reverse("account-history", args=[org_a.tenant.slug, account.pk])).text
    assert "Kam of Acme Components logged a meeting with Hannah Moreau" in page
    assert "Interaction object" not in page and "logged_by" not in page.lower()
    assert "Logged by" not in page  # bookkeeping stays hidden
    assert "<code>" not in page


def test_ids_in_changes_become_names(org_a):
    account = make_account(org_a)
    owner = make_contact(account, "Fox Mulder")
    goal = make_objective(account)
    before = {"customer_owner": None}
    goal.customer_owner = owner
    goal.save()
    record(org_a.tenant, org_a.kam.user, "objective.update", goal,
           {"customer_owner": [before["customer_owner"], owner.pk]})  # fmt: skip
    record(org_a.tenant, org_a.admin.user, "membership.update", org_a.kam,
           {"manager_id": [None, org_a.supervisor.pk], "role": ["leader", "kam"]})  # fmt: skip
    events = list(AuditEvent.objects.filter(tenant=org_a.tenant).select_related("actor"))
    by_verb = {entry.event.verb: entry for entry in history.entries(events, org_a.tenant)}
    goal_entry = by_verb["objective.update"]
    assert goal_entry.sentence == "Kam of Acme Components edited the customer goal “Cut downtime”"
    assert goal_entry.details == [("Customer owner", "Fox Mulder")]
    assert dict(by_verb["membership.update"].details) == {
        "Manager": "Supervisor of Acme Components",
        "Role": "Leader → Key account manager",
    }


def test_names_resolve_with_a_fixed_number_of_queries(client, org_a, django_assert_max_num_queries):
    account = make_account(org_a)
    contacts = [make_contact(account, f"Contact {i}") for i in range(30)]
    for i, contact in enumerate(contacts):
        meeting = Interaction.objects.create(
            tenant=org_a.tenant, account=account, summary=str(i), logged_by=org_a.kam.user
        )
        record(org_a.tenant, org_a.kam.user, "interaction.create", meeting,
               {"kind": [None, "call"], "contacts": [None, [contact.pk]],
                "logged_by": [None, org_a.kam.user.pk]})  # fmt: skip
    client.force_login(org_a.admin.user)
    # session, user, tenant, membership (+3 RLS settings); the filter's people; count and page
    # of events; one query per kind of object named (contacts); the layout's tenant, alert,
    # review and notification badges (+1 RLS reset)
    with django_assert_max_num_queries(17):
        page = client.get(reverse("audit-log", args=[org_a.tenant.slug])).text
    assert "logged a call with Contact 29" in page and page.count("logged a call") == 30


def test_filters_by_who_what_and_when(client, org_a):
    account = make_account(org_a)
    record(org_a.tenant, org_a.kam.user, "account.update", account)
    record(org_a.tenant, org_a.admin.user, "invitation.revoke", org_a.invitation)
    old = record(org_a.tenant, org_a.kam.user, "plan.review", account.plan)
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    client.force_login(org_a.admin.user)
    url = reverse("audit-log", args=[org_a.tenant.slug])

    mine = client.get(url, {"who": org_a.kam.user.pk}).text
    assert "edited the account Globex" in mine and "withdrew the invitation" not in mine
    invitations = client.get(url, {"what": "invitation"}).text
    assert "withdrew the invitation to new@acme.test" in invitations
    assert "edited the account" not in invitations
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    recent = client.get(url, {"since": since}).text
    assert "reviewed the account plan" not in recent and "edited the account" in recent
    nothing = client.get(url, {"who": "system"}).text
    assert "Nothing matches" in nothing


def test_history_filter_refuses_another_tenants_people(client, org_a, org_b):
    client.force_login(org_a.admin.user)
    url = reverse("audit-log", args=[org_a.tenant.slug])
    response = client.get(url, {"who": org_b.kam.user.pk, "since": "garbage\x00"})
    assert response.status_code == 200  # an invalid filter shows everything, not an error
