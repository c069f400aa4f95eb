"""State of key accounts: on the first working day of each month, the leadership dashboard as
a PDF (the executive summary first, then the charts, the top risks and the teams), kept for
download and mailed to leadership once. The month's `StateReport` row is the claim."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dashboards import leadership
from dashboards.models import StateReport
from kamapp import pdf
from kamapp.downloads import safe_filename
from kamapp.models import Membership
from reviews.notify import leaders

PERIOD = "30"  # a monthly report compares with a month ago
KEPT_ON_PAGE = 12  # the reports the leadership dashboard lists: a year's worth
CATCH_UP = datetime.timedelta(days=7)


def first_working_day(day: datetime.date) -> datetime.date:
    """The month's first Monday to Friday (public holidays are not known to kamapp)."""
    first = day.replace(day=1)
    while first.weekday() > 4:  # Saturday, Sunday
        first += datetime.timedelta(days=1)
    return first


def is_due(day: datetime.date) -> bool:
    """From the month's first working day, and for a week after it: a day the beat missed
    (the scheduler down) is made up the next day. The month's row keeps it to one report."""
    first = first_working_day(day)
    return first <= day < first + CATCH_UP


def make(viewer: Membership, today: datetime.date) -> tuple[StateReport, bool]:
    """This month's report for the viewer's tenant, made and mailed now, or the one made
    already (False)."""
    tenant = viewer.tenant
    month = today.replace(day=1)
    title = StateReport(month=month)
    context = {
        **leadership.dashboard(viewer, PERIOD),
        "tenant": tenant,
        "made_at": timezone.now(),
        "link": settings.SITE_URL.rstrip("/") + reverse("leadership", args=[tenant.slug]),
    }
    return pdf.issue(
        StateReport,
        {"tenant": tenant, "month": month},
        context,
        template="dashboards/report.html",
        recipients=[member.user.email for member in leaders(tenant)],
        subject=f"{title} · {tenant.name}",
        body="dashboards/email/state_report.txt",
        filename=filename(title),
    )


def kept(tenant) -> list[StateReport]:
    """The newest reports, without their bytes."""
    return list(StateReport.objects.for_tenant(tenant).defer("pdf")[:KEPT_ON_PAGE])


def filename(report: StateReport) -> str:
    return safe_filename("state-of-key-accounts", f"{report.month:%Y-%m}", extension="pdf")
