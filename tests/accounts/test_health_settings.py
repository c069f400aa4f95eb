from django.urls import reverse

from accounts.health import DEFAULT_MODEL
from accounts.models import HealthSnapshot
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account


def url(org, name, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, **kwargs})


def form_data(**overrides):
    data = {
        **DEFAULT_MODEL["thresholds"],
        "healthy": 75,
        "watch": 45,
        "health_drop": 10,
        "leakage_pct": 12,
        "renewal_days": 60,
        "cadence_strategic": 10,
        "cadence_key": 21,
        "cadence_development": 45,
    }
    for name in [
        "customer_results",
        "engagement",
        "plan_vitality",
        "execution",
        "sentiment",
        "commercial",
    ]:
        data[f"weight_{name}"] = 10
    return data | overrides


def test_admin_changes_the_model_and_everything_recalculates(
    client, org_a, django_capture_on_commit_callbacks
):
    make_account(org_a)
    client.force_login(org_a.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(org_a, "health-settings"), form_data())
    assert response.status_code == 302
    org_a.tenant.refresh_from_db()
    assert org_a.tenant.settings["health"]["bands"] == {"healthy": 75, "watch": 45}
    assert HealthSnapshot.objects.filter(tenant=org_a.tenant).count() == 1
    assert AuditEvent.objects.filter(verb="health.model").exists()
    progress = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "Done: 1 account scored" in progress.text and "hx-trigger" not in progress.text


def test_progress_polls_while_queued(client, org_a):
    client.force_login(org_a.admin.user)
    response = client.post(url(org_a, "health-recalculate"))  # no commit: stays queued
    page = client.get(response["Location"])
    assert 'hx-trigger="every 1s"' in page.text and "Waiting for a worker" in page.text
    assert client.get(url(org_a, "health-job", job="nope")).status_code == 404


def test_invalid_model_is_refused_beside_the_fields(client, org_a):
    client.force_login(org_a.admin.user)
    response = client.post(url(org_a, "health-settings"), form_data(watch=80, cadence_key=0))
    assert "Watch must start below healthy" in response.text
    assert "greater than or equal to 1" in response.text
    org_a.tenant.refresh_from_db()
    assert "health" not in org_a.tenant.settings


def test_only_admins_configure_health(client, org_a):
    for member in [org_a.leader, org_a.supervisor, org_a.kam]:
        client.force_login(member.user)
        assert client.get(url(org_a, "health-settings")).status_code == 403
        assert client.post(url(org_a, "health-recalculate")).status_code == 403
