"""Key accounts and their dynamic account plans."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.querysets import (
    KeyAccountQuerySet,
    RiskAlertQuerySet,
    SurveyRequestQuerySet,
)
from kamapp.fields import PlainJSONField
from kamapp.models import Membership, SignedLink, TenantModel, User
from kamapp.search import document_field


class AccountChild(TenantModel):
    """A row that belongs to one account; its audit events are found in the account history."""

    class Meta:
        abstract = True

    @property
    def audit_scope(self) -> dict:
        return {"account": self.account_id}


class Tier(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    KEY = "key", "Key"
    DEVELOPMENT = "development", "Development"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    AT_RISK = "at_risk", "At risk"
    ARCHIVED = "archived", "Archived"


# The RPM matrix's diagnostics read from the stored cell (`rpm.matrix`): each finds its accounts
# through a partial index of its own, so naming the first few by name reads only those.
RPM_DIAGNOSES = {
    "down": models.Q(rpm_trend="down"),
    "still": models.Q(rpm_trend="still"),
    "disagree": models.Q(rpm_suggested__lt=models.F("rpm_maturity"))
    | models.Q(rpm_suggested__gt=models.F("rpm_maturity")),
}


class KeyAccount(TenantModel):
    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.KEY)
    status = models.CharField(
        max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="owned_accounts")
    team = models.ManyToManyField(
        Membership, through="AccountTeamMember", related_name="team_accounts", blank=True
    )
    contract_value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    currency = models.CharField(max_length=3, default="EUR")
    renewal_date = models.DateField(null=True, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    search_document = document_field("name", ["industry"])  # what search finds it by
    # The latest health snapshot's verdict, written with it by the health run (one statement,
    # `recalculation.write_snapshots`): lists read and sort these instead of a subquery.
    health_score = models.PositiveSmallIntegerField(null=True, editable=False)
    # database defaults too: accounts inserted with raw SQL (the benches) start unscored
    health_band = models.CharField(
        max_length=10, blank=True, default="", db_default="", editable=False
    )
    # 0 at risk, 1 watch, 2 otherwise: the portfolio's first sort key, indexed
    health_urgency = models.PositiveSmallIntegerField(default=2, db_default=2, editable=False)
    scored_at = models.DateTimeField(null=True, editable=False)
    # share of Our KAM Process followed when last scored (lists show it without recomputing)
    process_percent = models.PositiveSmallIntegerField(null=True, editable=False)
    # The latest RPM assessment's cell, the maturity the data suggested then, and how the
    # cell moved ("down" from the one before, "still" over the last three, or ""): written
    # with the assessment (`rpm.models.Assessment`), read by the matrix instead of a history.
    rpm_stage = models.PositiveSmallIntegerField(null=True, editable=False)
    rpm_maturity = models.PositiveSmallIntegerField(null=True, editable=False)
    rpm_assessed_on = models.DateField(null=True, editable=False)
    rpm_suggested = models.PositiveSmallIntegerField(null=True, editable=False)
    rpm_trend = models.CharField(
        max_length=5, blank=True, default="", db_default="", editable=False
    )
    # The cell before the quarter of the latest assessment (the last assessment before that
    # quarter began): the dashboards' "moved a level this quarter" without a history probe.
    rpm_quarter_stage = models.PositiveSmallIntegerField(null=True, editable=False)
    rpm_quarter_maturity = models.PositiveSmallIntegerField(null=True, editable=False)
    # The last meaningful interaction's date, written with every interaction saved or deleted
    # (`touch_last_contact`): lists show it and sort by it without reading the interactions.
    last_contact = models.DateField(null=True, editable=False)

    objects = KeyAccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="keyaccount_unique_name"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "owner"]),
            models.Index(
                fields=["tenant", "health_urgency", "renewal_date"],
                condition=~models.Q(status="archived"),
                name="keyaccount_urgency",
            ),
            # the leadership dashboard's top risks: the accounts with the most money first
            models.Index(fields=["tenant", "-contract_value"], name="keyaccount_value"),
            # search (`accounts.search`): a text match reads it under RLS (`kamapp.devservices`)
            GinIndex(fields=["search_document"], name="keyaccount_search"),
            # the list sorted by last contact
            models.Index(
                fields=["tenant", "last_contact", "name"],
                condition=~models.Q(status="archived"),
                name="keyaccount_last_contact",
            ),
            # the RPM matrix's census and its diagnostics' counts, read from this index alone
            models.Index(
                fields=[
                    *("tenant", "rpm_stage", "rpm_maturity", "health_band"),
                    *("rpm_trend", "rpm_suggested", "rpm_assessed_on"),
                ],
                condition=~models.Q(status="archived"),
                name="keyaccount_rpm_cells",
            ),
            # the dashboards' RPM indicators per owner, read from this index alone
            models.Index(
                fields=["tenant", "owner", "rpm_assessed_on"],
                include=[
                    *("tier", "rpm_stage", "rpm_maturity"),
                    *("rpm_quarter_stage", "rpm_quarter_maturity"),
                ],
                condition=~models.Q(status="archived"),
                name="keyaccount_owner_cells",
            ),
            *(
                models.Index(
                    fields=["tenant", "name"],
                    condition=found & ~models.Q(status="archived"),
                    name=f"keyaccount_rpm_{kind}",
                )
                for kind, found in RPM_DIAGNOSES.items()
            ),
        ]

    # Written only by the health run, beside the snapshots (`accounts.recalculation`).
    HEALTH_FIELDS = frozenset(
        {"health_score", "health_band", "health_urgency", "scored_at", "process_percent"}
    )
    # Written only with an RPM assessment.
    RPM_FIELDS = frozenset(
        {"rpm_stage", "rpm_maturity", "rpm_assessed_on", "rpm_suggested", "rpm_trend"}
        | {"rpm_quarter_stage", "rpm_quarter_maturity"}
    )

    # Written only with an interaction.
    CONTACT_FIELDS = frozenset({"last_contact"})

    def save(self, *args, **kwargs) -> None:
        """An edit saves every column but the current health, RPM cell and last contact: a
        form saved while the health run (or an assessment, an interaction) writes must not put
        the previous values back."""
        kept = self.HEALTH_FIELDS | self.RPM_FIELDS | self.CONTACT_FIELDS
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in kept
            ]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope(self) -> dict:
        return {"account": self.pk}

    @property
    def is_archived(self) -> bool:
        return self.status == AccountStatus.ARCHIVED


class AccountTeamMember(AccountChild):
    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="team_links")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "membership"], name="team_member_unique"
            ),
        ]


class AccountHandover(AccountChild):
    """The account changed owner on `date`: reviews count a taken-over account only from
    its handover, and the owner on any past day is read back from these rows."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="handovers")
    from_owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["tenant", "account", "date"])]


