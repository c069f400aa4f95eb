from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from kamapp import throttle
from kamapp.inputs import SafeInputs
from kamapp.models import Invitation, Membership, Role, User


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing attempts once too many have failed (Redis-counted)."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self):
        email = self.data.get("username", "")
        client = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if throttle.is_locked(email, client):
            raise ValidationError(
                "Too many failed sign-in attempts. Please wait %(minutes)s minutes or reset "
                "your password.",
                code="throttled",
                params={"minutes": throttle.lockout_minutes()},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.register_failure(email, client)
            raise
        throttle.reset(email, client)
        return cleaned


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
        # Walk up the tree: a member cannot end up managing themselves.
        seen = set()
        while manager is not None and manager.pk not in seen:
            if manager.pk == self.instance.pk:
                raise ValidationError({"manager": "That would make a reporting loop."})
            seen.add(manager.pk)
            manager = manager.manager
        return cleaned


class AcceptInvitationForm(forms.Form):
    """New users choose a name and password; existing users just confirm."""

    full_name = forms.CharField(max_length=150, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, invitation, existing_user: User | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.existing_user = existing_user
        if existing_user is not None:
            del self.fields["full_name"]
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = User(email=self.invitation.email, full_name=self.data.get("full_name", ""))
        password_validation.validate_password(password, user)
        return password
