"""Where each role lands after signing in: apps register a route name per role (the team
dashboard for supervisors, the leadership dashboard for leaders); the rest land on the
tenant home, `dashboard`."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from kamapp.models import Membership, Role

DEFAULT = "dashboard"
HOMES: dict[str, str] = {}


def register(role: Role, url_name: str) -> None:
    HOMES[role] = url_name


def home_for(role: str) -> str:
    return HOMES.get(role, DEFAULT)


# what waits for a member, for the "my week" panel of their home: apps above accounts (the
# reviews) register a provider, one query each, returning `Waiting` items
@dataclass(frozen=True)
class Waiting:
    label: str
    url: str
    due: datetime.date | None = None


WAITING: list[Callable[[Membership, datetime.date], list[Waiting]]] = []


def register_waiting(provider: Callable[[Membership, datetime.date], list[Waiting]]) -> None:
    WAITING.append(provider)


def waiting(membership: Membership, today: datetime.date) -> list[Waiting]:
    return [item for provider in WAITING for item in provider(membership, today)]