class AccountPlan(AccountChild):
    """The living plan; every save writes a PlanRevision (the *dynamic* process)."""

    account = models.OneToOneField(KeyAccount, on_delete=models.CASCADE, related_name="plan")
    summary = models.TextField(blank=True)
    strategy = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan for {self.account}"


class PlanRevision(TenantModel):
    class Kind(models.TextChoices):
        EDIT = "edit", "Edited"
        REVIEW = "review", "Reviewed"

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    summary = models.TextField(blank=True)
    strategy = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "plan", "number"], name="revision_unique"),
        ]

    @property
    def audit_scope(self) -> dict:
        return self.plan.audit_scope


class Contact(AccountChild):
    class BuyingRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", "Decision maker"
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        INFLUENCER = "influencer", "Influencer"
        CHAMPION = "champion", "Champion"
        USER = "user", "User"
        BLOCKER = "blocker", "Blocker"

    # The roles a healthy relationship reaches, most important first.
    KEY_ROLES = (BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER, BuyingRole.CHAMPION)

    class Influence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    department = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    buying_role = models.CharField(max_length=20, choices=BuyingRole.choices, blank=True)
    influence = models.CharField(max_length=10, choices=Influence.choices, default=Influence.MEDIUM)
    relationship_strength = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    notes = models.TextField(blank=True)
    left_on = models.DateField(
        null=True,
        blank=True,
        verbose_name="Left the company on",
        help_text="When they left: a key role lost is a risk until someone replaces them.",
    )
    search_document = document_field("name", ["title", "email"])

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["search_document"], name="contact_search")]

    def __str__(self) -> str:
        return self.name


