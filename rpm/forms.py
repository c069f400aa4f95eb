from django import forms

from accounts.forms.accounts import DateInput, people
from accounts.models import Tier
from kamapp.inputs import SafeInputs
from kamapp.models import Membership, Role
from rpm.matrix import MATURITIES, NO_FLY, STAGES, STATEMENTS
from rpm.models import Assessment, Target


class AssessmentForm(SafeInputs, forms.ModelForm):
    stage = forms.TypedChoiceField(
        coerce=int,
        choices=[(k, f"{k} · {v}") for k, v in STAGES.items()],
        label="Relationship stage",
    )
    maturity = forms.TypedChoiceField(
        coerce=int,
        choices=[(k, f"{k} · {v}") for k, v in MATURITIES.items()],
        label="Process maturity",
    )
    evidence = forms.MultipleChoiceField(
        choices=[(k, text) for k, (_, text) in STATEMENTS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What you can observe",
        help_text="Tick what is true today; the suggested stage follows from it.",
    )
    confirm_no_fly = forms.BooleanField(required=False, label="I confirm this unusual cell")

    class Meta:
        model = Assessment
        fields = ["assessed_on", "stage", "maturity", "evidence", "notes", "no_fly_reason"]
        widgets = {
            "assessed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "no_fly_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"no_fly_reason": "Why this cell (required for a no-fly cell)"}

    def clean(self):
        cleaned = super().clean()
        cell = (cleaned.get("stage"), cleaned.get("maturity"))
        if cell in NO_FLY:
            if not cleaned.get("confirm_no_fly"):
                self.add_error(
                    "confirm_no_fly",
                    f"{STAGES[cell[0]]} × {MATURITIES[cell[1]]} "
                    "is a no-fly combination: confirm it if it really is so.",
                )
            if not cleaned.get("no_fly_reason", "").strip():
                self.add_error("no_fly_reason", "Explain why the account sits in this cell.")
        return cleaned


class TargetForm(SafeInputs, forms.ModelForm):
    stage = forms.TypedChoiceField(coerce=int, choices=list(STAGES.items()), label="Target stage")
    maturity = forms.TypedChoiceField(
        coerce=int, choices=list(MATURITIES.items()), label="Target maturity"
    )

    class Meta:
        model = Target
        fields = ["stage", "maturity", "target_date"]
        widgets = {"target_date": DateInput()}


class MatrixFilterForm(SafeInputs, forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Any owner"
    )
    team = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Every team",
        label="Team of",
    )
    tier = forms.ChoiceField(required=False, choices=[("", "Any tier"), *Tier.choices])
    since = forms.DateField(required=False, widget=DateInput(), label="Movement since")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people(tenant)
        self.fields["team"].queryset = people(tenant).filter(role=Role.SUPERVISOR)


class CellFilterForm(MatrixFilterForm):
    """One cell's accounts (no stage and maturity: the accounts not placed yet)."""

    stage = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[("", "—"), *STAGES.items()]
    )
    maturity = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[("", "—"), *MATURITIES.items()]
    )


class LevelsForm(SafeInputs, forms.Form):
    cadence = forms.IntegerField(min_value=7, max_value=365, label="Reassess every (days)")

    def __init__(self, *args, levels: dict, cadence: int, **kwargs):
        super().__init__(*args, initial={"cadence": cadence}, **kwargs)
        for (r, p), level in levels.items():
            self.fields[f"cell_{r}_{p}"] = forms.TypedChoiceField(
                coerce=int,
                choices=[(1, "Level 1"), (2, "Level 2"), (3, "Level 3")],
                initial=level,
                label=f"{STAGES[r]} × {MATURITIES[p]}",
            )

    def settings(self) -> dict:
        return {f"{k[5]},{k[7]}": v for k, v in self.cleaned_data.items() if k.startswith("cell_")}
