import datetime

from django import template

register = template.Library()


@register.filter
def change(value) -> str:
    """A signed change, "+5", "−3" or "±0" ("" when unknown)."""
    if value is None or value == "":  # unknown, or not computed for this page
        return ""
    if value == 0:
        return "±0"
    return f"+{value}" if value > 0 else f"−{abs(value)}"


@register.filter
def trend_class(value) -> str:
    if not value:
        return "faint"
    return "text-success" if value > 0 else "text-danger"


@register.filter
def day(value) -> str:
    """An ISO date (as a frozen scorecard keeps it) for people: "30 Sep 2026"."""
    if not value:
        return ""
    when = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    return f"{when.day} {when:%b %Y}"


@register.filter
def percent_change(value) -> str:
    """A signed share, "+12%" or "−3%" ("" when unknown)."""
    if value is None:
        return ""
    return change(round(100 * value)) + "%"