class Origin(models.TextChoices):
    """Where a fact comes from: what the customer said outranks what we typed."""

    CUSTOMER = "customer", "the customer"
    SYSTEM = "system", "derived from records"
    KAM = "kam", "logged by the KAM"
    SUPERVISOR = "supervisor", "noted by a supervisor"


class Objective(AccountChild):
    """A goal of the customer's own, with KPIs that say whether they reach it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer_owner = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # the day the KAM marked the goal achieved (what the KAM typed: `Origin.KAM`)
    achieved_on = models.DateField(null=True, blank=True, verbose_name="Achieved on")
    created_at = models.DateTimeField(auto_now_add=True)
    search_document = document_field("title", ["description"])

    class Meta:
        ordering = ["target_date", "title"]
        indexes = [GinIndex(fields=["search_document"], name="objective_search")]

    def __str__(self) -> str:
        return self.title


class KPI(TenantModel):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=150)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    target = models.DecimalField(max_digits=16, decimal_places=4)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    cadence_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        verbose_name="Measure every (days)",
    )

    class Meta:
        ordering = ["name"]

    @property
    def audit_scope(self) -> dict:
        return {"account": self.objective.account_id}

    def __str__(self) -> str:
        return self.name


class KPIMeasurement(TenantModel):
    class Source(models.TextChoices):
        KAM = "kam", "KAM-entered"
        CUSTOMER = "customer", "Customer"

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.KAM)

    class Meta:
        ordering = ["date", "id"]
        # newest first, ties by id: "latest value on a date" is one index probe
        indexes = [models.Index(fields=["tenant", "kpi", "-date", "-id"])]

    @property
    def audit_scope(self) -> dict:
        return self.kpi.audit_scope


class Action(AccountChild):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actual_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    done_date = models.DateField(null=True, blank=True)
    shared = models.BooleanField(
        default=False, help_text="Shown to the customer on the plan shared with them."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # the open actions by due date: overdue counts and flags, and a member's week
            models.Index(
                fields=["tenant", "due_date"],
                condition=models.Q(status__in=["planned", "in_progress"]),
                name="action_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Interaction(AccountChild):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call"
        EMAIL = "email", "Email"
        QBR = "qbr", "QBR"
        WORKSHOP = "workshop", "Workshop"
        SITE_VISIT = "site_visit", "Site visit"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="interactions")
    date = models.DateField(default=timezone.localdate)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEETING)
    contacts = models.ManyToManyField(
        Contact, through="InteractionContact", related_name="interactions", blank=True
    )
    summary = models.TextField()
    meaningful = models.BooleanField(
        default=False, help_text="Strategic conversation, not routine contact."
    )
    logged_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A QBR's own: what it covers and who of ours was there (`accounts.qbr`).
    agenda = models.TextField(blank=True)
    team_attendees = models.ManyToManyField(
        Membership, through="InteractionAttendee", related_name="+", blank=True
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["tenant", "account", "date"]),
            # the process's "QBR this quarter" check finds the few QBRs among every meeting
            models.Index(
                fields=["tenant", "account", "date"],
                condition=models.Q(kind="qbr"),
                name="interaction_qbr",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%-d %b %Y}"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            touch_last_contact(self.tenant_id, [self.account_id])

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            touch_last_contact(self.tenant_id, [self.account_id])
        return deleted

    @property
    def is_qbr(self) -> bool:
        return self.kind == self.Kind.QBR


TOUCH_LAST_CONTACT = """
UPDATE accounts_keyaccount k
SET last_contact = (
    SELECT max(i.date) FROM accounts_interaction i
    WHERE i.tenant_id = k.tenant_id AND i.account_id = k.id AND i.meaningful
)
WHERE k.tenant_id = %s AND (%s::bigint[] IS NULL OR k.id = ANY(%s::bigint[]))
"""


def touch_last_contact(tenant_id: int, account_ids: list[int] | None = None) -> None:
    """Write the accounts' (all the tenant's when None) last meaningful contact."""
    with connection.cursor() as cursor:
        cursor.execute(TOUCH_LAST_CONTACT, [tenant_id, account_ids, account_ids])


class InteractionContact(TenantModel):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "interaction", "contact"], name="interaction_contact_unique"
            ),
        ]


class InteractionAttendee(TenantModel):
    """One of our people at an interaction (the customer's people are InteractionContact)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "interaction", "membership"], name="interaction_attendee_unique"
            ),
        ]


