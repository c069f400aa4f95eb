"""State of key accounts: on the first working day of each month, the leadership dashboard as
a PDF (the executive summary first, then the charts, the top risks and the teams), kept for
download and mailed to leadership once. The month's `StateReport` row is the claim."""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dashboards import leadership
from dashboards.models import StateReport
from kamapp import outbox
from kamapp.downloads import safe_filename
from kamapp.models import Membership
from kamapp.pdf import render
from reviews.notify import leaders

PERIOD = "30"  # a monthly report compares with a month ago
KEPT_ON_PAGE = 12  # the reports the leadership dashboard lists: a year's worth


def first_working_day(day: datetime.date) -> datetime.date:
    """The month's first Monday to Friday (public holidays are not known to kamapp)."""
    first = day.replace(day=1)
    while first.weekday() > 4:  # Saturday, Sunday
        first += datetime.timedelta(days=1)
    return first


def is_due(day: datetime.date) -> bool:
    return day == first_working_day(day)


def make(viewer: Membership, today: datetime.date) -> tuple[StateReport, bool]:
    """This month's report for the viewer's tenant, made and mailed now, or the one made
    already (False). A second caller waits on the row's unique key and then finds it."""
    tenant = viewer.tenant
    with transaction.atomic():
        report, created = StateReport.objects.get_or_create(
            tenant=tenant, month=today.replace(day=1), defaults={"pdf": b"", "pages": 0}
        )
        if not created:
            return report, False
        context = {
            **leadership.dashboard(viewer, PERIOD),
            "tenant": tenant,
            "report": report,
            "made_at": timezone.now(),
        }
        report.pdf, report.pages = render("dashboards/report.html", context)
        report.recipients = [member.user.email for member in leaders(tenant)]
        report.save(update_fields=["pdf", "pages", "recipients"])
        link = settings.SITE_URL.rstrip("/") + reverse("leadership", args=[tenant.slug])
        outbox.queue(
            tenant.pk,
            f"state-report:{report.month:%Y-%m}",
            report.recipients,
            f"{report} · {tenant.name}",
            render_to_string("dashboards/email/state_report.txt", {**context, "link": link}),
            attachment=(filename(report), bytes(report.pdf), "application/pdf"),
        )
    return report, True


def kept(tenant) -> list[StateReport]:
    """The newest reports, without their bytes."""
    return list(StateReport.objects.for_tenant(tenant).defer("pdf")[:KEPT_ON_PAGE])


def filename(report: StateReport) -> str:
    return safe_filename("state-of-key-accounts", f"{report.month:%Y-%m}", extension="pdf")
