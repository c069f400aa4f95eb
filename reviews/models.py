"""Performance reviews of KAMs: cycles, scorecards, ratings, and the PDF packets leadership
receives."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from kamapp.fields import PlainJSONField
from kamapp.models import Membership, TenantModel, User


class ScorecardTemplate(TenantModel):
    """The tenant's scorecard: sections of weighted criteria (see `reviews.scorecard.DEFAULT`
    for the shape). One per tenant, made from the default on first use."""

    sections = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="one_scorecard_per_tenant")]


class ReviewCycle(TenantModel):
    name = models.CharField(max_length=80)
    period_start = models.DateField()
    period_end = models.DateField()
    self_due = models.DateField(null=True, blank=True)  # self-assessments due
    review_due = models.DateField(null=True, blank=True)  # reviews finalised by
    # the scorecard the cycle was opened with: editing the tenant's later leaves it alone
    sections = models.JSONField(null=True, blank=True)
    # reviewers submit their ratings for calibration, and finalise only after it
    calibrate = models.BooleanField(
        default=False,
        verbose_name="Calibrate ratings before finalising",
        help_text="Reviewers submit their ratings; leaders may adjust them; reviewers finalise.",
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="review_cycle_unique_name"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="review_cycle_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PerformanceReview(TenantModel):
    class Status(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Self-assessment"
        MANAGER_REVIEW = "manager_review", "Manager review"
        CALIBRATION = "calibration", "Calibration"
        FINALISED = "finalised", "Finalised"

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    kam = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewing"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SELF_ASSESSMENT)
    self_summary = models.TextField(blank=True)
    manager_summary = models.TextField(blank=True)
    # frozen when finalised: the scorecard as it was judged (criteria, metrics, red flags)
    scorecard = PlainJSONField(null=True, blank=True)
    overall = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    calibration_submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    notified_status = models.CharField(max_length=20, blank=True)  # the step last mailed about
    reminded_status = models.CharField(max_length=20, blank=True)  # the overdue step reminded
    # the KAM's sign-off of the finalised review
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agrees = models.BooleanField(null=True, blank=True)
    acknowledgement = models.TextField(blank=True)
    # an admin may reopen a finalised review once, with a reason
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["kam__user__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "cycle", "kam"], name="one_review_per_kam_and_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kam.user.full_name} · {self.cycle.name}"

    @property
    def due(self):
        """When the current step is due (None when finalised or no date was set)."""
        return {
            self.Status.SELF_ASSESSMENT: self.cycle.self_due,
            self.Status.MANAGER_REVIEW: self.cycle.review_due,
            self.Status.CALIBRATION: self.cycle.review_due,
        }.get(self.status)

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


class CriterionRating(TenantModel):
    """The KAM's and the reviewer's 1–5 rating of one criterion, with the reviewer's note."""

    review = models.ForeignKey(PerformanceReview, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.CharField(max_length=40)
    self_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    manager_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=500, blank=True)
    # a leader's adjustment in calibration: it stands over the reviewer's rating
    calibrated_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    calibration_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "review", "criterion"], name="one_rating_per_criterion"
            )
        ]


class ReviewPacket(TenantModel):
    """The finalised review as a PDF, and to whom it was mailed."""

    review = models.ForeignKey(PerformanceReview, on_delete=models.CASCADE, related_name="packets")
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    checksum = models.CharField(max_length=64)  # sha256 of the PDF
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # the review was reopened

    class Meta:
        ordering = ["-created_at", "-id"]


class CyclePacket(TenantModel):
    """Every KAM of a cycle side by side, for leadership: one per cycle, the row is the claim
    that it was made and mailed."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="packets")
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "cycle"], name="one_packet_per_cycle")
        ]
