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
    # a month between strategic conversations is healthy; the slack keeps a late one quiet
    "cadence_days": {"strategic": 45, "key": 60, "development": 90},
    "thresholds": {
        "health_drop": 15,
        "leakage_pct": 15,
        "renewal_days": 90,
        "key_role_quiet_days": 90,
        "kpi_decline_pts": 15,
        "sentiment_split": 4,
        "min_history_days": 30,
    },
}
# Below this many components with data an account reads "not enough data yet", not a score.
MIN_COMPONENTS = 2
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
