"""The review packet leads with the conclusion: page one is the summary, read back from the PDF;
quotes only from the period, dates for people, no near-empty last page; the mail says the
outcome in one line."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import CustomerFeedback, FinancialPeriod
from reviews import summary, workflow
from reviews.models import ReviewPacket
from tests.accounts.conftest import make_account

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
Q2 = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)


def pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded (pdftotext ends every page with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True)
    return [" ".join(page.split()) for page in out.stdout.decode().split("\f")[:-1]]


def finalised(org, name: str, period: tuple, verdict: str, rating: int, capture):
    cycle = workflow.open_cycle(org.tenant, org.leader.user, name, *period)
    review = cycle.reviews.get(kam=org.kam)
    workflow.submit_self_assessment(review, org.kam.user, "My quarter.", {})
    with capture(execute=True):
        workflow.finalise(review, org.supervisor.user, verdict, {"leadership": (rating, "")})
    review.refresh_from_db()
    return review


@pytest.fixture
def packet(org_a, django_capture_on_commit_callbacks) -> ReviewPacket:
    account = make_account(org_a, "Initech")
    said = {"tenant": org_a.tenant, "account": account, "source": "survey", "nps": 9}
    CustomerFeedback.objects.create(**said, date=START + datetime.timedelta(days=11),
                                    comment="They fixed our forecasting.")  # fmt: skip
    CustomerFeedback.objects.create(**said, date=END + datetime.timedelta(days=20),
                                    comment="Said after the quarter.")  # fmt: skip
    money = {"tenant": org_a.tenant, "account": account, "cost": Decimal(60000)}
    FinancialPeriod.objects.create(**money, period_start=START, revenue=Decimal(150000))
    FinancialPeriod.objects.create(**money, period_start=Q2[0], revenue=Decimal(100000))
    finalised(org_a, "Q2 2026", Q2, "A slow start.", 1, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    review = finalised(org_a, "Q3 2026", (START, END), "Clear progress with Initech.", 5,
                       django_capture_on_commit_callbacks)  # fmt: skip
    return ReviewPacket.objects.get(review=review)


def test_page_one_is_the_summary(packet):
    review, card = packet.review, packet.review.scorecard
    text = pages(bytes(packet.pdf))
    assert len(text) == packet.pages >= 2
    first = text[0]
    outcome = summary.summarise(review, card)
    assert outcome.change is not None and outcome.change > 0
    assert f"{review.overall}/100" in first.replace(" ", "") and outcome.band in first
    assert f"+{outcome.change} since Q2 2026" in first
    assert f"team average this cycle {outcome.team_average}" in first
    assert "Reviewer's verdict Clear progress with Initech." in first
    assert "Top red flags" in first and "Scorecard" not in first
    # revenue and margin of the quarter against the one before, in money
    assert "Revenue 150,000 EUR 100,000 EUR +50%" in first
    assert "Margin 90,000 EUR 40,000 EUR +125%" in first
    assert "Scorecard" in text[1]


def test_quotes_from_the_period_with_their_source_and_dates_for_people(packet):
    whole = " ".join(pages(bytes(packet.pdf)))
    assert "They fixed our forecasting." in whole and "12 Jul 2026" in whole
    assert "Said after the quarter." not in whole
    assert "1 answer given after the period" in whole
    assert "the customer’s answer" in whole
    assert not re.search(r"\d{4}-\d{2}-\d{2}", whole)  # no ISO dates
    assert "1 Jul 2026 – 30 Sep 2026" in whole


def test_the_last_page_has_real_content(packet):
    last = pages(bytes(packet.pdf))[-1]
    body = re.sub(r"Page \d+ of \d+", "", last).strip()
    assert len(body) > 200, body


def test_the_mail_gives_the_outcome_and_attaches_the_pdf(packet):
    review = packet.review
    (message,) = [m for m in mail.outbox if m.subject.startswith("Review packet:")]
    outcome = summary.summarise(review, review.scorecard).outcome
    assert re.fullmatch(r"Overall \d+, [A-Z][a-z ]+ expectations, \+\d+ since Q2 2026", outcome)
    assert message.body.splitlines()[0] == f"{outcome}."
    assert outcome in message.subject
    assert "sha256" not in message.body and packet.checksum[:12] not in message.body
    ((_, pdf, kind),) = message.attachments
    assert kind == "application/pdf" and pdf == bytes(packet.pdf)


@pytest.mark.parametrize(
    "score, label",
    [(None, "Not scored"), (30, "Below expectations"), (45, "Partly meets expectations"),
     (72, "Meets expectations"), (85, "Exceeds expectations")],
)  # fmt: skip
def test_bands(score, label):
    assert summary.band(score) == label
