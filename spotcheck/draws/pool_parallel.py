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
objects are committed, i.e. real ones: the threshold SPOTCHECK_FREEZE_PARALLEL_ROWS, applied to
the planner's estimate of the pool's scope, keeps small pools (and tests, unless a test asks
otherwise) on the single statement.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
from django.db import connection
from django.db.models.functions import Collate
from psycopg import sql

from spotcheck.drawspec import engine

logger = logging.getLogger(__name__)

# Rows read from the sample to cut the ranges: enough for ranges within a few per cent.
_SAMPLE_ROWS = 20_000


def gather_columns(strata: int, exclusions: int) -> str:
    """The select list that gathers a judged pool ``s`` (columns verdict, public_code, id; rows
    in byte order): per stratum position p its count ``c<p>`` and its ids joined by newlines
    ``i<p>``, then per kind of exclusion k (verdict -1-k) its objects' pks as 8-byte big-endian
    integers, ``x<k>`` (``PoolExclusionGroup.object_ids``). The values are joined in the order
    the rows come: an aggregate over a sorted subquery, with no join above it, takes them in
    that order (PostgreSQL manual, "Aggregate Expressions"); an ORDER BY inside string_agg would
    sort 10^7 strings again."""
    columns = [
        f"count(*) FILTER (WHERE s.verdict = {p}) AS c{p}, "
        f"string_agg(s.public_code, E'\\n') FILTER (WHERE s.verdict = {p}) AS i{p}"
        for p in range(strata)
    ]
    columns.extend(
        f"string_agg(int8send(s.id), ''::bytea) FILTER (WHERE s.verdict = {-1 - k}) AS x{k}" for k in range(exclusions)
    )
    return ", ".join(columns)


