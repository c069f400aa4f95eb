import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Contact, KeyAccount
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account, make_contact

HEADER = "name,industry,tier,status,owner_email,contract_value,currency,renewal_date,website\n"


def url(org, name):
    return reverse(name, kwargs={"slug": org.tenant.slug})


def upload(client, org, text, name="account-import"):
    file = SimpleUploadedFile("import.csv", text.encode(), content_type="text/csv")
    return client.post(url(org, name), {"file": file})


def test_a_malformed_file_commits_nothing_and_reports_every_bad_row(client, org_a):
    make_account(org_a, "Existing Ltd")
    client.force_login(org_a.admin.user)
    text = HEADER + (
        f"Good Co,Retail,key,active,{org_a.kam.user.email},1000,EUR,2027-01-31,\n"
        f"Bad Date Co,,key,,{org_a.kam.user.email},10,EUR,31/01/2027,\n"
        "Nobody Co,,key,,ghost@nowhere.test,10,EUR,,\n"
        f"Existing Ltd,,key,,{org_a.kam.user.email},10,EUR,,\n"
        f"Good Co,,platinum,,{org_a.kam.user.email},lots,EUR,,\n"
    )
    preview = upload(client, org_a, text)
    for message in [
        "“31/01/2027” is not a date",
        "ghost@nowhere.test",
        "exists already",
        "appears twice",
        "Tier “platinum”",
        "“lots” is not a number",
    ]:
        assert message in preview.text
    assert "4 with errors" in preview.text
    content = preview.context["content"]
    # committing anyway is refused: still the preview, nothing written
    client.post(url(org_a, "account-import"), {"content": content, "action": "commit"})
    assert KeyAccount.objects.filter(tenant=org_a.tenant).count() == 1
    report = client.post(url(org_a, "account-import"), {"content": content, "action": "errors"})
    lines = list(csv.reader(io.StringIO(report.content.decode())))
    assert report["Content-Type"].startswith("text/csv")
    assert {row[0] for row in lines[1:]} == {"3", "4", "5", "6"}


def test_a_valid_file_imports_all_rows(client, org_a):
    client.force_login(org_a.admin.user)
    text = HEADER + "".join(
        f'Customer {n},Retail,Strategic,active,{org_a.kam.user.email},"1,000",eur,,\n'
        for n in range(3)
    )
    preview = upload(client, org_a, text)
    assert "all valid" in preview.text
    response = client.post(
        url(org_a, "account-import"), {"content": preview.context["content"], "action": "commit"}
    )
    assert response.status_code == 302
    accounts = KeyAccount.objects.filter(tenant=org_a.tenant)
    assert accounts.count() == 3 and {a.tier for a in accounts} == {"strategic"}
    assert all(hasattr(a, "plan") for a in accounts)
    assert AuditEvent.objects.filter(verb="account.import").exists()


def test_unreadable_files_get_a_clear_error(client, org_a):
    client.force_login(org_a.admin.user)
    assert "lacks name, owner_email" in upload(client, org_a, "foo,bar\n1,2\n").text
    file = SimpleUploadedFile("x.csv", "name\n\xe9".encode("latin-1"), content_type="text/csv")
    response = client.post(url(org_a, "account-import"), {"file": file})
    assert "not UTF-8" in response.text
    assert "Choose a CSV file" in client.post(url(org_a, "account-import")).text


def test_export_round_trips_through_import(client, org_a, org_b):
    make_account(org_a, "Round Trip Inc")
    client.force_login(org_a.admin.user)
    exported = client.get(url(org_a, "account-export")).content.decode()
    assert "Round Trip Inc" in exported
    KeyAccount.objects.filter(tenant=org_a.tenant).delete()
    preview = upload(client, org_a, exported)
    assert "all valid" in preview.text
    client.force_login(org_b.admin.user)
    assert "Round Trip Inc" not in client.get(url(org_b, "account-export")).content.decode()


def test_contacts_import_with_reporting_lines(client, org_a):
    account = make_account(org_a, "Acme Buyer")
    make_contact(account, "Chief Person")
    client.force_login(org_a.admin.user)
    text = (
        "account,name,title,department,email,phone,buying_role,influence,"
        "relationship_strength,reports_to\n"
        "Acme Buyer,New Manager,Manager,Ops,nm@x.test,,champion,high,4,Chief Person\n"
        "Acme Buyer,New Analyst,Analyst,Ops,,,user,low,2,New Manager\n"
        "Nope Corp,Lost,,,not-an-email,,,,9,\n"
    )
    preview = upload(client, org_a, text, "contact-import")
    assert "“Nope Corp” is unknown" in preview.text and "1–5" in preview.text
    good = "\n".join(text.splitlines()[:3]) + "\n"
    preview = upload(client, org_a, good, "contact-import")
    client.post(
        url(org_a, "contact-import"), {"content": preview.context["content"], "action": "commit"}
    )
    analyst = Contact.objects.get(name="New Analyst")
    assert analyst.reports_to.name == "New Manager"
    assert analyst.reports_to.reports_to.name == "Chief Person"
    exported = client.get(url(org_a, "contact-export")).content.decode()
    assert "New Analyst" in exported and "New Manager" in exported


