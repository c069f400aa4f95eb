from django import template

from kamapp import policy

register = template.Library()


@register.filter
def can(membership, action: str) -> bool:
    """`{% if membership|can:"members.manage" %}`: the same answer views get."""
    return policy.can(membership, action)


@register.simple_tag(takes_context=True)
def nav_active(context, *url_names: str) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    return "is-active" if match is not None and match.url_name in url_names else ""


@register.filter
def audit_change(value) -> str:
    """An audit `changes` value: "old → new" for a pair, the value itself otherwise."""
    if isinstance(value, list) and len(value) == 2:
        old, new = ("—" if v in (None, "") else v for v in value)
        return f"{old} → {new}"
    return str(value)


@register.simple_tag(takes_context=True)
def sort_query(context, key: str) -> str:
    """The current query string sorted by `key`, or by `-key` when already sorted by `key`;
    back to the first page."""
    query = context["request"].GET.copy()
    query["sort"] = f"-{key}" if query.get("sort") == key else key
    query.pop("page", None)
    return "?" + query.urlencode()


@register.inclusion_tag("partials/sort_header.html", takes_context=True)
def sort_header(
    context, key: str, label: str, default: str = "", target: str = "", css: str = ""
) -> dict:
    """A sortable column's header: a link that sorts by `key` (again: reversed), an arrow and
    `aria-sort` saying how the table is sorted now; `default` is the key used without `sort`.
    With `target`, HTMX swaps that region and keeps the URL in step."""
    current = context["request"].GET.get("sort") or default
    direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    return {
        "href": sort_query(context, key),
        "label": label,
        "direction": direction,
        "target": target,
        "css": css,
    }


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
