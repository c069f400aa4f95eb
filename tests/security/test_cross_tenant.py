"""The cross-tenant sweep: every URL under /o/<slug>/, found by walking the URLconf.

Tenant A owns objects; a member of tenant B asks for them, GET and POST, through A's slug and
through B's own slug with A's ids. Every answer must be 404; anonymous users go to sign-in.
New URLs are covered without editing this file, as long as object ids in routes are named
`<model_name>_pk` (e.g. `membership_pk`) and tenant A has such an object (see `populate` in
tests/security/routes.py).
"""

import pytest

from tests.security.routes import fill as fill_route
from tests.security.routes import parameters, populate, tenant_routes


def fill(route: str, slug: str, tenant) -> str:
    """The route with tenant's first object of each kind it names."""
    return fill_route(
        route, slug, lambda model: model.objects.filter(tenant=tenant).order_by("pk").first()
    )


def has_object_ids(route: str) -> bool:
    return bool(parameters(route))


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
