"""What the dashboards keep: the monthly State of key accounts PDF."""

from django.db import models
from django.utils import timezone

from kamapp.models import TenantModel


class StateReport(TenantModel):
    """The leadership dashboard as a PDF, one per tenant and month: the row is the claim, so
    a second run (or a second worker) makes no second report and sends no second mail."""

    month = models.DateField()  # the first day of the month it was made in
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="one_state_report_a_month")
        ]

    def __str__(self) -> str:
        return f"State of key accounts, {self.month:%B %Y}"
