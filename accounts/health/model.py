"""The health model: its components, the defaults a tenant's settings override, and the hooks
through which other apps add settings of their own."""

from accounts.models import Contact

MODEL_VERSION = 1
COMPONENTS = {
    "customer_results": "Customer results",
    "engagement": "Engagement",
    "plan_vitality": "Plan vitality",
    "execution": "Execution",
    "sentiment": "Sentiment",
    "commercial": "Commercial",
}
DEFAULT_MODEL = {
    "weights": {
        "customer_results": 25,
        "engagement": 20,
        "plan_vitality": 15,
        "execution": 15,
        "sentiment": 15,
        "commercial": 10,
    },
    "bands": {"healthy": 70, "watch": 40},
    "cadence_days": {"strategic": 14, "key": 30, "development": 60},
    "thresholds": {"health_drop": 15, "leakage_pct": 15, "renewal_days": 90},
}
KEY_ROLES = {role.value for role in Contact.KEY_ROLES}


# Functions (tenant, model) that add other apps' settings to the model the rules read.
MODEL_HOOKS: list = []


def model_for(tenant) -> dict:
    """The tenant's health model: its saved settings over the defaults."""
    saved = tenant.settings.get("health", {})
    model = {key: {**value, **saved.get(key, {})} for key, value in DEFAULT_MODEL.items()}
    for hook in MODEL_HOOKS:
        hook(tenant, model)
    return model
