from django import forms

from accounts.forms.accounts import AccountChildForm, DateInput
from accounts.forms.relations import SurveyRequestForm
from accounts.models import Commitment, Contact, Interaction
from accounts.qbr import rating_askable
from kamapp.inputs import SafeInputs
from kamapp.models import Membership


def our_people(tenant_id: int):
    """Everyone of ours who may sit in a QBR: active members, leaders included."""
    return (
        Membership.objects.for_tenant(tenant_id)
        .active()
        .select_related("user")
        .order_by("user__full_name")
    )


class QBRForm(AccountChildForm):
    """A QBR: when, what it covers, who was there on both sides, and how it went."""

    author_field = "logged_by"

    class Meta:
        model = Interaction
        fields = ["date", "agenda", "contacts", "team_attendees", "summary"]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4, "placeholder": "One point a line"}),
            "contacts": forms.CheckboxSelectMultiple,
            "team_attendees": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "contacts": "The customer's people",
            "team_attendees": "Our people",
            "summary": "Outcome",
        }
        help_texts = {"summary": "What was agreed; fill it in after the meeting if you like."}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.instance.kind = Interaction.Kind.QBR
        self.instance.meaningful = True
        self.fields["agenda"].required = True
        self.fields["summary"].required = False
        self.fields["team_attendees"].queryset = our_people(account.tenant_id)
        self.fields["team_attendees"].label_from_instance = lambda m: m.user.full_name
        if not self.instance.pk:
            self.initial.setdefault("team_attendees", [account.owner_id])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contacts") and not self.has_error("contacts"):
            self.add_error("contacts", "Tick who came from the customer's side.")
        return cleaned

    def save(self, commit=True):
        # the through rows carry the tenant too (RLS checks every row)
        interaction = super().save(commit=False)
        interaction.save()
        tenant = {"tenant_id": interaction.tenant_id}
        interaction.contacts.set(self.cleaned_data["contacts"], through_defaults=tenant)
        interaction.team_attendees.set(self.cleaned_data["team_attendees"], through_defaults=tenant)
        return interaction


class CommitmentForm(SafeInputs, forms.Form):
    """A promise made at the QBR: ours or the customer's, who follows it up, by when."""

    side = forms.ChoiceField(
        choices=Commitment.Side.choices,
        initial=Commitment.Side.OURS,
        label="Whose commitment",
    )
    title = forms.CharField(max_length=200, label="What was promised")
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Who promised it (the customer's side)",
        empty_label="Choose a contact…",
    )
    owner = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        label="Owner (ours)",
        help_text="For the customer's commitments: who follows it up with them.",
    )
    due_date = forms.DateField(widget=DateInput(), label="Due")

    def __init__(self, *args, qbr: Interaction, **kwargs):
        super().__init__(*args, **kwargs)
        self.qbr = qbr
        self.fields["contact"].queryset = Contact.objects.filter(account_id=qbr.account_id)
        self.fields["owner"].queryset = our_people(qbr.tenant_id)
        self.fields["owner"].label_from_instance = lambda m: m.user.full_name
        self.initial.setdefault("owner", qbr.account.owner_id)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if Commitment.objects.filter(interaction=self.qbr, action__title__iexact=title).exists():
            raise forms.ValidationError("This commitment is on the QBR already.")
        return title

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < self.qbr.date:
            raise forms.ValidationError("The due date can't be before the meeting.")
        return due

    def clean(self):
        cleaned = super().clean()
        theirs = cleaned.get("side") == Commitment.Side.CUSTOMER
        if theirs and not cleaned.get("contact") and not self.has_error("contact"):
            self.add_error("contact", "Say who on the customer's side promised it.")
        return cleaned


class QBRRatingForm(SurveyRequestForm):
    """Which of the QBR's customer attendees to ask for a rating of the meeting."""

    def __init__(self, *args, qbr: Interaction, **kwargs):
        super().__init__(*args, account=qbr.account, **kwargs)
        self.fields["contact"].queryset = rating_askable(qbr).order_by("name")
        field = self.fields["contact"]
        field.label = "Ask for a rating"
        field.error_messages = {
            **field.error_messages,
            "invalid_choice": "Choose someone who was there, with an email and no survey open.",
        }
