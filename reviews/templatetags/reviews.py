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
