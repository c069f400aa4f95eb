import datetime

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from kamapp.members import team
from kamapp.models import Membership, Role
from kamapp.querysets import TenantQuerySet


class KeyAccountQuerySet(TenantQuerySet):
    def active(self) -> "KeyAccountQuerySet":
        return self.exclude(status="archived")

    def visible_to(self, membership: Membership) -> "KeyAccountQuerySet":
        """Admins and leaders see every account; a supervisor the accounts owned by or
        staffed with people below them; a KAM the accounts they own or are on the team of."""
        accounts = self.for_tenant(membership.tenant)
        if membership.role in {Role.ADMIN, Role.LEADER}:
            return accounts
        people = [membership.pk]
        if membership.role == Role.SUPERVISOR:
            people += list(team(membership).values_list("pk", flat=True))
        return accounts.filter(
            Q(owner_id__in=people) | Q(team_links__membership_id__in=people)
        ).distinct()


SEVERITY_RANK = Case(
    When(severity="high", then=Value(0)),
    When(severity="medium", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class RiskAlertQuerySet(TenantQuerySet):
    def by_severity(self, *then: str) -> "RiskAlertQuerySet":
        """Most serious first: by the severity's rank, not its label (High, Low, Medium), then
        by `then` (the account's name unless given)."""
        return self.alias(severity_rank=SEVERITY_RANK).order_by(
            "severity_rank", *(then or ("account__name", "pk"))
        )

    def visible_to(self, membership: Membership) -> "RiskAlertQuerySet":
        """The alerts on the accounts the member sees."""
        if membership.role in {Role.ADMIN, Role.LEADER}:  # every account: no semi-join
            return self.for_tenant(membership.tenant)
        accounts = self.model._meta.get_field("account").related_model.objects
        return self.for_tenant(membership.tenant).filter(
            account__in=accounts.visible_to(membership).values("pk")
        )


class SurveyRequestQuerySet(TenantQuerySet):
    def open(self) -> "SurveyRequestQuerySet":
        """Not yet answered or withdrawn (one per contact at most)."""
        return self.filter(answered_at=None, revoked_at=None)

    def due_reminder(self) -> "SurveyRequestQuerySet":
        """Open, mailed at least a week ago (`REMIND_AFTER`), unexpired and not yet reminded."""
        now = timezone.now()
        return self.open().filter(
            sent_at__lte=now - self.model.REMIND_AFTER,
            sent_at__gt=now - datetime.timedelta(seconds=settings.SURVEY_MAX_AGE),
            reminded_at=None,
        )
