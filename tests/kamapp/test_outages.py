"""What users see while Redis or Postgres is down: real outages, made by pointing the app at
a closed port for one request."""

import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.jobs import Job
from tests.security.test_cross_tenant import populate

CLOSED_PORT = 1


@contextmanager
def database_down():
    """Postgres unreachable for the requests inside: the connection is closed and points at a
    port nobody listens on, so the driver's connect really fails."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = CLOSED_PORT
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        }
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_answers_503_with_retry_after(org_a):
    client = Client(raise_request_exception=False)
    client.force_login(org_a.kam.user)
    page = f"/o/{org_a.tenant.slug}/"
    with database_down():
        responses = [
            client.get(page),
            client.get(page, headers={"HX-Request": "true"}),
            client.post("/login/", {"username": "kam@acme.test", "password": "x"}),
        ]
    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "try again" in response.text.lower()
    assert client.get(page).status_code == 200  # back once the database is


def test_signed_in_users_stay_signed_in_while_redis_is_down(client, org_a, redis_down):
    populate(org_a)
    client.force_login(org_a.admin.user)
    slug = org_a.tenant.slug
    for page in ("", "accounts/", "alerts/", "rpm/", "reviews/", "settings/members/"):
        response = client.get(f"/o/{slug}/{page}")
        assert response.status_code == 200, page
    assert Client().get("/login/").status_code == 200


def test_the_health_job_page_says_when_progress_cannot_be_read(client, org_a, redis_down):
    client.force_login(org_a.admin.user)
    url = reverse("health-job", kwargs={"slug": org_a.tenant.slug, "job": "0" * 32})
    response = client.get(url)
    assert response.status_code == 200 and "the task queue is unreachable" in response.text


def test_the_health_job_page_notices_a_dead_worker(client, org_a):
    job = Job.start(org_a.tenant.pk)
    job.progress("scoring", 10, 100)
    cache.set(job.key, {**job.state(), "at": time.time() - 3600}, 60)
    client.force_login(org_a.admin.user)
    response = client.get(reverse("health-job", kwargs={"slug": org_a.tenant.slug, "job": job.id}))
    assert "its worker went away" in response.text and "Recalculate again" in response.text
    assert 'hx-trigger="every' not in response.text  # the page stops polling
