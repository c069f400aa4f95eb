"""What search finds in the accounts app: accounts, their stakeholders, the customer's goals
and risk alerts, on the accounts the member sees (`KeyAccount.objects.visible_to`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import F
from django.urls import reverse

from accounts.models import Contact, KeyAccount, Objective, RiskAlert
from kamapp import search
from kamapp.models import Membership


@dataclass(frozen=True)
class _Rows:
    """A kind of account row search finds (by its model's `search_document`): its title,
    which tab shows it, and what is said under its title."""

    kind: str
    model: type[models.Model]
    title: str
    tab: str
    detail: Callable[[models.Model], str]
    account_id: str = "account_id"  # the attribute the tab's URL takes


ROWS = [
    _Rows(
        "Accounts", KeyAccount, "name", "account-overview", lambda a: a.industry,
        account_id="pk",
    ),
    _Rows(
        "Contacts", Contact, "name", "account-stakeholders",
        lambda c: " · ".join(filter(None, [c.title, c.account.name])),
    ),
    _Rows(
        "Objectives", Objective, "title", "account-objectives", lambda o: o.account.name,
    ),
    _Rows(
        "Alerts", RiskAlert, "message", "account-health",
        lambda a: f"{a.account.name} · {a.get_severity_display()} · {a.get_status_display()}",
    ),
]  # fmt: skip


def find(membership: Membership, text: str, query: SearchQuery, limit: int) -> list[search.Hit]:
    """One query per kind: the accounts the member sees are a subquery of each."""
    slug = membership.tenant.slug
    accounts = KeyAccount.objects.visible_to(membership)
    hits = []
    for spec in ROWS:
        rows = accounts
        if spec.model is not KeyAccount:
            rows = spec.model.objects.filter(account__in=accounts.values("pk"))
            rows = rows.select_related("account")
        hits += [
            search.Hit(
                spec.kind,
                getattr(row, spec.title),
                spec.detail(row),
                reverse(spec.tab, args=[slug, getattr(row, spec.account_id)]),
            )
            for row in search.ranked(rows, spec.title, F("search_document"), text, query, limit)
        ]
    return hits


def register() -> None:
    search.register(find)
