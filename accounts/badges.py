"""The navigation's open-alert count (`kamapp.navigation`): capped, so a page does not count
thousands of live alerts, and cached until the tenant's alerts change."""

from django.db.models import QuerySet

from accounts.models import RiskAlert
from kamapp.models import Membership

CAP = 100  # the badge reads "99+" past this: counting further buys nothing
TOPIC = "alerts"


def rows(membership: Membership) -> QuerySet[RiskAlert]:
    """The member's open alerts, up to `CAP` (counted with the navigation's other counts)."""
    return (
        RiskAlert.objects.visible_to(membership)
        .filter(status=RiskAlert.Status.OPEN)
        .order_by()[:CAP]
    )
