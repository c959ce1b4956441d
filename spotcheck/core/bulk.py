"""Bulk writes (imports, the draw, the demo): PostgreSQL gets COPY (into the table, or into a temporary table
followed by one ``UPDATE … FROM``), other databases Django's ``bulk_create``/``bulk_update``
in batches. Either way the caller's transaction decides whether anything stays.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 2000


class _AnyOf(models.Lookup):
    """``field = ANY(%s)`` with the values as one array parameter: a batch of 5,000 ids as
    ``IN (%s, …)`` costs more to build and send than the database spends answering."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


models.Field.register_lookup(_AnyOf)
models.ForeignKey.register_lookup(_AnyOf)


def in_values(field: str, values: Sequence[Any]) -> dict[str, Any]:
    """Filter keyword arguments for "``field`` is one of ``values``", fast on PostgreSQL."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return {f"{field}__{lookup}": list(values)}


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in fields]


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples in the order of ``fields``, attnames) without reading back ids."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        extra_columns, extra_values = copy_tail(model, fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [*_columns(model, fields), *extra_columns])
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            if extra_values:
                for row in rows:
                    copy.write_row((*row, *extra_values))
            else:
                for row in rows:
                    copy.write_row(row)
        return
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def ids_by_value(model: type[models.Model], field: str, values: Sequence[Any]) -> dict[Any, int]:
    """``value → pk`` for the rows whose ``field`` is one of ``values``. On PostgreSQL one
    array parameter instead of thousands of bind parameters (which psycopg would spend longer
    converting than the database spends answering)."""
    if not values:
        return {}
    if connection.vendor != "postgresql":
        result: dict[Any, int] = {}
        values = list(values)
        for start in range(0, len(values), 900):
            chunk = values[start : start + 900]
            result.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk"))
        return result
    qn = connection.ops.quote_name
    column = qn(model._meta.get_field(field).column)
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        # A join with the unnested array probes the index once per value, whatever the
        # planner's statistics say (an "= ANY" of 10^5 values over 10^7 rows was scanned).
        cursor.execute(
            f"SELECT t.{column}, t.{qn(model._meta.pk.column)} FROM unnest(%s::text[]) AS v(value) "  # noqa: S608
            f"JOIN {table} AS t ON t.{column} = v.value",
            [[str(v) for v in values]],
        )
        return dict(cursor.fetchall())


def check_constraints_now() -> None:
    """Django declares foreign keys DEFERRABLE INITIALLY DEFERRED on PostgreSQL, so a bulk
    load queues one check per reference until COMMIT, where they run one after another. Made
    immediate, they run during the COPYs, overlapping with the reading of the next rows."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reserve_ids(model: type[models.Model], count: int, *, table_locked: bool = False) -> list[int] | None:
    """On PostgreSQL, ``count`` fresh primary keys from the table's sequence, so that rows
    and their links can be written in one go without reading the new ids back. None elsewhere.

    With the table locked against other writers (a bulk load), one contiguous range is taken
    by moving the sequence once, instead of one ``nextval`` per row (15 µs each)."""
    if connection.vendor != "postgresql" or count == 0:
        return None
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if table_locked:
            sequence = _sequence_of(table, pk)
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return list(range(first, first + count))
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


@functools.cache
def _sequence_of(table: str, column: str) -> str:
    # Looked up once: the catalogue query is slow inside a bulk load (no sequential scans).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return cursor.fetchone()[0]


