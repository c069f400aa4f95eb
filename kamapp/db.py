"""Database helpers that the ORM does not offer."""

import json

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from psycopg import sql

# For a batch job's big aggregate queries: let Postgres spread them over parallel workers
# (the defaults keep parallelism for much larger tables than one tenant's), give their sorts,
# hashes and JSON documents room in memory (at the default 4MB a batch's snapshot document
# went through a temporary file), and let commits return before the WAL reaches disk: a lost
# run after a crash is redone by the next one.
BATCH_SETTINGS = {
    "parallel_setup_cost": 100,
    "parallel_tuple_cost": 0.01,
    "min_parallel_table_scan_size": 0,
    "min_parallel_index_scan_size": 0,
    "synchronous_commit": "off",
    "work_mem": "32MB",
}


def rows(queryset: QuerySet) -> list[tuple]:
    """The queryset's rows as plain tuples in its `values_list` order, without the ORM's
    per-value converters: over thousands of aggregated rows these cost more than the query.
    Same connection, transaction, RLS context and query log as the ORM."""
    try:
        statement, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in=[]`: the ORM would not ask the database either
        return []
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def batch_settings() -> None:
    """Apply `BATCH_SETTINGS` until the end of the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in BATCH_SETTINGS),
            [str(v) for item in BATCH_SETTINGS.items() for v in item],
        )


def insert_statement(
    table: str, types: dict[str, str], fixed: dict, skip_conflicts=False
) -> sql.Composed:
    """`INSERT INTO table ... SELECT ... FROM json_to_recordset(%s::json)`: its parameters are
    the `fixed` values, then the rows as one JSON document (see `insert_json`)."""
    columns = [*fixed, *types]
    return sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} FROM json_to_recordset(%s::json)"
        " AS r({record}){conflicts}"
    ).format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(
            [sql.Placeholder()] * len(fixed) + [sql.Identifier("r", c) for c in types]
        ),
        record=sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(kind)) for c, kind in types.items()
        ),
        conflicts=sql.SQL(" ON CONFLICT DO NOTHING" if skip_conflicts else ""),
    )


def execute_json(statement: sql.Composable, params: list, rows: list[dict]) -> int:
    """Run `statement` with `params` and then `rows` as one JSON document. Returns the
    statement's row count."""
    document = json.dumps(rows, separators=(",", ":"), check_circular=False, default=str)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection), [*params, document])
        return cursor.rowcount


def insert_json(
    table: str, types: dict[str, str], rows: list[dict], fixed: dict, skip_conflicts=False
) -> int:
    """Insert `rows` into `table` in one statement, the rows travelling as one JSON document
    read by `json_to_recordset`: for thousands of rows, bulk_create's per-value parameters
    cost more to encode than the insert itself (see tests/perf). `types` gives each row key's
    SQL type; `fixed` columns take one value for every row. Returns the rows inserted."""
    if not rows:
        return 0
    statement = insert_statement(table, types, fixed, skip_conflicts)
    return execute_json(statement, list(fixed.values()), rows)


def analyze(*models: type[Model]) -> None:
    """Refresh the planner's statistics of the models' tables now (after a bulk insert: the
    next big query is otherwise planned for the tables as they were). Rows inserted by the
    current transaction count."""
    tables = sql.SQL(", ").join(sql.Identifier(m._meta.db_table) for m in models)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("ANALYZE {}").format(tables).as_string(connection.connection))


# Autovacuum analyses a table a minute or more after it grew; a batch job started right after
# a bulk import would plan its joins for the tables as they were (report-15b: the dashboards'
# rollup ran for minutes). Growth, not updates: the health run rewrites every account's
# current health each hour. One statement whatever it finds, so the job's query count stays
# fixed.
ANALYZE_STALE = """
DO $$
DECLARE stale regclass;
BEGIN
    FOR stale IN
        SELECT s.relid::regclass
        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.relname = ANY({tables})
            AND s.n_live_tup > {rows} + (1 + {share}) * greatest(c.reltuples, 0)
    LOOP
        EXECUTE format('ANALYZE %s', stale);
    END LOOP;
END $$
"""


def analyze_stale(models: list[type[Model]], rows: int = 1000, share: float = 0.5) -> None:
    """Analyse those of the models' tables that grew by more than `rows` and `share` of the
    rows their statistics counted."""
    statement = sql.SQL(ANALYZE_STALE).format(
        tables=sql.Literal([m._meta.db_table for m in models]),
        rows=sql.Literal(rows),
        share=sql.Literal(share),
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))
