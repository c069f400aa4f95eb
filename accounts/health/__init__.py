"""Account health: 0–100 from weighted components, each with the inputs that explain it.

`inputs` gathers the facts (a fixed number of queries per tenant), `scoring` turns one
account's inputs into a verdict, `explanation` says why, and `model` holds the defaults a
tenant's settings override. Writing snapshots and evaluating alerts is the recalculation's
job (`accounts.recalculation`), a layer above both health and alerts.
"""

from accounts.health.explanation import hints, report
from accounts.health.inputs import EXTENSIONS, Inputs, gather
from accounts.health.model import (
    COMPONENTS,
    DEFAULT_MODEL,
    MODEL_HOOKS,
    MODEL_VERSION,
    model_for,
)
from accounts.health.scoring import (
    SCORERS,
    Health,
    account_health,
    band_for,
    daily_best,
    money,
    score,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_MODEL",
    "EXTENSIONS",
    "MODEL_HOOKS",
    "MODEL_VERSION",
    "SCORERS",
    "Health",
    "Inputs",
    "account_health",
    "band_for",
    "daily_best",
    "gather",
    "hints",
    "model_for",
    "money",
    "report",
    "score",
]
