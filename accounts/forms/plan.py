import datetime

from django import forms
from django.utils import timezone

from accounts.forms.accounts import AccountChildForm, DateInput, people
from accounts.models import KPI, AccountPlan, Action, KPIMeasurement, Objective
from kamapp.inputs import SafeInputs


class AccountPlanForm(SafeInputs, forms.ModelForm):
    note = forms.CharField(
        max_length=300,
        required=False,
        label="What changed?",
        help_text="A short note kept with this revision.",
    )

    class Meta:
        model = AccountPlan
        fields = ["summary", "strategy", "risks"]
        labels = {
            "summary": "What the customer is trying to achieve",
            "strategy": "Our strategy",
            "risks": "Risks and blockers",
        }


class ReviewForm(SafeInputs, forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Review note")


def not_in_future(day: datetime.date | None) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError("An objective cannot be achieved in the future.")
    return day


class ObjectiveForm(AccountChildForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "customer_owner", "target_date", "status", "achieved_on"]
        widgets = {
            "target_date": DateInput(),
            "achieved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"title": "The customer's goal"}
        help_texts = {"achieved_on": "For an achieved objective; today when left empty."}

    def clean_achieved_on(self) -> datetime.date | None:
        return not_in_future(self.cleaned_data["achieved_on"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != Objective.Status.ACHIEVED:
            cleaned["achieved_on"] = None
        elif not cleaned.get("achieved_on") and "achieved_on" not in self.errors:
            cleaned["achieved_on"] = timezone.localdate()
        return cleaned


class AchievedForm(SafeInputs, forms.Form):
    """Mark an objective achieved, on a day that has come."""

    achieved_on = forms.DateField(label="Achieved on", widget=DateInput())

    def clean_achieved_on(self) -> datetime.date:
        return not_in_future(self.cleaned_data["achieved_on"])


class KPIForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = KPI
        fields = ["name", "unit", "baseline", "target", "direction", "cadence_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence_days"].required = False

    def clean_cadence_days(self) -> int:
        return self.cleaned_data["cadence_days"] or KPI._meta.get_field("cadence_days").default

    def clean(self):
        cleaned = super().clean()
        baseline, target, direction = (cleaned.get(k) for k in ("baseline", "target", "direction"))
        if baseline is None or target is None:
            return cleaned
        if baseline == target:
            raise forms.ValidationError({"target": "The target must differ from the baseline."})
        if (target > baseline) != (direction == KPI.Direction.UP):
            raise forms.ValidationError(
                {"direction": "The direction disagrees with baseline and target."}
            )
        return cleaned


class MeasurementForm(SafeInputs, forms.ModelForm):
    class Meta:
        model = KPIMeasurement
        fields = ["date", "value", "note"]
        widgets = {"date": DateInput()}


class ActionForm(AccountChildForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "objective",
            "owner",
            "due_date",
            "status",
            "planned_budget",
            "actual_cost",
            "done_date",
            "shared",
        ]
        widgets = {"due_date": DateInput(), "done_date": DateInput()}
        labels = {"shared": "Share with the customer"}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(account=account)
        self.fields["owner"].queryset = people(account.tenant)
        self.fields["objective"].empty_label = "The account as a whole"


class ActionStatusForm(SafeInputs, forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
