"""The Relationship Process Matrix: where each account stands (relationship stage × process
maturity), how it got there, and where it should go."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import AccountChild, KeyAccount
from kamapp.models import Membership, User


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

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.account}: stage {self.stage}, maturity {self.maturity}"


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
