from accounts.models import RiskAlert


def alert_badge(request) -> dict:
    """The number of open alerts on the member's accounts, for the navigation (one query)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    count = RiskAlert.objects.visible_to(membership).filter(status=RiskAlert.Status.OPEN).count()
    return {"open_alert_count": count}
