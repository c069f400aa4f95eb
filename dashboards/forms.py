from django import forms

from accounts.models import Tier
from dashboards import indicators
from kamapp.inputs import SafeInputs


class DashboardFilterForm(SafeInputs, forms.Form):
    period = forms.ChoiceField(
        required=False,
        choices=list(indicators.PERIODS.items()),
        initial=indicators.DEFAULT_PERIOD,
        label="Compared with",
    )
    tier = forms.ChoiceField(required=False, choices=[("", "Every tier"), *Tier.choices])
    sort = forms.CharField(required=False, max_length=20)

    def cleaned(self) -> dict:
        """The filters, defaults for anything missing or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "period": data.get("period") or indicators.DEFAULT_PERIOD,
            "tier": data.get("tier") or "",
            "sort": data.get("sort") or "",
        }
