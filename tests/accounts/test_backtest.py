import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kamapp.demo import seed_apps


def test_backtest_scores_past_weeks_and_the_model_page_shows_it(client, org_a, capsys):
    seed_apps(org_a.tenant, size=8)
    since = timezone.localdate() - datetime.timedelta(days=120)
    call_command("backtest_health", tenant=org_a.tenant.slug, since=since)
    out = capsys.readouterr().out
    assert "8 accounts, 18 weeks" in out and "precision" in out and "upsell_without_results" in out
    org_a.tenant.refresh_from_db()
    stored = org_a.tenant.settings["health_backtest"]
    assert stored["weeks"] == 18 and stored["rules"]["upsell_without_results"]["opened"] >= 1
    client.force_login(org_a.admin.user)
    page = client.get(reverse("health-settings", kwargs={"slug": org_a.tenant.slug})).text
    assert "backtest of 18 weeks" in page