class FinancialPeriod(AccountChild):
    class Kind(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="financials")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.QUARTER)
    period_start = models.DateField()
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    discounts = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    absorbed_costs = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    renewal_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    upsell_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    cross_sell_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))

    AMOUNTS = (
        "revenue",
        "cost",
        "discounts",
        "absorbed_costs",
        "renewal_amount",
        "upsell_amount",
        "cross_sell_amount",
    )

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "kind", "period_start"], name="financial_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} starting {self.period_start:%-d %b %Y}"


class Renewal(AccountChild):
    """A contract up for renewal on `due_on` and how it ended, as the KAM records it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Undecided"
        RENEWED = "renewed", "Renewed"
        LOST = "lost", "Lost"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="renewals")
    due_on = models.DateField(verbose_name="Due on")
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        verbose_name="Contract value up for renewal",
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True, verbose_name="Decided on")
    new_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name="New contract value",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "due_on"])]

    def __str__(self) -> str:
        return f"Renewal due {self.due_on:%-d %b %Y}"


class CustomerFeedback(AccountChild):
    class Source(models.TextChoices):
        SURVEY = "survey", "Survey"
        MEETING = "meeting", "Meeting"
        SUPERVISOR_CALL = "supervisor_call", "Supervisor call"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="feedback")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    date = models.DateField(default=timezone.localdate)
    nps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], verbose_name="NPS (0–10)"
    )
    csat = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        verbose_name="CSAT (1–5)",
    )
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MEETING)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # the customer's view of their KAM (asked for a review): "how much value do you get from
    # working with them?", 1–5
    kam = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kam_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # A survey sent after a QBR also asks how useful the meeting was (`accounts.qbr`).
    qbr = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    qbr_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        verbose_name="How useful the QBR was (1–5)",
    )

    # Only a survey answer is the customer's own voice; the rest is someone's account of it.
    ORIGINS = {
        Source.SURVEY: Origin.CUSTOMER,
        Source.MEETING: Origin.KAM,
        Source.SUPERVISOR_CALL: Origin.SUPERVISOR,
    }

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nps__isnull=False)
                | models.Q(csat__isnull=False)
                | models.Q(kam_value__isnull=False),
                name="feedback_has_a_score",
            ),
        ]

    @property
    def origin(self) -> str:
        return self.ORIGINS[self.source]

    @property
    def origin_label(self) -> str:
        return Origin(self.origin).label


class SurveyRequest(SignedLink, AccountChild):
    """A feedback survey mailed to a customer contact: a signed, expiring link they open
    without an account (`/s/<token>/`); their answer becomes a CustomerFeedback entry."""

    SALT = "kamapp.survey"
    REMIND_AFTER = datetime.timedelta(days=7)

    objects = SurveyRequestQuerySet.as_manager()

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminded"
        ANSWERED = "answered", "Answered"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Withdrawn"

    account = models.ForeignKey(
        KeyAccount, on_delete=models.CASCADE, related_name="survey_requests"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="surveys")
    email = models.EmailField()  # where it went, even if the contact's address changes
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # asked for a review: the survey also asks about this KAM
    about_kam = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    feedback = models.OneToOneField(
        CustomerFeedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    qbr = models.ForeignKey(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rating_requests",
        help_text="The QBR the customer is asked to rate, besides the usual questions.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "contact"],
                condition=models.Q(answered_at__isnull=True, revoked_at__isnull=True),
                name="survey_one_open_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey for {self.email}"

    @property
    def expires_at(self) -> datetime.datetime | None:
        last_mailed = self.reminded_at or self.sent_at
        return (
            last_mailed + datetime.timedelta(seconds=settings.SURVEY_MAX_AGE)
            if last_mailed
            else None
        )

    @property
    def status(self) -> str:
        if self.answered_at:
            return self.Status.ANSWERED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.sent_at is None:
            return self.Status.PENDING
        if self.expires_at < timezone.now():
            return self.Status.EXPIRED
        return self.Status.REMINDED if self.reminded_at else self.Status.SENT

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.SENT, self.Status.REMINDED}


class HealthSnapshot(AccountChild):
    """One recalculation's verdict on an account, with every component's inputs kept so the
    page can answer "why this score"."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="health")
    computed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # None: no data at all
    band = models.CharField(max_length=10, blank=True)
    components = PlainJSONField(default=dict)
    model_version = models.PositiveIntegerField(default=1)
    # The best score of each of the last 30 days up to this one, this day first (None: no
    # score that day): the next run reads one row per account to know the 30-day best.
    daily_best = ArrayField(models.PositiveSmallIntegerField(null=True), default=list)
    # How far the account follows Our KAM Process that day, % (None: no item applies), kept
    # here so the per-KAM rollup sums it like the rest
    process_conformance = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "-computed_at", "-id"])]


