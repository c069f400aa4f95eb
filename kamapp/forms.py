from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from kamapp import notifications, throttle
from kamapp.inputs import SafeInputs
from kamapp.models import Invitation, Membership, NotifyBy, PasswordResetMail, Role, User
from kamapp.queueing import send_on_commit
from kamapp.tasks import send_password_reset
from kamapp.trees import reaches


def check_password(request, email: str, password: str) -> User | None:
    """The active user these credentials name, or None; throttled per email and address
    (`kamapp.throttle`), raising a ValidationError that says how long to wait."""
    client = throttle.client_address(request)
    if refusal := throttle.sign_in_refusal(email, client):
        raise ValidationError(refusal, code="throttled")
    user = authenticate(request, username=email, password=password)
    if user is None:
        throttle.register_failure(email, client)
    else:
        throttle.reset(email)
    return user


class SignInForm(SafeInputs, AuthenticationForm):
    """Django's sign-in form, with the credentials checked through `check_password`."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user_cache = check_password(self.request, email, password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordResetRequestForm(SafeInputs, PasswordResetForm):
    """Queues the mail (one task whether or not the email is known, so the response takes
    as long either way), at most a few per email and per client address."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not throttle.password_reset_allowed(email, throttle.client_address(self.request)):
            raise ValidationError(
                "Too many reset requests for this address. Check your inbox (and spam folder) "
                "for the last mail, or try again in an hour.",
                code="throttled",
            )
        return email

    def save(self, *args, **kwargs) -> None:
        reset = PasswordResetMail.objects.create(email=self.cleaned_data["email"])
        send_on_commit(send_password_reset, reset.pk)


def manager_choices(tenant):
    return (
        Membership.objects.for_tenant(tenant)
        .active()
        .filter(role__in=[Role.SUPERVISOR, Role.ADMIN, Role.LEADER])
        .select_related("user")
    )


class InvitationForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "manager"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["manager"].queryset = manager_choices(tenant)
        self.fields["manager"].help_text = "Who this person reports to (their supervisor)."

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        members = Membership.objects.for_tenant(self.tenant).filter(user__email=email)
        if members.exists():
            raise ValidationError("This person is already a member.")
        if (
            Invitation.objects.for_tenant(self.tenant)
            .filter(email=email, accepted_at=None, revoked_at=None)
            .exists()
        ):
            raise ValidationError("An invitation to this address is already pending.")
        return email


class MembershipForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "manager", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = manager_choices(self.instance.tenant).exclude(
            pk=self.instance.pk
        )

    def clean(self):
        cleaned = super().clean()
        manager = cleaned.get("manager")
        # A member cannot end up managing themselves (the tenant's tree in one query).
        if manager is not None:
            manager_of = dict(
                Membership.objects.for_tenant(self.instance.tenant).values_list("pk", "manager")
            )
            if reaches(manager.pk, self.instance.pk, manager_of.get):
                raise ValidationError({"manager": "That would make a reporting loop."})
        return cleaned


class AcceptInvitationForm(SafeInputs, forms.Form):
    """New users choose a name and password. Someone who already has an account signs in
    with it here, unless already signed in as that user: the link alone never signs in."""

    full_name = forms.CharField(max_length=150, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, invitation, existing_user: User | None, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.existing_user = existing_user
        self.request = request
        if existing_user is not None:
            del self.fields["full_name"]
            if request.user == existing_user:
                del self.fields["password"]
            else:
                self.fields["password"].label = "Your kamapp password"
                self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.existing_user is not None:
            user = check_password(self.request, self.existing_user.email, password)
            if user != self.existing_user:
                raise ValidationError(
                    "That is not the password of %(email)s.",
                    code="invalid_login",
                    params={"email": self.existing_user.email},
                )
            return ""
        user = User(email=self.invitation.email, full_name=self.data.get("full_name", ""))
        password_validation.validate_password(password, user)
        return password


class NotificationSettingsForm(SafeInputs, forms.Form):
    """How the member hears of each kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, spec in notifications.KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=spec.label,
                choices=NotifyBy.choices,
                initial=current.get(kind, spec.default),
                widget=forms.RadioSelect,
            )
