import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core import signing
from django.db import models
from django.utils import timezone

from kamapp.querysets import MembershipQuerySet, TenantQuerySet
from kamapp.rls import tenant_context


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(16)


class Tenant(models.Model):
    """A customer organisation. The registry of tenants itself is not tenant data."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ThrottleEvent(models.Model):
    """A failed sign-in, a password-reset request or a request to a public link, counted by
    `kamapp.throttle` per email and per client address. Not tenant data: it is counted before
    anyone is signed in."""

    class Kind(models.TextChoices):
        SIGN_IN_FAILURE = "sign-in-failure"
        PASSWORD_RESET = "password-reset"
        PUBLIC_LINK = "public-link"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.CharField(max_length=254)
    client = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "email", "created_at"], name="throttle_email"),
            models.Index(fields=["kind", "client", "created_at"], name="throttle_client"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.email} {self.client}"


class TenantModel(models.Model):
    """Base of every row that belongs to a tenant.

    The table gets an RLS policy through `kamapp.rls.EnableRLS` in its migration; the system
    check `kamapp.E001` fails for a tenant table without one.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class SignedLink(models.Model):
    """A tenant row reached through an emailed link: [tenant, id, nonce] signed with the
    model's SALT. The nonce lets a row's links be cut off without a new signing key."""

    SALT = ""

    nonce = models.CharField(max_length=32, default=new_invitation_nonce, editable=False)

    class Meta:
        abstract = True

    def token(self) -> str:
        return signing.dumps([self.tenant_id, self.pk, self.nonce], salt=self.SALT, compress=True)

    @classmethod
    def from_token(cls, token: str, max_age: int, rows: models.QuerySet):
        """The row of `rows` a token names, or None when the token is bad, older than
        `max_age` or names no such row. Runs before any tenant context exists, so it sets
        the token's tenant itself."""
        try:
            tenant_id, pk, nonce = signing.loads(token, salt=cls.SALT, max_age=max_age)
        except (signing.BadSignature, ValueError):
            return None
        with tenant_context(tenant_id):
            return rows.filter(tenant_id=tenant_id, pk=pk, nonce=nonce).first()


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    LEADER = "leader", "Leader"
    SUPERVISOR = "supervisor", "Supervisor"
    KAM = "kam", "Key account manager"


class Membership(TenantModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.KAM)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Invitation(SignedLink, TenantModel):
    """An emailed, signed, expiring link; accepting it creates or attaches the user."""

    SALT = "kamapp.invitation"

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.KAM)
    manager = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def expires_at(self):
        return self.created_at + timezone.timedelta(seconds=settings.INVITATION_MAX_AGE)


class Delivery(models.Model):
    """The state of something handed to SMTP once (`kamapp.outbox`): queued as a row, claimed
    before the hand-over, then sent, or failed for good."""

    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class OutboundMail(Delivery, TenantModel):
    """A mail as a row before it is a Celery message (`kamapp.outbox`): queued in the
    transaction that asks for it, claimed before it is handed to SMTP, so a lost message is
    re-queued and a crash never sends it twice."""

    key = models.CharField(max_length=200)  # idempotency: one mail per key and tenant
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="outbound_mail_unique_key"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "created_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbound_mail_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class PasswordResetMail(Delivery):
    """A password reset someone asked for, as a row before it is a Celery message. Written
    for unknown emails too (the worker then finds nobody to mail), so the request takes as
    long either way. Not tenant data: a user's account spans organisations. The mail itself
    is composed by the worker, since its link carries a one-time token."""

    email = models.CharField(max_length=254)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="password_reset_pending",
            )
        ]

    def __str__(self) -> str:
        return f"password reset for {self.email}"


class AuditEvent(TenantModel):
    """Who did what to which object, with before/after values. Written via `kamapp.audit`."""

    # Null only for cross-tenant maintenance, visible under the audited RLS bypass alone.
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type} {self.object_repr}"


class NotifyBy(models.TextChoices):
    """How a member hears of a kind of notification (`NotificationPreference`)."""

    MAIL = "mail", "Immediately by mail"
    DIGEST = "digest", "In a daily digest mail"
    APP = "app", "In the app only"


class Notification(TenantModel):
    """Something that happened for one member: listed in the app (the bell), and mailed at
    once, in the day's digest or not at all, as `delivery` (their preference then) says.
    Written via `kamapp.notifications`."""

    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)  # one notification per key and recipient
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    delivery = models.CharField(max_length=8, choices=NotifyBy.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)  # claimed by a digest mail

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "recipient", "key"], name="notification_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(TenantModel):
    """A member's choice for one kind of notification; none means the kind's default."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=8, choices=NotifyBy.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "kind"], name="notification_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
