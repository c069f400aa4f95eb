"""The health run: score every account, write the snapshots, evaluate the alert rules, and
thin out old snapshots. It sits above both `accounts.health` and `accounts.alerts`, which
know nothing of it."""

import datetime
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

from django.apps import apps
from django.db import connection
from django.utils import timezone
from psycopg import sql

from accounts import alerts, health, rollups
from accounts.models import KeyAccount
from accounts.process import conformance
from kamapp import db

SNAPSHOT_COLUMNS = {
    "account_id": "bigint",
    "score": "integer",
    "band": "text",
    "components": "json",
    "daily_best": "smallint[]",
    "process_conformance": "smallint",
}


# The snapshots written, and each account's current verdict beside its row (what lists read
# and sort by) in the same statement; a snapshot back-dated behind it (history) leaves it.
WRITE_SNAPSHOTS = """
    WITH written AS ({insert} RETURNING account_id, score, band, computed_at, process_conformance)
    UPDATE accounts_keyaccount k
    SET health_score = w.score, health_band = w.band, scored_at = w.computed_at,
        health_urgency = CASE w.band WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END,
        process_percent = w.process_conformance
    FROM written w
    WHERE k.tenant_id = {tenant} AND k.id = w.account_id
        AND (k.scored_at IS NULL OR k.scored_at <= w.computed_at)
"""


def write_snapshots(
    tenant,
    inputs: dict[int, health.Inputs],
    verdicts: dict[int, health.Health],
    at=None,
    process: dict[int, int] | None = None,
) -> None:
    """One statement for all snapshots (see `kamapp.db.insert_json`) and the accounts'
    current health."""
    rows = [
        {
            "account_id": pk,
            "score": v.score,
            "band": v.band,
            "components": v.components,
            "daily_best": health.daily_best(inputs[pk], v),
            "process_conformance": (process or {}).get(pk),
        }
        for pk, v in verdicts.items()
    ]
    if not rows:
        return
    fixed = {
        "tenant_id": tenant.pk,
        "computed_at": at or timezone.now(),
        "model_version": health.MODEL_VERSION,
    }
    insert = db.insert_statement("accounts_healthsnapshot", SNAPSHOT_COLUMNS, fixed)
    statement = sql.SQL(WRITE_SNAPSHOTS).format(insert=insert, tenant=sql.Literal(tenant.pk))
    db.execute_json(statement, list(fixed.values()), rows)


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


BATCH = 5_000  # accounts gathered, scored and written at a time: memory stays flat


@_gc_paused()
def recalculate(
    tenant,
    progress: Callable[[str, int, int], None] | None = None,
    account_ids: list[int] | None = None,
) -> int:
    """Score the tenant's active accounts (or just `account_ids`: the same code path for one
    account after a change), write one snapshot each and evaluate the alert rules, `BATCH`
    accounts at a time with a fixed number of queries each. Returns the number scored."""
    report = progress or (lambda step, done, total: None)
    db.batch_settings()
    model = health.model_for(tenant)
    today = timezone.localdate()
    active = KeyAccount.objects.for_tenant(tenant).active()
    if account_ids is None:
        # a bulk import just before would otherwise be planned for the tables as they were
        db.analyze_stale(apps.get_models(include_auto_created=True))
        total = active.count()
        batches = _batches(active.order_by("pk").values_list("pk", flat=True))
        # live alerts of accounts no longer active resolve: no batch has their inputs
        gone = KeyAccount.objects.for_tenant(tenant).exclude(pk__in=active.values("pk"))
        alerts.evaluate(tenant, {}, {}, model, today, accounts=gone.values("pk"))
    else:
        total, batches = len(account_ids), [account_ids]
    report("gathering", 0, total)
    done = 0
    for batch in batches:
        done += _run_batch(tenant, batch, model, today, partial(report, "scoring", done, total))
    report("alerts", done, done)
    if account_ids is None:  # one account's rescoring leaves the day's rollup to the hour
        rollups.write(tenant, [today])
    return done


def _run_batch(tenant, batch: list[int], model: dict, today, gathered: Callable[[], None]) -> int:
    """Score, write and alert one batch (calling `gathered` once its inputs are in); returns
    its number of accounts. A function of its own so that the batch's inputs are freed before
    the next batch is gathered: peak memory is one batch's, whatever the number of accounts."""
    inputs = health.gather(tenant, account_ids=batch, today=today)
    gathered()
    verdicts = {pk: health.score(item, model, today) for pk, item in inputs.items()}
    active = KeyAccount.objects.for_tenant(tenant).active()
    process = conformance.percents(tenant, active.filter(pk__any=batch), today)
    write_snapshots(tenant, inputs, verdicts, process=process)
    alerts.evaluate(tenant, inputs, verdicts, model, today, accounts=batch)
    return len(inputs)


def _batches(ids) -> Iterator[list[int]]:
    """The ids `BATCH` at a time, each batch read when needed (keyset pagination)."""
    last = 0
    while batch := list(ids.filter(pk__gt=last)[:BATCH]):
        yield batch
        last = batch[-1]


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
