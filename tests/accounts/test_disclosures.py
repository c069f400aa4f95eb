""" "New …" forms sit behind a button (a <details> disclosure: no JS needed), and open by
themselves when what was sent comes back with errors."""

import re

import pytest
from django.urls import reverse

from tests.accounts.conftest import make_account

TABS = {
    "account-objectives": "New objective",
    "account-actions": "New action",
    "account-financials": "Add a period",
    "account-feedback": "Record feedback",
    "account-stakeholders": "Add a stakeholder",
}


def disclosure(html: str, label: str) -> str:
    match = re.search(r'<details class="disclosure"( open)?>\s*<summary[^>]*>' + label, html)
    assert match, label
    return match.group(0)


@pytest.mark.parametrize("name, label", TABS.items())
def test_new_forms_are_closed_until_asked_for_and_open_on_errors(client, org_a, name, label):
    account = make_account(org_a)
    url = reverse(name, kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": account.pk})
    client.force_login(org_a.kam.user)
    assert " open" not in disclosure(client.get(url).text, label)
    sent_empty = client.post(url, {}, HTTP_HX_REQUEST="true").text
    assert " open" in disclosure(sent_empty, label)


def test_a_read_only_member_gets_no_new_form(client, org_a):
    account = make_account(org_a)
    url = reverse(
        "account-actions", kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": account.pk}
    )
    client.force_login(org_a.leader.user)
    assert "New action" not in client.get(url).text
