from django.utils.functional import SimpleLazyObject

from accounts import badges
from kamapp import navigation


def alert_badge(request) -> dict:
    """Whether the navigation's open-alert count (`kamapp.navigation`) reached the cap."""
    if getattr(request, "membership", None) is None:
        return {}
    return {
        "open_alert_capped": SimpleLazyObject(
            lambda: navigation.for_request(request)["open_alert_count"] >= badges.CAP
        )
    }
