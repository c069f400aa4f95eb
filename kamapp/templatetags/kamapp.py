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
