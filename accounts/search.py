"""What search finds in the accounts app: accounts, their stakeholders, the customer's goals
and risk alerts, on the accounts the member sees (`KeyAccount.objects.visible_to`)."""

from django.contrib.postgres.search import SearchQuery
from django.urls import reverse

from accounts.models import Contact, KeyAccount, Objective, RiskAlert
from kamapp import search
from kamapp.models import Membership


def _url(name: str, slug: str, account_pk: int) -> str:
    return reverse(name, kwargs={"slug": slug, "keyaccount_pk": account_pk})


def find(membership: Membership, text: str, query: SearchQuery, limit: int) -> list[search.Hit]:
    """One query per kind: the accounts the member sees are a subquery of each."""
    slug = membership.tenant.slug
    accounts = KeyAccount.objects.visible_to(membership)
    visible = accounts.values("pk")
    hits = [
        search.Hit("Accounts", a.name, a.industry, _url("account-overview", slug, a.pk))
        for a in search.ranked(accounts, "name", ["industry"], text, query, limit)
    ]
    contacts = Contact.objects.filter(account__in=visible).select_related("account")
    hits += [
        search.Hit(
            "Contacts",
            c.name,
            " · ".join(filter(None, [c.title, c.account.name])),
            _url("account-stakeholders", slug, c.account_id),
        )
        for c in search.ranked(contacts, "name", ["title", "email"], text, query, limit)
    ]
    goals = Objective.objects.filter(account__in=visible).select_related("account")
    hits += [
        search.Hit(
            "Objectives", o.title, o.account.name, _url("account-objectives", slug, o.account_id)
        )
        for o in search.ranked(goals, "title", ["description"], text, query, limit)
    ]
    alerts = RiskAlert.objects.filter(account__in=visible).select_related("account")
    hits += [
        search.Hit(
            "Alerts",
            a.message,
            f"{a.account.name} · {a.get_severity_display()} · {a.get_status_display()}",
            _url("account-health", slug, a.account_id),
        )
        for a in search.ranked(alerts, "message", ["action"], text, query, limit)
    ]
    return hits


def register() -> None:
    search.register(find)
