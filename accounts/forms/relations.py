import datetime

from django import forms
from django.utils import timezone

from accounts import surveys
from accounts.forms.accounts import AccountChildForm, DateInput
from accounts.models import Contact, CustomerFeedback, FinancialPeriod, Interaction, Renewal
from kamapp.inputs import SafeInputs
from kamapp.trees import reaches


class ContactForm(AccountChildForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "title",
            "department",
            "email",
            "phone",
            "buying_role",
            "influence",
            "relationship_strength",
            "reports_to",
            "left_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}), "left_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reports_to"].queryset = self.fields["reports_to"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean_reports_to(self):
        boss = self.cleaned_data["reports_to"]
        if boss is not None and self.instance.pk:
            # The account's whole chart in one query, however deep the chain.
            boss_of = dict(
                Contact.objects.filter(account_id=boss.account_id).values_list("pk", "reports_to")
            )
            if reaches(boss.pk, self.instance.pk, boss_of.get):
                raise forms.ValidationError("That would make a reporting loop.")
        return boss


class InteractionForm(AccountChildForm):
    author_field = "logged_by"

    class Meta:
        model = Interaction
        fields = ["date", "kind", "contacts", "summary", "meaningful"]
        widgets = {
            "date": DateInput(),
            "contacts": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 2, "placeholder": "What was discussed?"}),
        }

    def save(self, commit=True):
        # The through rows carry the tenant too (RLS checks every row).
        interaction = super().save(commit=False)
        interaction.save()
        interaction.contacts.set(
            self.cleaned_data["contacts"], through_defaults={"tenant_id": interaction.tenant_id}
        )
        return interaction


def _a_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class RenewalForm(AccountChildForm):
    """A renewal and its outcome: a decided one has a day that has come (today if left
    empty); an undecided one has neither that day nor a new value."""

    author_field = "recorded_by"
    next_renewal = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Next renewal",
        help_text="When renewed, the account's renewal date moves to this day.",
    )

    class Meta:
        model = Renewal
        fields = ["due_on", "value", "outcome", "decided_on", "new_value", "note"]
        widgets = {"due_on": DateInput(), "decided_on": DateInput()}
        help_texts = {"new_value": "What the customer renewed for, when renewed."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # moving the account's date is part of recording it
            del self.fields["next_renewal"]
        else:
            due = self.account.renewal_date
            self.initial.setdefault("due_on", due)
            self.initial.setdefault("value", self.account.contract_value)
            self.initial.setdefault("next_renewal", due and _a_year_after(due))

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("A renewal cannot be decided in the future.")
        return day

    def clean(self):
        cleaned = super().clean()
        outcome, due = cleaned.get("outcome"), cleaned.get("due_on")
        if outcome == Renewal.Outcome.PENDING:
            cleaned["decided_on"] = None
        elif not cleaned.get("decided_on") and "decided_on" not in self.errors:
            cleaned["decided_on"] = timezone.localdate()
        if outcome != Renewal.Outcome.RENEWED:
            cleaned["new_value"] = cleaned["next_renewal"] = None
        elif (after := cleaned.get("next_renewal")) and due and after <= due:
            self.add_error("next_renewal", "The next renewal comes after this one.")
        clash = Renewal.objects.filter(account=self.account, due_on=due).exclude(
            pk=self.instance.pk
        )
        if due and clash.exists():
            self.add_error("due_on", "A renewal due on this day is recorded already: edit it.")
        return cleaned


class InteractionFilter(SafeInputs, forms.Form):
    """The Interactions tab's filters: kind, a contact who was there, and a date range."""

    kind = forms.ChoiceField(required=False, label="Kind")
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    since = forms.DateField(required=False, label="From", widget=DateInput())
    until = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(self, *args, account, **kwargs):
        # Own ids: the tab's form to log an interaction has a kind and a date too.
        super().__init__(*args, auto_id="filter_%s", **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *Interaction.Kind.choices]
        self.fields["contact"].queryset = Contact.objects.filter(account=account)
        self.fields["contact"].empty_label = "Anyone"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def apply(self, interactions):
        """The interactions that match (all of them when the filter is empty or invalid)."""
        if not self.is_valid():
            return interactions
        data = self.cleaned_data
        if data["kind"]:
            interactions = interactions.filter(kind=data["kind"])
        if data["contact"]:
            interactions = interactions.filter(contacts=data["contact"])
        if data["since"]:
            interactions = interactions.filter(date__gte=data["since"])
        if data["until"]:
            interactions = interactions.filter(date__lte=data["until"])
        return interactions


class FinancialPeriodForm(AccountChildForm):
    class Meta:
        model = FinancialPeriod
        fields = ["kind", "period_start", *FinancialPeriod.AMOUNTS]
        widgets = {"period_start": DateInput()}
        help_texts = {"period_start": "Any day in the period; it is moved to its first day."}

    def clean(self):
        cleaned = super().clean()
        start, kind = cleaned.get("period_start"), cleaned.get("kind")
        if start and kind:
            month = start.month if kind == "month" else 3 * ((start.month - 1) // 3) + 1
            cleaned["period_start"] = self.instance.period_start = start.replace(month=month, day=1)
            clash = FinancialPeriod.objects.filter(
                account=self.account, kind=kind, period_start=cleaned["period_start"]
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "period_start", "This period has figures already: edit them instead."
                )
        return cleaned


class FeedbackForm(AccountChildForm):
    author_field = "recorded_by"

    class Meta:
        model = CustomerFeedback
        fields = ["date", "contact", "nps", "csat", "source", "comment"]
        widgets = {"date": DateInput(), "comment": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nps") is None and cleaned.get("csat") is None:
            raise forms.ValidationError("Give an NPS score (0–10), a CSAT score (1–5), or both.")
        return cleaned


class SurveyRequestForm(SafeInputs, forms.Form):
    """Which contact of the account to ask: those with an email and no survey still open."""

    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label="Ask",
        empty_label="Choose a contact…",
        error_messages={"invalid_choice": "Choose one of the account's contacts."},
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = surveys.askable(account.tenant_id, [account]).order_by(
            "name"
        )
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} · {c.email}"


class SurveyAnswerForm(SafeInputs, forms.Form):
    """What a customer answers on the survey page (no account needed)."""

    nps = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        label="How likely are you to recommend us to a colleague?",
        error_messages={"required": "Pick a score from 0 to 10."},
    )
    csat = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="How satisfied are you with our work together?",
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What should we keep doing, or do differently?",
    )
    qbr_rating = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Pick a rating from 1 to 5."},
    )

    def __init__(self, *args, about_kam=None, qbr=None, **kwargs):
        """With `about_kam`, a question asks what working with that KAM is worth; with `qbr`,
        how useful that business review was."""
        super().__init__(*args, **kwargs)
        if about_kam is not None:
            self.fields["kam_value"] = forms.TypedChoiceField(
                choices=[(n, str(n)) for n in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                label="How much value do you get from working with "
                f"{about_kam.user.full_name}, your key account manager?",
            )
        if qbr is None:
            del self.fields["qbr_rating"]
        else:
            label = f"How useful was our business review on {qbr.date:%-d %B %Y}?"
            self.fields["qbr_rating"].label = label
