"""What the URL sweeps share: every URL pattern under /o/<slug>/, found by walking the URLconf,
and a tenant populated with a row of every kind the routes name.

Object ids in routes are named `<model_name>_pk` (e.g. `membership_pk`); `populate` must give
the tenant such an object.
"""

import datetime
import re

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from kamapp.models import TenantModel

TENANT_PREFIX = "o/<slug:slug>/"
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")

TENANT_MODELS = {
    model._meta.model_name: model for model in apps.get_models() if issubclass(model, TenantModel)
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def tenant_routes() -> list[str]:
    return sorted(r for r in _walk(get_resolver().url_patterns) if r.startswith(TENANT_PREFIX))


def populate(org) -> None:
    """Give the tenant at least one row of every kind the routes name: memberships and an
    invitation come with Org, a notification for the KAM (sampled first), a monthly report
    (a stub PDF), the rest from each app's demo seed (two accounts' worth), and a stub packet
    for the first review cycle."""
    from dashboards.models import StateReport
    from kamapp.audit import record
    from kamapp.demo import seed_apps
    from kamapp.models import Notification
    from reviews.models import CyclePacket, ReviewCycle

    record(org.tenant, org.admin.user, "test.populate", org.admin)
    Notification.objects.create(
        tenant=org.tenant,
        recipient=org.kam,
        kind="sweep",
        key="sweep",
        text="Sweep",
        delivery="app",
    )
    StateReport.objects.create(
        tenant=org.tenant, month=datetime.date(2026, 1, 1), pdf=b"%PDF-1.7", pages=1
    )
    seed_apps(org.tenant, size=2)
    cycle = ReviewCycle.objects.filter(tenant=org.tenant).order_by("pk").first()
    CyclePacket.objects.create(tenant=org.tenant, cycle=cycle, pdf=b"%PDF-1.7", pages=1)


def fill(route: str, slug: str, pick, other: str = "x") -> str:
    """The route as a URL: `pick(model)` gives the object for each `<model_name>_pk`, other
    parameters get `other`."""

    def value(match: re.Match) -> str:
        name = match["name"]
        if name == "slug":
            return slug
        if name.endswith("_pk"):
            model = TENANT_MODELS.get(name.removesuffix("_pk"))
            assert model is not None, f"{route}: {name} names no tenant model"
            obj = pick(model)
            assert obj is not None, f"{route}: populate() must create a {model.__name__}"
            return str(obj.pk)
        return other

    return "/" + PARAM.sub(value, route)


def parameters(route: str) -> list[str]:
    return [m["name"] for m in PARAM.finditer(route) if m["name"] != "slug"]


def object_names(route: str) -> list[str]:
    """The model names of the route's object ids."""
    return [name.removesuffix("_pk") for name in parameters(route) if name.endswith("_pk")]