class RiskAlert(AccountChild):
    class Severity(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        SNOOZED = "snoozed", "Snoozed"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed as not useful"

    class Dismissal(models.TextChoices):
        WRONG = "wrong", "Wrong: the account is fine"
        HANDLED = "handled", "Already handled"
        NOT_IMPORTANT = "not_important", "Not important"

    LIVE = [Status.OPEN, Status.ACKNOWLEDGED, Status.SNOOZED]
    # A dismissed alert keeps its rule quiet on the account this long.
    DISMISSAL_DAYS = 90

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    message = models.CharField(max_length=300)
    action = models.CharField(max_length=300, help_text="What clears this alert.")
    search_document = document_field("message", ["action"])
    details = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # the rule's track record: someone acted on it, the condition cleared, or not useful
    acted_at = models.DateTimeField(null=True, blank=True)
    # database defaults too: the health run inserts alerts with raw SQL
    cleared = models.BooleanField(default=False, db_default=False)
    dismissal = models.CharField(
        max_length=14, choices=Dismissal.choices, blank=True, default="", db_default=""
    )

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "rule"],
                condition=models.Q(status__in=["open", "acknowledged", "snoozed"]),
                name="one_live_alert_per_account_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "severity"]),
            # the inbox's default order, read a page at a time instead of sorting every alert
            models.Index(
                fields=["tenant", "due_date", "-opened_at"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="riskalert_inbox",
            ),
            GinIndex(fields=["search_document"], name="riskalert_search"),
        ]

    def __str__(self) -> str:
        return self.message