def test_kams_cannot_import(client, org_a):
    client.force_login(org_a.kam.user)
    assert client.get(url(org_a, "account-import")).status_code == 403


CONTACT_HEADER = "account,name,title,department,email,phone,buying_role,influence,reports_to\n"


def preview_then_commit(client, org, text, name="account-import"):
    """The preview's errors, after checking that committing its content writes nothing when
    there are any (and never meets a database error)."""
    preview = upload(client, org, text, name)
    assert preview.status_code == 200
    committed = client.post(
        url(org, name), {"content": preview.context["content"], "action": "commit"}
    )
    assert committed.status_code == 200  # still the preview: nothing written
    return [error for row in preview.context["bad"] for error in row.errors]


def test_every_account_cell_is_checked_as_the_form_would_at_preview(client, org_a):
    client.force_login(org_a.admin.user)
    kam = org_a.kam.user.email
    rows = {
        "name": f"{'N' * 10_000},,key,,{kam},1,EUR,,",
        "website": f"Web Co,,key,,{kam},1,EUR,,https://example.com/{'w' * 300}",
        "industry": f"Industry Co,{'i' * 250},key,,{kam},1,EUR,,",
        "nul": f"Nul\x00 Co,,key,,{kam},1,EUR,,",
        "line break": f'"Broken\r\nName Co",,key,,{kam},1,EUR,,',
        "huge": f"Huge Co,,key,,{kam},1e30,EUR,,",
        "infinity": f"Inf Co,,key,,{kam},Infinity,EUR,,",
        "nan": f"NaN Co,,key,,{kam},NaN,EUR,,",
        "far date": f"Far Co,,key,,{kam},1,EUR,9999-12-31,",
    }
    for what, row in rows.items():
        errors = preview_then_commit(client, org_a, HEADER + row + "\n")
        assert errors, what
    assert not KeyAccount.objects.filter(tenant=org_a.tenant).exists()


def test_every_contact_cell_is_checked_and_reporting_loops_refused(client, org_a):
    account = make_account(org_a, "Globex")
    client.force_login(org_a.admin.user)
    rows = {
        "name": f"Globex,{'n' * 200},,,,,,,",
        "phone": f"Globex,Long Phone,,,,{'5' * 60},,,",
        "nul": "Globex,Nul\x00 Person,,,,,,,",
        "control": "Globex,Bell\x07 Person,,,,,,,",
        "loop": "Globex,Ann,,,,,,,Bob\nGlobex,Bob,,,,,,,Ann",
        "self": "Globex,Cyd,,,,,,,Cyd",
    }
    for what, row in rows.items():
        errors = preview_then_commit(client, org_a, CONTACT_HEADER + row + "\n", "contact-import")
        assert errors, what
    assert not Contact.objects.filter(account=account).exists()


def test_a_file_that_is_not_utf8_is_a_clear_error(client, org_a):
    client.force_login(org_a.admin.user)
    file = SimpleUploadedFile("import.csv", HEADER.encode() + b"Caf\xe9 Co,,key\n")
    response = client.post(url(org_a, "account-import"), {"file": file})
    assert response.status_code == 200
    assert "not UTF-8" in response.text
    response = client.post(url(org_a, "account-import"), {"content": "name,owner_email\n\x00,x\n"})
    assert response.status_code == 200


def test_bad_emails_and_websites_are_reported_once(client, org_a):
    client.force_login(org_a.admin.user)
    errors = preview_then_commit(
        client, org_a, HEADER + f"Web Co,,key,,{org_a.kam.user.email},1,EUR,,not-a-url\n"
    )
    assert errors == ["Website: Enter a valid URL."]


def test_an_import_refreshes_the_planner_statistics_of_the_tables_it_filled(client, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_a.admin.user)
    text = HEADER + f"Fresh Co,Retail,key,active,{org_a.kam.user.email},10,EUR,,\n"
    content = upload(client, org_a, text).context["content"]
    with CaptureQueriesContext(connection) as queries:
        client.post(url(org_a, "account-import"), {"content": content, "action": "commit"})
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert analysed == ['ANALYZE "accounts_keyaccount", "accounts_accountplan"']
