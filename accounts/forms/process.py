from django import forms
from django.utils import timezone

from accounts.forms.accounts import DateInput
from accounts.models import Contact, ProcessConfirmation, ProcessItem, ProcessStage, Tier
from kamapp.inputs import SafeInputs


class TenantRowForm(SafeInputs, forms.ModelForm):
    """A form for a row of the tenant's process: tied to the tenant, choices scoped to it."""

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.instance.tenant = tenant


class ProcessStageForm(TenantRowForm):
    class Meta:
        model = ProcessStage
        fields = ["name", "description", "order"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = ProcessStage.objects.for_tenant(self.tenant).filter(name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The process already has a stage of that name.")
        return name


class ProcessItemForm(TenantRowForm):
    tiers = forms.MultipleChoiceField(
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every tier.",
    )

    class Meta:
        model = ProcessItem
        fields = ["stage", "label", "rule", "next_step", "tiers", "confirm_every_days", "order"]
        labels = {"rule": "Checked by", "next_step": "What to do next"}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["stage"].queryset = ProcessStage.objects.for_tenant(tenant)

    def clean_rule(self) -> str:
        """A data check answers the same for every item, so it appears once in the process."""
        rule = self.cleaned_data["rule"]
        if rule == ProcessItem.Rule.CONFIRMED:
            return rule
        used = ProcessItem.objects.for_tenant(self.tenant).filter(rule=rule)
        if used.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another item of the process already uses this check.")
        return rule

    def clean_tiers(self) -> list[str]:
        return sorted(self.cleaned_data["tiers"]) if len(self.cleaned_data["tiers"]) < 3 else []


class ConfirmationForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = ProcessConfirmation
        fields = ["confirmed_on", "note"]
        widgets = {"confirmed_on": DateInput()}
        labels = {"confirmed_on": "Date", "note": "Note (what you checked)"}

    def clean_confirmed_on(self):
        day = self.cleaned_data["confirmed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("A confirmation cannot be dated in the future.")
        return day


class SharePlanForm(SafeInputs, forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gets their own link by email.",
    )
    expires_on = forms.DateField(widget=DateInput(), label="Link works until")

    MAX_DAYS = 180

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = Contact.objects.filter(account=account).exclude(email="")
        self.fields["expires_on"].initial = timezone.localdate() + timezone.timedelta(days=30)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if not today <= day <= today + timezone.timedelta(days=self.MAX_DAYS):
            raise forms.ValidationError(
                f"Choose a date between today and {self.MAX_DAYS} days from now."
            )
        return day


class GoalResponseForm(SafeInputs, forms.Form):
    confirmed = forms.BooleanField(required=False, label="Yes, this is our goal")
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("confirmed") and not cleaned.get("comment", "").strip():
            raise forms.ValidationError("Confirm the goal or leave a comment.")
        return cleaned


class CustomerValueForm(SafeInputs, forms.Form):
    date = forms.DateField(widget=DateInput())
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    note = forms.CharField(required=False, max_length=200)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return day
