"""Where each role lands after signing in: apps register a route name per role (the team
dashboard for supervisors, the leadership dashboard for leaders); the rest land on the
tenant home, `dashboard`."""

from kamapp.models import Role

DEFAULT = "dashboard"
HOMES: dict[str, str] = {}


def register(role: Role, url_name: str) -> None:
    HOMES[role] = url_name


def home_for(role: str) -> str:
    return HOMES.get(role, DEFAULT)
