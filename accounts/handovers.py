"""Who owned an account when: handovers are recorded as they happen, and read back to know a
KAM's portfolio on a past day and since when they have held each account."""

import datetime

from django.db.models import QuerySet

from accounts.models import AccountHandover, KeyAccount


def record(account: KeyAccount, from_owner_id: int | None, actor) -> AccountHandover | None:
    """Note that `account` now belongs to its current owner (nothing when it did already)."""
    if from_owner_id == account.owner_id:
        return None
    return AccountHandover.objects.create(
        tenant_id=account.tenant_id,
        account=account,
        from_owner_id=from_owner_id,
        to_owner_id=account.owner_id,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )


def owners_on(accounts: QuerySet[KeyAccount], day: datetime.date) -> dict[int, int | None]:
    """Each account's owner at the end of `day`: its current owner unless a later handover
    says who held it before (two queries)."""
    owners = dict(accounts.values_list("pk", "owner_id"))
    later = (
        AccountHandover.objects.filter(account__in=accounts.values("pk"), date__gt=day)
        .order_by("account_id", "date", "id")
        .distinct("account_id")
        .values_list("account_id", "from_owner_id")
    )
    owners.update(later)
    return owners


def taken_over(accounts: QuerySet[KeyAccount], start: datetime.date, end: datetime.date):
    """{account id: (new owner id, date)} for the last handover of each account in the
    period, for accounts that changed hands within it (one query)."""
    rows = (
        AccountHandover.objects.filter(
            account__in=accounts.values("pk"), date__gt=start, date__lte=end
        )
        .order_by("account_id", "-date", "-id")
        .distinct("account_id")
        .values_list("account_id", "to_owner_id", "date")
    )
    return {account: (owner, date) for account, owner, date in rows}