def directory_size() -> int:
    """The planner's estimate of the number of objects: free to read, good enough to choose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'directory_inspectionobject'::regclass")
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def estimated_rows(queryset) -> int:
    """The planner's estimate of how many rows ``queryset`` gives (no rows are read)."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def range_bounds(ranges: int) -> list[str]:
    """``ranges - 1`` public codes that cut the directory into ranges of about equal size, from
    a random sample of its pages."""
    with connection.cursor() as cursor:
        # All the sampled pages, not the first rows of them: pages come in physical order,
        # and a directory loaded in code order would give a sample of its low codes.
        cursor.execute(
            "SELECT public_code FROM directory_inspectionobject TABLESAMPLE SYSTEM (%s)",
            [min(100.0, 100.0 * _SAMPLE_ROWS / max(directory_size(), 1))],
        )
        sample = engine.sort_ids({code for (code,) in cursor.fetchall()})
    if len(sample) < 2 * ranges:  # too few objects to be worth cutting
        return []
    return [sample[len(sample) * k // ranges] for k in range(1, ranges)]


def _worker_params() -> dict[str, Any]:
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k not in ("cursor_factory", "context")}


# Ranges per worker: more ranges than workers balance the load (the cut points come from a
# sample), and let the freezing transaction store the first ranges while the last are read.
_RANGES_PER_WORKER = 4


class _Ranges:
    """The range statements, handed out to the workers one at a time; each result (or error)
    goes to ``done``."""

    def __init__(self, jobs: list[tuple[str, Sequence[Any]]]) -> None:
        self.jobs = list(enumerate(jobs))
        self.lock = threading.Lock()
        self.done: queue.Queue[tuple[int, tuple[Any, ...] | BaseException]] = queue.Queue()
        self.stopped = False

    def next(self) -> tuple[int, tuple[str, Sequence[Any]]] | None:
        with self.lock:
            if self.stopped or not self.jobs:
                return None
            return self.jobs.pop(0)

    def work(self, worker: psycopg.Connection, snapshot: str) -> None:
        try:
            with worker:
                worker.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                worker.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
                worker.execute("SET LOCAL work_mem = '1GB'")
                while (job := self.next()) is not None:
                    k, (statement, params) = job
                    row = worker.execute(statement, params).fetchone()
                    assert row is not None
                    self.done.put((k, row))
                worker.rollback()
        except BaseException as error:  # the freezing thread re-raises it
            self.done.put((-1, error))


def _open_workers(workers: int) -> list[psycopg.Connection]:
    """The workers' connections, or none when the server will not give them all (say at its
    connection limit): the freeze then runs as one statement rather than fail."""
    opened: list[psycopg.Connection] = []
    try:
        for _ in range(workers):
            opened.append(psycopg.connect(**_worker_params(), autocommit=False))
    except psycopg.OperationalError as error:
        logger.warning("parallel freeze: no connection for a worker (%s); one statement instead", error)
        for worker in opened:
            worker.close()
        return []
    return opened


def freeze_in_parallel(
    task_id: int, judged, strata: list, exclusions: int, workers: int
) -> tuple[list[tuple[int, str]], list[bytes]] | None:
    """Read the pool over ``workers`` connections by ranges of public codes and store each
    range's part of every stratum (FrozenStratum rows) in the freezing transaction as it comes
    in; return each stratum's (count, digest) and each of the ``exclusions`` kinds' packed pks
    (``gather_columns``). None when the directory is too small to cut."""
    bounds = range_bounds(workers * _RANGES_PER_WORKER)
    if not bounds:
        return None
    code = Collate("public_code", "C")
    columns = gather_columns(len(strata), exclusions)
    jobs = []
    for k in range(len(bounds) + 1):
        part = judged
        if k > 0:
            part = part.alias(code_from=code).filter(code_from__gte=bounds[k - 1])
        if k < len(bounds):
            part = part.alias(code_to=code).filter(code_to__lt=bounds[k])
        subquery, params = part.values_list("verdict", "public_code", "id").order_by(code).query.sql_with_params()
        jobs.append((f"SELECT {columns} FROM ({subquery}) AS s", params))  # noqa: S608
    connections = _open_workers(workers)
    if not connections:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
    except BaseException:
        for worker in connections:
            worker.close()
        raise
    ranges = _Ranges(jobs)
    counts = [0] * len(strata)
    parts: list[list[str]] = [[] for _ in strata]
    rows: dict[int, tuple[Any, ...]] = {}
    threads = [threading.Thread(target=ranges.work, args=(c, snapshot), daemon=True) for c in connections]
    for thread in threads:
        thread.start()
    try:
        with psycopg.Cursor(connection.connection) as cursor:
            for _ in jobs:
                k, row = ranges.done.get()
                if isinstance(row, BaseException):
                    raise row
                rows[k] = row
                for p, stratum in enumerate(strata):
                    count, text = row[2 * p], row[2 * p + 1]
                    if count:
                        cursor.execute(
                            "INSERT INTO draws_frozenstratum (task_id, position, name, part, count, ids) "
                            "VALUES (%s, %s, %s, %s, %s, %s)",
                            [task_id, p, stratum.name, k, count, text],
                        )
            for p, stratum in enumerate(strata):
                for k in sorted(rows):
                    if rows[k][2 * p]:
                        counts[p] += rows[k][2 * p]
                        parts[p].append(rows[k][2 * p + 1])
                if not counts[p]:  # an empty stratum still has its row
                    cursor.execute(
                        "INSERT INTO draws_frozenstratum (task_id, position, name, part, count, ids) "
                        "VALUES (%s, %s, %s, 0, 0, '')",
                        [task_id, p, stratum.name],
                    )
    finally:
        ranges.stopped = True
        for thread in threads:
            thread.join()
    with ThreadPoolExecutor(max_workers=len(strata)) as hashers:
        digests = list(hashers.map(engine.stratum_digest_of_texts, [stratum.name for stratum in strata], parts))
    first = 2 * len(strata)
    excluded = [b"".join(rows[k][first + x] or b"" for k in sorted(rows)) for x in range(exclusions)]
    return list(zip(counts, digests, strict=True)), excluded
