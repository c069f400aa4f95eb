import datetime

from django import forms

from accounts.forms.accounts import DateInput
from kamapp.inputs import SafeInputs
from kamapp.models import Membership, Role
from reviews import scorecard
from reviews.models import ReviewCycle

RATINGS = [("", "—"), *((n, f"{n} · {label}") for n, label in enumerate(
    ["Well below", "Below", "Meets", "Above", "Well above"], start=1))]  # fmt: skip


class CycleForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = ReviewCycle
        fields = ["name", "period_start", "period_end", "self_due", "review_due", "calibrate"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "self_due": DateInput(),
            "review_due": DateInput(),
        }
        labels = {
            "name": "Cycle name",
            "period_start": "Period from",
            "period_end": "to",
            "self_due": "Self-assessments due",
            "review_due": "Reviews due",
        }
        help_texts = {
            "self_due": "Empty: two weeks after the period.",
            "review_due": "Empty: four weeks after the period.",
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["name"].widget.attrs["placeholder"] = "e.g. Q4 2026"
        self.fields["calibrate"].initial = True  # new cycles calibrate unless unticked

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ReviewCycle.objects.for_tenant(self.tenant).filter(name__iexact=name).exists():
            raise forms.ValidationError("A cycle with this name exists already.")
        return name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end after it starts.")
        if end and not self.errors:
            cleaned["self_due"] = cleaned.get("self_due") or end + datetime.timedelta(days=14)
            cleaned["review_due"] = cleaned.get("review_due") or end + datetime.timedelta(days=28)
            if cleaned["review_due"] < cleaned["self_due"]:
                self.add_error("review_due", "Reviews are due after the self-assessments.")
        return cleaned


class RatingsForm(SafeInputs, forms.Form):
    """A 1–5 rating per criterion (and, for the reviewer, a note), plus a summary."""

    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, criteria: list[dict], reviewer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.reviewer = reviewer
        self.fields["summary"].label = "Overall assessment" if reviewer else "Your summary"
        for criterion in criteria:
            required = reviewer and criterion["kind"] == "rating"
            self.fields[f"rating_{criterion['key']}"] = forms.TypedChoiceField(
                choices=RATINGS,
                coerce=int,
                empty_value=None,
                required=required,
                label=criterion["label"],
                error_messages={"required": "Rate this criterion: it has no data to go on."},
            )
            if reviewer:
                self.fields[f"comment_{criterion['key']}"] = forms.CharField(
                    required=False, max_length=500, label=f"Note on {criterion['label']}"
                )

    def rows(self):
        """(criterion, rating field, comment field) for the template."""
        for criterion in self.criteria:
            key = criterion["key"]
            comment = self[f"comment_{key}"] if self.reviewer else None
            yield criterion, self[f"rating_{key}"], comment

    def ratings(self) -> dict:
        data = self.cleaned_data
        return {
            c["key"]: (
                data[f"rating_{c['key']}"],
                data[f"comment_{c['key']}"] if self.reviewer else None,
            )
            for c in self.criteria
        }


class SectionRowForm(SafeInputs, forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(max_length=60, label="Section")
    weight = forms.IntegerField(min_value=0, max_value=100, label="Weight")


class CriterionRowForm(SafeInputs, forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(max_length=80, label="Criterion")
    section = forms.ChoiceField(label="Section")
    kind = forms.ChoiceField(choices=list(scorecard.KINDS.items()), label="Kind")
    metric = forms.ChoiceField(required=False, label="Data metric")
    indicator = forms.ChoiceField(
        choices=[("leading", "Leading"), ("lagging", "Lagging")], label="Indicator"
    )
    weight = forms.IntegerField(min_value=0, max_value=100, label="Weight")

    def __init__(self, *args, sections: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections
        self.fields["metric"].choices = [("", "—"), *scorecard.metric_choices()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "rating":
            cleaned["metric"] = ""
        elif cleaned.get("kind") and not cleaned.get("metric"):
            self.add_error("metric", "Choose the data this criterion is measured by.")
        return cleaned


SectionRows = forms.formset_factory(SectionRowForm, extra=1, can_order=True, can_delete=True)
CriterionRows = forms.formset_factory(CriterionRowForm, extra=2, can_order=True, can_delete=True)


class ScorecardEditor:
    """The scorecard as two lists an admin edits: sections, and criteria each in a section;
    both can be added to, renamed, reordered and deleted."""

    def __init__(self, data=None, *, sections: list[dict]):
        choices = [(s["key"], s["label"]) for s in sections]
        self.sections = SectionRows(
            data,
            prefix="section",
            initial=[{"key": s["key"], "label": s["label"], "weight": s["weight"]}
                     for s in sections],
        )  # fmt: skip
        self.criteria = CriterionRows(
            data,
            prefix="criterion",
            form_kwargs={"sections": choices},
            initial=[
                {"section": s["key"], **{k: c.get(k, "") for k in scorecard.CRITERION_FIELDS}}
                for s in sections
                for c in s["criteria"]
            ],
        )
        self.errors: list[str] = []
        self.result: list[dict] | None = None

    def is_valid(self) -> bool:
        if not (self.sections.is_valid() and self.criteria.is_valid()):
            return False
        try:
            self.result = scorecard.assemble(_kept(self.sections), _kept(self.criteria))
        except scorecard.Invalid as error:
            self.errors = list(error.args)
            return False
        return True


def _kept(formset) -> list[dict]:
    """The filled rows that are not deleted, in their chosen order (Django's ordered_forms
    leaves out deleted and untouched extra rows)."""
    return [form.cleaned_data for form in formset.ordered_forms]


class ReviewerForm(SafeInputs, forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Reviewer")

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (
            Membership.objects.for_tenant(review.tenant)
            .active()
            .filter(role__in=[Role.SUPERVISOR, Role.LEADER, Role.ADMIN])
            .exclude(pk=review.kam_id)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["reviewer"].label_from_instance = lambda m: (
            f"{m.user.full_name} · {m.get_role_display()}"
        )
        self.initial["reviewer"] = review.reviewer_id


class CalibrationForm(SafeInputs, forms.Form):
    """A leader's adjustment of one rated criterion, with the reason."""

    criterion = forms.ChoiceField(label="Criterion")
    rating = forms.TypedChoiceField(choices=RATINGS[1:], coerce=int, label="Rating")
    reason = forms.CharField(max_length=500, label="Reason")

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            (c["key"], c["label"]) for c in criteria if c["kind"] in {"rating", "both"}
        ]
        self.fields["reason"].widget.attrs["placeholder"] = "e.g. in line with the team's 4s"


class AcknowledgeForm(SafeInputs, forms.Form):
    """The KAM's sign-off of their finalised review."""

    agrees = forms.TypedChoiceField(
        choices=[("yes", "I agree with this review"), ("no", "I do not agree")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Your sign-off",
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment (optional)",
    )


class ReopenForm(SafeInputs, forms.Form):
    reason = forms.CharField(max_length=1000, label="Why reopen it?")


class CustomerVoiceForm(SafeInputs, forms.Form):
    """The contacts across the KAM's accounts the reviewer asks about the KAM."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Ask these contacts"
    )

    def __init__(self, *args, askable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = askable
        self.fields["contacts"].label_from_instance = lambda c: (
            f"{c.name}, {c.account.name}" + (f" · {c.title}" if c.title else "")
        )


class SupervisorNoteForm(SafeInputs, forms.Form):
    """What a customer told the reviewer about the KAM on the reviewer's own call."""

    account = forms.ModelChoiceField(queryset=None, label="Customer")
    kam_value = forms.TypedChoiceField(
        choices=[(n, f"{n} · {label}") for n, label in enumerate(
            ["Very little", "Little", "Some", "Much", "A great deal"], start=1)],
        coerce=int,
        label="Value they get from working with the KAM",
    )  # fmt: skip
    comment = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="What they said"
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
