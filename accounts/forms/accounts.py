from django import forms

from accounts.models import AccountStatus, AccountTeamMember, Contact, KeyAccount, Tier
from accounts.portfolio import SORTS
from kamapp.inputs import SafeInputs
from kamapp.models import Membership, Role


def people(tenant):
    return (
        Membership.objects.for_tenant(tenant)
        .active()
        .filter(role__in=[Role.KAM, Role.SUPERVISOR, Role.ADMIN])
        .select_related("user")
    )


class DateInput(forms.DateInput):
    """A native date picker: it needs ISO dates whatever the locale's input format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AccountChildForm(SafeInputs, forms.ModelForm):
    """A form for a row of `account`: the row is tied to it and choices are scoped to it."""

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.instance.tenant_id, self.instance.account = account.tenant_id, account
        for name in ("reports_to", "contact", "contacts", "customer_owner"):
            if name in self.fields:
                self.fields[name].queryset = Contact.objects.filter(account=account)


class KeyAccountForm(SafeInputs, forms.ModelForm):
    team = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        help_text="Colleagues who work the account with the owner; they may edit it too.",
    )

    class Meta:
        model = KeyAccount
        fields = [
            "name",
            "industry",
            "tier",
            "status",
            "owner",
            "contract_value",
            "currency",
            "renewal_date",
            "website",
        ]
        widgets = {"renewal_date": DateInput()}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.instance.tenant = tenant
        self.fields["owner"].queryset = people(tenant)
        self.fields["team"].queryset = people(tenant)
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != "archived"
        ]
        if self.instance.pk:
            self.initial["team"] = [link.membership_id for link in self.instance.team_links.all()]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = KeyAccount.objects.for_tenant(self.tenant).filter(name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("An account with this name exists already.")
        return name

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def save_team(self) -> None:
        wanted = {m.pk for m in self.cleaned_data["team"]} - {self.instance.owner_id}
        links = AccountTeamMember.objects.for_tenant(self.tenant).filter(account=self.instance)
        links.exclude(membership_id__in=wanted).delete()
        existing = set(links.values_list("membership_id", flat=True))
        AccountTeamMember.objects.bulk_create(
            AccountTeamMember(tenant=self.tenant, account=self.instance, membership_id=pk)
            for pk in wanted - existing
        )


class AccountFilterForm(SafeInputs, forms.Form):
    q = forms.CharField(required=False, label="Search")
    owner = forms.ModelChoiceField(queryset=Membership.objects.none(), required=False)
    tier = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    industry = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args, tenant, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people(tenant)
        self.fields["owner"].empty_label = "Any owner"
        self.fields["tier"].choices = [("", "Any tier"), *Tier.choices]
        self.fields["status"].choices = [("", "Open accounts"), *AccountStatus.choices]
        self.fields["industry"].choices = [("", "Any industry")] + [(i, i) for i in industries]
