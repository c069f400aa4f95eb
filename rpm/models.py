"""The Relationship Process Matrix: where each account stands (relationship stage × process
maturity), how it got there, and where it should go."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import AccountChild, KeyAccount
from kamapp.models import Membership, User
from kamapp.querysets import TenantQuerySet

# Each account's cell from its latest assessment, beside the account (`KeyAccount.rpm_*`):
# the matrix counts and lists from these instead of reading every account's history.
PLACE = """
UPDATE accounts_keyaccount k
SET rpm_stage = h.stage, rpm_maturity = h.maturity, rpm_assessed_on = h.assessed_on,
    rpm_suggested = h.suggested_maturity,
    rpm_trend = CASE
        WHEN h.stage < h.stage1 OR h.maturity < h.maturity1 THEN 'down'
        WHEN (h.stage, h.maturity) = (h.stage1, h.maturity1)
            AND (h.stage, h.maturity) = (h.stage2, h.maturity2) THEN 'still'
        ELSE '' END,
    rpm_quarter_stage = q.stage, rpm_quarter_maturity = q.maturity
FROM accounts_keyaccount a LEFT JOIN LATERAL (
    SELECT stage, maturity, assessed_on, suggested_maturity,
        lead(stage) OVER w AS stage1, lead(maturity) OVER w AS maturity1,
        lead(stage, 2) OVER w AS stage2, lead(maturity, 2) OVER w AS maturity2
    FROM rpm_assessment
    WHERE tenant_id = a.tenant_id AND account_id = a.id
    WINDOW w AS (ORDER BY assessed_on DESC, id DESC)
    ORDER BY assessed_on DESC, id DESC
    LIMIT 1
) h ON true LEFT JOIN LATERAL (
    SELECT stage, maturity FROM rpm_assessment
    WHERE tenant_id = a.tenant_id AND account_id = a.id
        AND assessed_on < date_trunc('quarter', h.assessed_on)
    ORDER BY assessed_on DESC, id DESC
    LIMIT 1
) q ON true
WHERE k.id = a.id AND a.tenant_id = %s AND (%s::bigint[] IS NULL OR a.id = ANY(%s::bigint[]))
"""


def place(tenant_id: int, account_ids: list[int] | None = None) -> None:
    """Write the accounts' (all the tenant's when None) current cell from their assessments."""
    with connection.cursor() as cursor:
        cursor.execute(PLACE, [tenant_id, account_ids, account_ids])


class AssessmentQuerySet(TenantQuerySet):
    def bulk_create(self, objs, *args, **kwargs) -> list:
        with transaction.atomic():
            made = super().bulk_create(objs, *args, **kwargs)
            for tenant_id in {a.tenant_id for a in made}:
                place(tenant_id, list({a.account_id for a in made if a.tenant_id == tenant_id}))
        return made


class Assessment(AccountChild):
    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(default=timezone.localdate)
    assessor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    maturity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    evidence = models.JSONField(default=list, blank=True)  # keys of rpm.matrix.STATEMENTS
    notes = models.TextField(blank=True)
    suggested_maturity = models.PositiveSmallIntegerField(null=True, blank=True)
    no_fly_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.account}: stage {self.stage}, maturity {self.maturity}"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            place(self.tenant_id, [self.account_id])

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            place(self.tenant_id, [self.account_id])
        return deleted


class Target(AccountChild):
    """The cell an account should reach; Trusted Partner × Dynamic unless set otherwise."""

    account = models.OneToOneField(KeyAccount, on_delete=models.CASCADE, related_name="rpm_target")
    stage = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    maturity = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    target_date = models.DateField(null=True, blank=True)
