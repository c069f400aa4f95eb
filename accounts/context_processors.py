from accounts import badges


def alert_badge(request) -> dict:
    """The number of open alerts on the member's accounts, for the navigation (cached)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    count = badges.open_alerts(membership)
    return {"open_alert_count": count, "open_alert_capped": count >= badges.CAP}
