"""Freezing a province's pool on several database connections at once (PostgreSQL).

One statement (``pool._freeze_in_postgresql``) reads a pool's objects in byte order and
gathers each stratum's ids on one server process: for 10^7 objects that is one CPU busy for
seconds while the others idle. Here the public codes are cut into ranges of about equal size,
and each range is read and gathered by its own connection, in parallel; the ranges' texts,
joined in range order, are exactly the strata the single statement would give.

All connections see the same data: the freezing transaction exports its snapshot
(``pg_export_snapshot``) and every worker imports it before reading, so the pool is the
directory at one instant, as in the single statement. Workers only read; the strata are
stored, hashed and audited by the freezing transaction itself. What the freezing transaction
has written but not committed is not in that snapshot, so this path is for directories whose
objects are committed, i.e. real ones (the threshold, SPOTCHECK_FREEZE_PARALLEL_ROWS, keeps
small directories, and tests, on the single statement unless a test asks otherwise).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
from django.db import connection
from django.db.models.functions import Collate
from psycopg import sql

from spotcheck.draws import engine

# Rows read from the sample to cut the ranges: enough for ranges within a few per cent.
_SAMPLE_ROWS = 20_000


def directory_size() -> int:
    """The planner's estimate of the number of objects: free to read, good enough to choose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'directory_inspectionobject'::regclass")
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def range_bounds(workers: int) -> list[str]:
    """``workers - 1`` public codes that cut the directory into ranges of about equal size, from
    a random sample of its pages."""
    with connection.cursor() as cursor:
        # All the sampled pages, not the first rows of them: pages come in physical order,
        # and a directory loaded in code order would give a sample of its low codes.
        cursor.execute(
            "SELECT public_code FROM directory_inspectionobject TABLESAMPLE SYSTEM (%s)",
            [min(100.0, 100.0 * _SAMPLE_ROWS / max(directory_size(), 1))],
        )
        sample = engine.sort_ids({code for (code,) in cursor.fetchall()})
    if len(sample) < workers * 10:
        return []
    return [sample[len(sample) * k // workers] for k in range(1, workers)]


def _worker_params() -> dict[str, Any]:
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k not in ("cursor_factory", "context")}


def _read_range(snapshot: str, statement: str, params: Sequence[Any]) -> tuple[Any, ...]:
    with psycopg.connect(**_worker_params(), autocommit=False) as worker:
        worker.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        worker.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        worker.execute("SET LOCAL work_mem = '1GB'")
        row = worker.execute(statement, params).fetchone()
        worker.rollback()
    assert row is not None
    return row


def gather_in_parallel(judged, strata: list, workers: int) -> tuple[list[tuple[int, str]], str] | None:
    """Each stratum's (count, ids text) and the excluded objects' lines, gathered by ``workers``
    connections over ranges of public codes; None when the directory is too small to cut."""
    bounds = range_bounds(workers)
    if not bounds:
        return None
    code = Collate("public_code", "C")
    ranges = []
    for k in range(len(bounds) + 1):
        part = judged
        if k > 0:
            part = part.alias(code_from=code).filter(code_from__gte=bounds[k - 1])
        if k < len(bounds):
            part = part.alias(code_to=code).filter(code_to__lt=bounds[k])
        ranges.append(part)
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE s.verdict = {p}), string_agg(s.public_code, E'\\n') FILTER (WHERE s.verdict = {p})"
        for p in range(len(strata))
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    jobs = []
    for part in ranges:
        subquery, params = (
            part.values_list("verdict", "public_code", "id", "status").order_by(code).query.sql_with_params()
        )
        statement = (
            f"SELECT {aggregates}, string_agg(s.verdict || ',' || s.id || ',' || s.status, E'\\n') "  # noqa: S608
            f"FILTER (WHERE s.verdict < 0) FROM ({subquery}) AS s"
        )
        jobs.append((statement, params))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        rows = list(pool.map(lambda job: _read_range(snapshot, *job), jobs))
    gathered = []
    for p in range(len(strata)):
        parts = [row[2 * p + 1] for row in rows if row[2 * p + 1]]
        gathered.append((sum(row[2 * p] for row in rows), "\n".join(parts)))
    excluded = "\n".join(row[-1] for row in rows if row[-1])
    return gathered, excluded


def _digest(name: str, count: int, text: str) -> str:
    digest = hashlib.sha256(f"SC-POOL-1\n{name}\n".encode())
    if count:
        digest.update(text.encode())  # hashlib lets go of the GIL on large inputs
        digest.update(b"\n")
    return digest.hexdigest()


def store_strata(task_id: int, strata: list, gathered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Store the gathered strata in the freezing transaction and return their (count, digest);
    the hashing runs in a thread while the database takes the texts."""
    with ThreadPoolExecutor(max_workers=1) as hasher, psycopg.Cursor(connection.connection) as cursor:
        digests = [
            hasher.submit(_digest, stratum.name, count, text)
            for stratum, (count, text) in zip(strata, gathered, strict=True)
        ]
        for position, (stratum, (count, text)) in enumerate(zip(strata, gathered, strict=True)):
            cursor.execute(
                "INSERT INTO draws_frozenstratum (task_id, position, name, count, ids) VALUES (%s, %s, %s, %s, %s)",
                [task_id, position, stratum.name, count, text],
            )
        return [(count, digest.result()) for (count, _text), digest in zip(gathered, digests, strict=True)]
