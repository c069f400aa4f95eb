import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kamapp.downloads import safe_cell, safe_filename
from reviews import workflow
from reviews.models import ReviewPacket
from tests.accounts.conftest import make_account, make_contact

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)

FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def read(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_cell_is_neutralised(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("Acme =1") == "Acme =1" and safe_cell(-3) == -3


def test_account_and_contact_exports_neutralise_formulas(client, org_a):
    account = make_account(org_a, '=HYPERLINK("http://evil.test","x")')
    account.industry = "@SUM(1)"
    account.save()
    make_contact(account, "+44 20 7946 0000", title="-Finance")
    client.force_login(org_a.admin.user)
    slug = org_a.tenant.slug
    accounts = read(client.get(reverse("account-export", args=[slug])))
    row = next(r for r in accounts[1:] if "HYPERLINK" in r[0])
    assert row[0].startswith("'=") and row[1] == "'@SUM(1)"
    contacts = read(client.get(reverse("contact-export", args=[slug])))
    row = next(r for r in contacts[1:] if "7946" in "".join(r))
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert "'+44 20 7946 0000" in row and "'-Finance" in row


def test_the_import_error_report_neutralises_formulas(client, org_a):
    client.force_login(org_a.admin.user)
    url = reverse("account-import", args=[org_a.tenant.slug])
    text = "name,industry,tier,owner_email\n=1+2,@evil,platinum,nobody@nowhere.test\n"
    file = SimpleUploadedFile("import.csv", text.encode(), content_type="text/csv")
    preview = client.post(url, {"file": file})
    report = client.post(url, {"content": preview.context["content"], "action": "errors"})
    lines = read(report)
    assert lines[1][2:4] == ["'=1+2", "'@evil"]
    assert report["Content-Disposition"] == 'attachment; filename="account-import-errors.csv"'


def test_filenames_are_slugs_whatever_the_names():
    hostile = "Q\";filename*=UTF-8''evil.html;x=\""
    name = safe_filename("review", "Åsa Öberg", hostile, extension="pdf")
    assert name == "review-asa-oberg-qfilenameutf-8evilhtmlx.pdf"
    assert safe_filename("", extension="csv") == "download.csv"


def test_a_hostile_cycle_name_cannot_change_the_packet_download_header(
    client, org_a, django_capture_on_commit_callbacks
):
    hostile = "Q\";filename*=UTF-8''evil.html;x=\""
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, hostile, START, END)
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {})
    with django_capture_on_commit_callbacks(execute=True):
        workflow.finalise(review, org_a.supervisor.user, "Done", {})
    assert ReviewPacket.objects.filter(review=review).exists()
    client.force_login(org_a.leader.user)
    response = client.get(reverse("review-packet", args=[org_a.tenant.slug, review.pk]))
    assert response["Content-Disposition"] == (
        'inline; filename="review-kam-of-acme-components-qfilenameutf-8evilhtmlx.pdf"'
    )
