"""Searching the objects directory by a fragment of the name, as the list page does.

Target (issue 2): a 3-character name fragment over 1,000,000 objects in ≤ 50 ms median on
PostgreSQL. Each query is what the list page runs (``object_list_results`` + ``Paginator``):
the first page of 50 rows in code order and the result count, capped at 1,000 matches.
Fragments are 3-character substrings of randomly chosen names (fixed seed), so common words
and rare shop names both occur. The baseline, in the same run on the same data,
is the same query with index scans switched off (a sequential scan: what LIKE costs without
pg_trgm).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_demo \
        .venv/bin/python bench/bench_search.py [--objects 1000000] [--queries 60]

If the database has no objects yet it is migrated and the demo region is loaded with
--objects objects first (about 4 minutes per million on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine


def _fragments(names: list[str], count: int, rng: random.Random) -> list[str]:
    out = []
    while len(out) < count:
        name = rng.choice(names)
        if len(name) >= 3:
            start = rng.randrange(len(name) - 2)
            out.append(name[start : start + 3])
    return out


def _time_queries(scope, fragments: list[str], page_size: int) -> list[float]:
    from django.core.paginator import Paginator

    from spotcheck.directory.selectors import object_list_results

    timings = []
    for fragment in fragments:
        started = time.perf_counter()
        _, results = object_list_results(scope, {"q": fragment})
        page = Paginator(results, page_size).get_page(1)
        list(page.object_list)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sc_demo")
    machine.setup_django()

    from django.core.management import call_command
    from django.db import connection

    from spotcheck.accounts.models import User
    from spotcheck.accounts.scope import scope_for
    from spotcheck.directory.models import InspectionObject

    print(machine.describe())
    call_command("migrate", verbosity=0)
    total = InspectionObject.objects.count()
    if total == 0:
        print(f"loading the demo region with {args.objects:,} objects …", flush=True)
        call_command("demo_data", objects=args.objects, inspectors=300, verbosity=0)
        total = InspectionObject.objects.count()
    print(f"objects in the directory: {total:,}")
    if connection.vendor != "postgresql":
        print("note: the target is for PostgreSQL; this run is on", connection.vendor)

    user = User.objects.get(username="coordinator")  # region-wide: searches every object
    scope = scope_for(user)
    rng = random.Random(args.seed)
    sample_ids = [rng.randrange(1, total + 1) for _ in range(args.queries * 2)]
    names = list(InspectionObject.objects.filter(pk__in=sample_ids).values_list("name", flat=True))
    fragments = _fragments(names, args.queries, rng)
    _time_queries(scope, fragments[:5], 50)  # warm the cache

    indexed = _time_queries(scope, fragments, 50)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        baseline = _time_queries(scope, fragments, 50)
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_indexscan; RESET enable_bitmapscan")
    else:
        baseline = []

    def line(label: str, values: list[float]) -> str:
        q = statistics.quantiles(values, n=20)
        return (
            f"{label:<34} median {statistics.median(values):8.1f} ms   p95 {q[18]:8.1f} ms   "
            f"max {max(values):8.1f} ms   ({len(values)} queries)"
        )

    print(f"3-character fragments, e.g. {', '.join(fragments[:6])}")
    print(line("trigram index (the platform)", indexed))
    if baseline:
        print(line("baseline: sequential scan", baseline))
        print(f"speed-up over the baseline: {statistics.median(baseline) / statistics.median(indexed):.1f}×")
    verdict = "MET" if statistics.median(indexed) <= 50 else "NOT MET"
    print(f"target ≤ 50 ms median at 10^6 objects: {verdict}")


if __name__ == "__main__":
    main()
