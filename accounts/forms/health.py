import datetime
from calendar import monthrange

from django import forms
from django.utils import timezone

from accounts.alerts import RULES
from accounts.health import COMPONENTS, DEFAULT_MODEL
from accounts.models import RiskAlert, Tier
from kamapp.inputs import SafeInputs

# Each alert threshold of the model: (label, help text, min, max).
THRESHOLDS = {
    "health_drop": (
        "Health drop (points)",
        "Alert when the score falls this far below its 30-day best.",
        1,
        100,
    ),
    "leakage_pct": (
        "Margin leakage (%)",
        "Alert when discounts and absorbed costs pass this share of revenue.",
        1,
        100,
    ),
    "renewal_days": (
        "Renewal window (days)",
        "Alert on a renewal within it below healthy, or without the economic buyer met.",
        1,
        365,
    ),
    "key_role_quiet_days": (
        "Key role quiet (days)",
        "A decision maker, economic buyer or champion not met this long counts as lost.",
        14,
        365,
    ),
    "kpi_decline_pts": (
        "KPI decline (points)",
        "Alert when the customer's KPI attainment falls this much over a quarter.",
        1,
        100,
    ),
    "sentiment_split": (
        "Sentiment split (NPS points)",
        "Alert when logged feedback and the customer's answers differ this much.",
        1,
        10,
    ),
    "min_history_days": (
        "History before scoring (days)",
        "A younger account reads “not enough data yet” and history rules wait.",
        0,
        365,
    ),
}


class HealthModelForm(SafeInputs, forms.Form):
    """The tenant's health model: weights, bands, engagement cadence, alert thresholds."""

    healthy = forms.IntegerField(
        min_value=1, max_value=100, label="Healthy from", help_text="Score at or above."
    )
    watch = forms.IntegerField(
        min_value=0, max_value=99, label="Watch from", help_text="Below it: at risk."
    )

    def __init__(self, *args, model: dict, **kwargs):
        initial = {**model["bands"], **model["thresholds"]}
        for name in COMPONENTS:
            initial[f"weight_{name}"] = model["weights"][name]
        for tier in Tier.values:
            initial[f"cadence_{tier}"] = model["cadence_days"][tier]
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in COMPONENTS.items():
            self.fields[f"weight_{name}"] = forms.IntegerField(
                min_value=0, max_value=100, label=f"{label} weight"
            )
        for value, label in Tier.choices:
            self.fields[f"cadence_{value}"] = forms.IntegerField(
                min_value=1,
                max_value=365,
                label=f"{label} (days)",
                help_text=f"Meaningful contact with a {label.lower()} account at least this often.",
            )
        for key, (label, help_text, low, high) in THRESHOLDS.items():
            self.fields[key] = forms.IntegerField(
                min_value=low, max_value=high, label=label, help_text=help_text
            )

    def thresholds(self) -> list:
        return [self[key] for key in THRESHOLDS]

    def clean(self):
        cleaned = super().clean()
        healthy, watch = cleaned.get("healthy"), cleaned.get("watch")
        if healthy is not None and watch is not None and watch >= healthy:
            self.add_error("watch", "Watch must start below healthy.")
        weights = [cleaned.get(f"weight_{n}") for n in COMPONENTS]
        if None not in weights and not any(weights):
            raise forms.ValidationError("At least one component needs a weight above zero.")
        return cleaned

    def model(self) -> dict:
        data = self.cleaned_data
        return {
            "weights": {name: data[f"weight_{name}"] for name in COMPONENTS},
            "bands": {"healthy": data["healthy"], "watch": data["watch"]},
            "cadence_days": {tier: data[f"cadence_{tier}"] for tier in Tier.values},
            "thresholds": {k: data[k] for k in DEFAULT_MODEL["thresholds"]},
        }


class AlertFilterForm(SafeInputs, forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Needs attention"), *RiskAlert.Status.choices]
    )
    severity = forms.ChoiceField(
        required=False, choices=[("", "Any severity"), *RiskAlert.Severity.choices]
    )
    rule = forms.ChoiceField(required=False)
    mine = forms.BooleanField(required=False, label="Only alerts I own")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Any rule")] + [(k, t) for k, (t, _) in RULES.items()]


def _month_after(day: datetime.date) -> datetime.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


# Snooze presets: the button's value → the day the alert wakes up.
SNOOZE_PRESETS = {
    "day": lambda today: today + datetime.timedelta(days=1),
    "week": lambda today: today + datetime.timedelta(days=7),
    "month": _month_after,
}


class AlertActionForm(SafeInputs, forms.Form):
    # A snooze preset button sends `snooze_for` instead of `do`.
    do = forms.ChoiceField(
        required=False,
        choices=[
            ("acknowledge", "Acknowledge"),
            ("snooze", "Snooze"),
            ("resolve", "Resolve"),
            ("dismiss", "Not useful"),
        ],
    )
    snooze_for = forms.ChoiceField(required=False, choices=[(k, k) for k in SNOOZE_PRESETS])
    until = forms.DateField(required=False)
    note = forms.CharField(max_length=300, required=False)
    reason = forms.ChoiceField(required=False, choices=RiskAlert.Dismissal.choices)

    def clean(self):
        cleaned = super().clean()
        if preset := cleaned.get("snooze_for"):
            cleaned["do"] = "snooze"
            cleaned["until"] = SNOOZE_PRESETS[preset](timezone.localdate())
        if not cleaned.get("do"):
            self.add_error("do", "Choose what to do with the alert.")
        if cleaned.get("do") == "snooze" and not cleaned.get("until"):
            self.add_error("until", "Choose the date to snooze until.")
        elif cleaned.get("do") == "snooze" and cleaned["until"] <= timezone.localdate():
            self.add_error("until", "Snooze until a date after today.")
        if cleaned.get("do") == "resolve" and not cleaned.get("note"):
            self.add_error("note", "Say how it was resolved.")
        if cleaned.get("do") == "dismiss" and not cleaned.get("reason"):
            self.add_error("reason", "Say why it is not useful.")
        return cleaned
