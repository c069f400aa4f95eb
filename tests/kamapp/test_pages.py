"""The layout every page shares: CSP with nonces, HTMX wired, error pages."""

import pytest
from django.test import Client


def test_pages_carry_a_strict_csp_with_a_nonce(client, org_a):
    client.force_login(org_a.kam.user)
    response = client.get(f"/o/{org_a.tenant.slug}/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text  # htmx's script tag
    assert "X-CSRFToken" in response.text  # hx-headers on <body>
    assert "style=" not in response.text  # inline styles would be blocked


def test_404_page_looks_like_the_product(client, org_a):
    client.force_login(org_a.kam.user)
    response = client.get("/o/no-such-tenant/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "/static/css/app.css" in response.text


@pytest.mark.urls("tests.kamapp.failing_urls")
def test_500_page_renders_without_the_database(db):
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text


def test_the_layout_offers_a_skip_link_and_a_phone_menu(client, org_a):
    client.force_login(org_a.kam.user)
    page = client.get(f"/o/{org_a.tenant.slug}/").text
    assert '<a class="skip-link" href="#main">' in page and 'id="main"' in page
    assert 'aria-controls="site-nav"' in page and 'id="site-nav"' in page


def test_switch_organisation_shows_only_with_another_organisation(client, org_a, org_b):
    from kamapp.models import Membership, Role

    client.force_login(org_a.kam.user)
    assert "Switch organisation" not in client.get(f"/o/{org_a.tenant.slug}/").text
    Membership.objects.create(tenant=org_b.tenant, user=org_a.kam.user, role=Role.KAM)
    client.force_login(org_a.kam.user)  # counted when one signs in
    assert "Switch organisation" in client.get(f"/o/{org_a.tenant.slug}/").text


def test_favicon_ico_points_at_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200
