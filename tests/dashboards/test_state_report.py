"""The monthly State of key accounts: made on the first working day, once per tenant and month
however often it runs, read back from the PDF (the summary on page 1), mailed once to
leadership with the PDF, kept for download by those who may see the leadership dashboard."""

import datetime
import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from dashboards import report, tasks
from dashboards.models import StateReport
from kamapp.demo import seed_apps
from kamapp.models import Role

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 12, 1)


def pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded (pdftotext ends every page with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True)
    return [" ".join(page.split()) for page in out.stdout.decode().split("\f")[:-1]]


@pytest.mark.parametrize(
    ("day", "first"),
    [
        (datetime.date(2026, 12, 15), datetime.date(2026, 12, 1)),  # a Tuesday
        (datetime.date(2026, 11, 20), datetime.date(2026, 11, 2)),  # the 1st is a Sunday
        (datetime.date(2026, 8, 31), datetime.date(2026, 8, 3)),  # the 1st is a Saturday
        (datetime.date(2027, 2, 1), datetime.date(2027, 2, 1)),  # a Monday
    ],
)
def test_the_first_working_day_of_the_month(day, first):
    assert report.first_working_day(day) == first
    assert report.is_due(first)
    assert not report.is_due(first - datetime.timedelta(days=1))
    assert report.is_due(first + datetime.timedelta(days=6))  # a missed run made up
    assert not report.is_due(first + datetime.timedelta(days=7))


def test_the_beat_acts_from_the_first_working_day_and_makes_up_a_missed_run(org_a, monkeypatch):
    made = []
    monkeypatch.setattr(tasks.send_state_report, "delay", lambda *args: made.append(args))
    for day in (datetime.date(2026, 11, 1), datetime.date(2026, 11, 9)):  # Sunday, a week on
        monkeypatch.setattr(tasks.timezone, "localdate", lambda day=day: day)
        assert tasks.send_state_reports() == 0
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2026, 11, 3))
    assert tasks.send_state_reports() >= 1  # beat was down on Monday the 2nd
    assert (org_a.tenant.pk, "2026-11-03") in made


def test_one_report_and_one_mail_however_often_it_runs(
    org_a, org_b, django_capture_on_commit_callbacks
):
    seed_apps(org_a.tenant, size=4)
    second_leader = org_a.add(Role.LEADER, email="coo@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_state_report(org_a.tenant.pk, TUESDAY.isoformat())
        assert not tasks.send_state_report(org_a.tenant.pk, "2026-12-15")  # same month
    made = StateReport.objects.get(tenant=org_a.tenant)
    assert made.month == TUESDAY and made.pages > 0
    assert sorted(made.recipients) == sorted([org_a.leader.user.email, second_leader.user.email])
    assert [m.to for m in mail.outbox] == [sorted(made.recipients)]
    sent = mail.outbox[0]
    assert sent.subject.startswith("State of key accounts, December 2026")
    assert "Mean account health" in sent.body
    [(name, content, mimetype)] = sent.attachments
    assert name == "state-of-key-accounts-2026-12.pdf" and mimetype == "application/pdf"
    assert content == bytes(made.pdf)
    assert not StateReport.objects.filter(tenant=org_b.tenant).exists()


def test_the_pdf_leads_with_the_summary(org_a):
    seed_apps(org_a.tenant, size=6)
    made, created = report.make(org_a.leader, TUESDAY)
    assert created
    text = pages(bytes(made.pdf))
    assert len(text) == made.pages > 0
    first = text[0]
    assert "State of key accounts, December 2026" in first
    assert first.index("In short") < first.index("Mean account health")
    assert "accounts are at risk" in first
    assert "The ten most serious open risks" in " ".join(text)
    assert "Teams" in " ".join(text)
    assert "Supervisor" in " ".join(text)


def test_download_and_generate_now(client, org_a, org_b, django_capture_on_commit_callbacks):
    seed_apps(org_a.tenant, size=3)
    url = reverse("state-report-now", args=[org_a.tenant.slug])
    client.force_login(org_a.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
        again = client.post(url, follow=True)
    assert "is ready and on its way to leadership" in first.text
    assert "exists already" in again.text
    made = StateReport.objects.get(tenant=org_a.tenant)
    assert len(mail.outbox) == 1
    download = reverse("state-report", args=[org_a.tenant.slug, made.pk])
    assert download in again.text
    page = client.get(download)
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content == bytes(made.pdf)
    for member, status in [(org_a.leader, 200), (org_a.supervisor, 403), (org_a.kam, 403)]:
        client.force_login(member.user)
        assert client.get(download).status_code == status, member.role
        if status == 403:
            assert client.post(url).status_code == 403
    client.force_login(org_b.admin.user)
    assert client.get(reverse("state-report", args=[org_b.tenant.slug, made.pk])).status_code == 404
