"""The health run: score every account, write the snapshots, evaluate the alert rules, and
thin out old snapshots. It sits above both `accounts.health` and `accounts.alerts`, which
know nothing of it."""

import datetime
import gc
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from accounts import alerts, health, rollups
from kamapp import db

SNAPSHOT_COLUMNS = {
    "account_id": "bigint",
    "score": "integer",
    "band": "text",
    "components": "json",
    "daily_best": "smallint[]",
}


def write_snapshots(
    tenant, inputs: dict[int, health.Inputs], verdicts: dict[int, health.Health], at=None
) -> None:
    """One INSERT for all snapshots (see `kamapp.db.insert_json`)."""
    rows = [
        {
            "account_id": pk,
            "score": v.score,
            "band": v.band,
            "components": v.components,
            "daily_best": health.daily_best(inputs[pk], v),
        }
        for pk, v in verdicts.items()
    ]
    fixed = {
        "tenant_id": tenant.pk,
        "computed_at": at or timezone.now(),
        "model_version": health.MODEL_VERSION,
    }
    db.insert_json("accounts_healthsnapshot", SNAPSHOT_COLUMNS, rows, fixed)


@contextmanager
def _gc_paused():
    """The run makes a few hundred thousand short-lived, acyclic objects: reference counting
    frees them, and the cycle collector walking them over and over cost ~10% of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_gc_paused()
def recalculate(tenant, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Score every active account of the tenant and write one snapshot each (one bulk insert),
    then evaluate the alert rules. Returns the number of accounts scored."""
    report = progress or (lambda step, done, total: None)
    db.batch_settings()
    model = health.model_for(tenant)
    today = timezone.localdate()
    report("gathering", 0, 0)
    inputs = health.gather(tenant, today=today)
    report("scoring", 0, len(inputs))
    verdicts = {pk: health.score(item, model, today) for pk, item in inputs.items()}
    write_snapshots(tenant, inputs, verdicts)
    report("alerts", len(inputs), len(inputs))
    alerts.evaluate(tenant, inputs, verdicts, model, today)
    rollups.write(tenant, [today])
    return len(inputs)


PRUNE_SNAPSHOTS = """
    DELETE FROM accounts_healthsnapshot
    WHERE tenant_id = %(tenant)s AND computed_at < %(before)s AND id NOT IN (
        SELECT DISTINCT ON (account_id, (computed_at AT TIME ZONE 'UTC')::date) id
        FROM accounts_healthsnapshot
        WHERE tenant_id = %(tenant)s AND computed_at < %(before)s
        ORDER BY account_id, (computed_at AT TIME ZONE 'UTC')::date, computed_at DESC, id DESC
    )
"""


def prune_snapshots(tenant, keep_all_hours: int = 48) -> int:
    """Keep every snapshot of the last two days and, before that, each account's last
    snapshot of each day: hourly runs would otherwise grow the table ~9,000 rows a year per
    account and slow the history look-ups. Returns the number deleted."""
    before = timezone.now() - datetime.timedelta(hours=keep_all_hours)
    with connection.cursor() as cursor:
        cursor.execute(PRUNE_SNAPSHOTS, {"tenant": tenant.pk, "before": before})
        deleted = cursor.rowcount
    return deleted
