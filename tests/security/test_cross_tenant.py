"""The cross-tenant sweep: every URL under /o/<slug>/, found by walking the URLconf.

Tenant A owns objects; a member of tenant B asks for them, GET and POST, through A's slug and
through B's own slug with A's ids. Every answer must be 404; anonymous users go to sign-in.
New URLs are covered without editing this file, as long as object ids in routes are named
`<model_name>_pk` (e.g. `membership_pk`) and tenant A has such an object (see `populate`).
"""

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from kamapp.models import TenantModel

TENANT_PREFIX = "o/<slug:slug>/"
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def tenant_routes() -> list[str]:
    return sorted(r for r in _walk(get_resolver().url_patterns) if r.startswith(TENANT_PREFIX))


TENANT_MODELS = {
    model._meta.model_name: model for model in apps.get_models() if issubclass(model, TenantModel)
}


def populate(org) -> None:
    """Give tenant A at least one row of every kind the routes name: memberships and an
    invitation come with Org, the rest from each app's demo seed (two accounts' worth)."""
    from kamapp.audit import record
    from kamapp.demo import seed_apps

    record(org.tenant, org.admin.user, "test.populate", org.admin)
    seed_apps(org.tenant, size=2)


def fill(route: str, slug: str, tenant) -> str:
    def value(match: re.Match) -> str:
        name = match["name"]
        if name == "slug":
            return slug
        if name.endswith("_pk"):
            model = TENANT_MODELS.get(name.removesuffix("_pk"))
            assert model is not None, f"{route}: {name} names no tenant model"
            obj = model.objects.filter(tenant=tenant).order_by("pk").first()
            assert obj is not None, f"{route}: populate() must create a {model.__name__} for A"
            return str(obj.pk)
        return "x"

    return "/" + PARAM.sub(value, route)


def has_object_ids(route: str) -> bool:
    return any(m["name"] != "slug" for m in PARAM.finditer(route))


ROUTES = tenant_routes()


def test_the_sweep_sees_the_tenant_urls():
    assert len(ROUTES) >= 6, ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_other_tenants_get_404(route, client, org_a, org_b):
    populate(org_a)
    own_slug = fill(route, org_b.tenant.slug, org_a.tenant)
    a_slug = fill(route, org_a.tenant.slug, org_a.tenant)

    for method in ("get", "post"):
        response = getattr(client, method)(a_slug)
        assert response.status_code == 302, (method, a_slug, "anonymous")
        assert response["Location"].startswith("/login/")

    client.force_login(org_b.admin.user)
    urls = [a_slug, own_slug] if has_object_ids(route) else [a_slug]
    for url in urls:
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        # A view answers a method it does not take with 405 before any lookup, the same for
        # every id, so that tells nothing about the other tenant; the method it takes is 404.
        assert set(statuses.values()) <= {404, 405} and 404 in statuses.values(), (url, statuses)