def estimated_rows(model: type[models.Model]) -> int:
    """The planner's row estimate for ``model``'s table (cheap; exact enough to pick a strategy)."""
    if connection.vendor != "postgresql":
        return model.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class BulkLoad:
    """Load many rows into the tables of some models the way PostgreSQL loads fastest:
    ``begin`` takes the tables for the rest of the transaction (ACCESS EXCLUSIVE: readers wait
    until it commits) and drops their plain indexes and outgoing foreign keys; the caller
    writes; ``end`` builds every index in one pass and checks every foreign key with one query.

    Per-row index maintenance (the trigram index above all) and per-row foreign-key triggers
    cost a large import several times what the load itself does. Everything dropped is put
    back under its own name inside the same transaction, so an error anywhere rolls the tables
    back exactly as they were, and what commits has had every constraint checked. Elsewhere
    than on PostgreSQL both steps do nothing."""

    def __init__(self, *load_models: type[models.Model]):
        self.tables = [m._meta.db_table for m in load_models]
        self.dropped: list[tuple[str, str, str, str]] = []
        self.active = False

    def begin(self) -> None:
        if connection.vendor != "postgresql":
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Run the checks still deferred in this transaction: a table with pending trigger
            # events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"LOCK TABLE {', '.join(qn(t) for t in self.tables)} IN ACCESS EXCLUSIVE MODE")
            # Index builds sort in memory when they can; transaction-local.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # The planner's statistics describe the tables as they were before the load: as
            # they grow inside this transaction it would keep scanning them whole to look
            # rows up by key, once per batch. Their unique indexes are what to use.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(_DROPPABLE_SQL, [self.tables, self.tables])
            self.dropped = cursor.fetchall()
            for table, kind, name, _definition in self.dropped:
                if kind == "index":
                    cursor.execute(f"DROP INDEX {qn(name)}")
                else:
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        self.active = True

    def end(self) -> None:
        if not self.active:
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
            # Indexes first: checking a foreign key can use them.
            for table, kind, name, definition in sorted(self.dropped, key=lambda d: d[1] == "foreign key"):
                if kind == "index":
                    cursor.execute(definition)
                else:
                    cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            # Fresh statistics for the loaded tables: until autovacuum gets to them the planner
            # would take every name fragment for a rare one and plan searches badly
            # (bench/bench_search.py). ANALYZE samples a fixed number of rows: cheap at any size.
            cursor.execute(f"ANALYZE {', '.join(qn(t) for t in self.tables)}")
        self.active = False


# (table, kind, name, definition to re-create it) of what BulkLoad drops: the foreign keys out
# of the tables and their plain indexes. Primary keys and unique constraints stay: the rows
# being loaded are looked up by them (a table without them would be scanned once per batch)
# and they keep every key unique while loading.
_DROPPABLE_SQL = """
SELECT c.conrelid::regclass::text, 'foreign key', c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = 'f'
UNION ALL
SELECT i.indrelid::regclass::text, 'index', x.relname, pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
 WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


def copy_tail(
    model: type[models.Model], fields: Sequence[str], *, now: dt.datetime | None = None
) -> tuple[list[models.Field], tuple[Any, ...]]:
    """The columns COPY must also write, with their values, for every concrete column of
    ``model`` that ``fields`` (attnames) leaves out but the primary key: COPY bypasses Django,
    which fills model defaults itself (the database has none). ``auto_now``/``auto_now_add``
    columns get ``now``; the others Django's default for the field, prepared for the database
    as a save would (a JSON default becomes the driver's JSON value)."""
    given = set(fields)
    now = now or timezone.now()
    columns: list[models.Field] = []
    values: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        columns.append(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append(now)
        else:
            values.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, tuple(values)


def bulk_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Update existing rows: each row is ``(pk, value, value, …)`` in the order of ``fields``."""
    if not rows or not fields:
        return
    if connection.vendor == "postgresql":
        _pg_update(model, fields, rows)
        return
    objects = [model(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows]
    model.objects.bulk_update(objects, list(fields), batch_size=500)


def _pg_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk_column = qn(model._meta.pk.column)
    columns = [qn(f.column) for f in _columns(model, fields)]
    # One staging table per (table, column set) within the transaction.
    digest = hashlib.sha1(",".join(fields).encode(), usedforsecurity=False).hexdigest()[:8]
    staging = qn(f"import_upd_{model._meta.db_table}_{digest}")
    with connection.cursor() as cursor:
        # Same column types as the target, no rows; dropped at commit or rollback.
        create = f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS SELECT {pk_column}, "
        cursor.execute(f"{create}{', '.join(columns)} FROM {table} WITH NO DATA")
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.cursor.copy(f"COPY {staging} ({pk_column}, {', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{c} = s.{c}" for c in columns)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s WHERE t.{pk_column} = s.{pk_column}"  # noqa: S608
        )