class AlertDigest(TenantModel):
    """A supervisor's daily digest, claimed before it is sent so a re-run sends nothing twice."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    alert_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "day"], name="one_digest_a_day"
            ),
        ]


class ProcessStage(TenantModel):
    """A stage of the tenant's KAM process (by default Know, Act, Measure)."""

    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="process_stage_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessItem(TenantModel):
    """One checklist item of a stage: checked from the account's data, or confirmed by the
    KAM with a note and a date (`accounts.process.checks` holds the data checks)."""

    class Rule(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed by the KAM"
        GOALS = "goals", "Customer goals recorded with KPIs"
        BUYERS_MET = "buyers_met", "Economic buyer and decision maker met in the last 90 days"
        ACTIONS_OWNED = "actions_owned", "Every open action has an owner and a due date"
        KPIS_MEASURED = "kpis_measured", "Each KPI measured within its cadence"
        QBR = "qbr", "A QBR held this quarter"
        PLAN_REVIEWED = "plan_reviewed", "Plan reviewed within its cadence"
        FEEDBACK = "feedback", "Customer feedback within the last 6 months"

    stage = models.ForeignKey(ProcessStage, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(max_length=200)
    rule = models.CharField(max_length=20, choices=Rule.choices)
    next_step = models.CharField(
        max_length=300, blank=True, help_text="What the KAM should do while it is missing."
    )
    tiers = ArrayField(
        models.CharField(max_length=20, choices=Tier.choices),
        default=list,
        blank=True,
        help_text="Empty: every tier.",
    )
    confirm_every_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="For KAM-confirmed items: a confirmation counts for this many days.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def applies_to(self, tier: str) -> bool:
        return not self.tiers or tier in self.tiers


class ProcessConfirmation(AccountChild):
    """The KAM's word that a KAM-confirmed process item is done for an account."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.CASCADE, related_name="process_confirmations"
    )
    item = models.ForeignKey(ProcessItem, on_delete=models.CASCADE, related_name="confirmations")
    confirmed_on = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=300)
    confirmed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "item", "-confirmed_on"])]

    def __str__(self) -> str:
        return f"{self.item} ({self.confirmed_on})"


class SharedPlan(SignedLink, AccountChild):
    """The account plan shared with one customer contact: a signed link (`/p/<token>/`),
    opened without an account, that expires on `expires_on` and can be revoked."""

    SALT = "kamapp.shared-plan"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="shared_plans")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="shared_plans")
    email = models.EmailField()
    shared_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Plan shared with {self.email}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()


class SharedPlanVisit(TenantModel):
    """One opening of a shared plan: who (the link's contact), when, from where."""

    shared_plan = models.ForeignKey(SharedPlan, on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class GoalResponse(AccountChild):
    """A customer's answer on a goal of the shared plan: confirmed, or a comment."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="goal_responses")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="responses")
    shared_plan = models.ForeignKey(
        SharedPlan, null=True, on_delete=models.SET_NULL, related_name="responses"
    )
    contact = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="goal_responses"
    )
    confirmed = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class KamDay(TenantModel):
    """One KAM's portfolio on one day, per tier: the health run's numbers summed, so the team
    and leadership dashboards read a row per KAM instead of every account
    (`accounts.rollups` writes them). Sums and counts, never means, so tiers and teams add up."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    day = models.DateField()
    accounts = models.PositiveIntegerField(default=0)
    contract_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    scored = models.PositiveIntegerField(default=0)  # accounts with a health score
    health_sum = models.PositiveIntegerField(default=0)
    healthy = models.PositiveIntegerField(default=0)
    watch = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    high_alerts = models.PositiveIntegerField(default=0)  # live high-severity alerts
    meaningful_90 = models.PositiveIntegerField(default=0)  # meaningful contacts, last 90 days
    plans_on_cadence = models.PositiveIntegerField(default=0)
    actions_done = models.PositiveIntegerField(default=0)
    actions_on_time = models.PositiveIntegerField(default=0)
    kpi_accounts = models.PositiveIntegerField(default=0)  # accounts with measured KPIs
    kpi_attainment = models.FloatField(default=0)  # summed over those accounts (0–1 each)
    key_roles = models.PositiveIntegerField(default=0)  # key roles engaged, summed
    process_count = models.PositiveIntegerField(default=0)  # accounts the process applies to
    process_sum = models.PositiveIntegerField(default=0)  # their conformance %, summed
    nps_count = models.PositiveIntegerField(default=0)  # accounts with a customer's own NPS
    nps_sum = models.IntegerField(default=0)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    revenue_before = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    margin = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    margin_before = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    # contract value renewing in the next 180 days, by health band
    renewing_healthy = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    renewing_watch = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    renewing_at_risk = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    renewing_unscored = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "tier", "day"], name="kam_day_unique"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "day"])]


class Commitment(AccountChild):
    """A promise made at a QBR, by us or by the customer. It is followed up as an Action on
    the account (owner, due date, status), which says whether it was kept."""

    class Side(models.TextChoices):
        OURS = "ours", "Ours"
        CUSTOMER = "customer", "The customer's"

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="commitments")
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="commitments"
    )
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="commitment")
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.OURS)
    # who promised it on the customer's side
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Commitment #{self.pk} at {self.interaction}"
