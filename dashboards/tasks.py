"""Celery tasks of the dashboards: the monthly State of key accounts."""

import datetime

from celery import shared_task
from django.utils import timezone

from dashboards import report
from kamapp.models import Tenant
from kamapp.rls import tenant_context
from kamapp.tasks import RETRY
from reviews.notify import leaders


@shared_task
def send_state_reports() -> int:
    """Beat, daily: on the first working day of the month (or a few days later, if that run
    was missed), one report per tenant; a tenant that has this month's report skips it."""
    today = timezone.localdate()
    if not report.is_due(today):
        return 0
    tenants = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenants:
        send_state_report.delay(tenant_id, today.isoformat())
    return len(tenants)


@shared_task(**RETRY)
def send_state_report(tenant_id: int, day: str) -> bool:
    """The tenant's report for the month of `day`, unless it has one (or nobody to read it)."""
    with tenant_context(tenant_id):
        tenant = Tenant.objects.filter(pk=tenant_id).first()
        readers = leaders(tenant) if tenant else []
        if not readers:
            return False
        return report.make(readers[0], datetime.date.fromisoformat(day))[1]
