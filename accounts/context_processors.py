from accounts.models import KeyAccount, RiskAlert


def alert_badge(request) -> dict:
    """The number of open alerts on the member's accounts, for the navigation (one query)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    accounts = KeyAccount.objects.visible_to(membership).values("pk")
    count = RiskAlert.objects.filter(
        tenant_id=membership.tenant_id, account__in=accounts, status=RiskAlert.Status.OPEN
    ).count()
    return {"open_alert_count": count}
