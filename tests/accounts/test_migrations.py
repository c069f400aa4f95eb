import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.accounts.conftest import make_account

BEFORE = [("accounts", "0002_health_and_alerts")]
AFTER = [("accounts", "0003_health_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_latest_snapshots_learn_their_30_day_bests_from_the_history(org_a):
    account = make_account(org_a)
    apps = migrate(BEFORE)
    Snapshot = apps.get_model("accounts", "HealthSnapshot")
    now = timezone.now().replace(hour=12)
    for days, hours, score in [(0, 0, 60), (0, 2, 64), (1, 0, 80), (1, 3, 85), (3, 0, 70)]:
        Snapshot.objects.create(
            tenant_id=org_a.tenant.pk,
            account_id=account.pk,
            score=score,
            computed_at=now - datetime.timedelta(days=days, hours=hours),
        )
    apps = migrate(AFTER)
    Snapshot = apps.get_model("accounts", "HealthSnapshot")
    latest, *older = Snapshot.objects.filter(account_id=account.pk).order_by("-computed_at")
    assert latest.daily_best[:4] == [64, 85, None, 70]
    assert all(s.daily_best == [] for s in older)  # only the latest is ever read


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
