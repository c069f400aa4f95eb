"""Number formats for the dashboards: a missing figure reads as a dash, never 0."""

from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


@register.filter
def change(value: float | None) -> str:
    """A relative change as +4% / −3%."""
    if value is None:
        return "—"
    return f"{100 * value:+.0f}%".replace("-", "−")


@register.filter
def points(value: float | None) -> str:
    """An absolute change in points, +4 / −3."""
    if value is None:
        return "—"
    return f"{value:+.0f}".replace("-", "−")


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
