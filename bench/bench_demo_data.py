"""How fast `manage.py demo_data` fills PostgreSQL: rows/s for 10^5 and 10^6 objects.

Each size runs in a fresh child process against a freshly created database (so memory and
timings are per size): create the database, migrate, then time ``demo_load`` (the same service
the command runs; COPY on PostgreSQL). The database named in DATABASE_URL is DROPPED and
recreated, so its name must end in "_demo" (default postgres://postgres@127.0.0.1:5432/sc_demo).

    .venv/bin/python bench/bench_demo_data.py [--sizes 100000 1000000] [--inspectors 300]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sc_demo"


def _recreate_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    if not name.endswith("_demo"):
        raise SystemExit(f"refusing to drop database {name!r}: its name must end in '_demo'")
    admin = psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def run_one(objects: int, inspectors: int, batch_size: int) -> dict:
    """Child: fresh database, migrate, load; print one JSON line."""
    _recreate_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import machine

    machine.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from spotcheck.audit.context import audit_source
    from spotcheck.demo.services import demo_load

    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark measures PostgreSQL: set DATABASE_URL to a postgres:// URL")
    marks: dict[str, float] = {}

    def progress(done: int, total: int, seconds: float) -> None:
        marks.setdefault("first_batch", seconds)
        marks["last"] = seconds

    started = time.perf_counter()
    with audit_source("cli"):
        result = demo_load(
            actor="bench_demo_data", objects=objects, inspectors=inspectors, batch_size=batch_size, progress=progress
        )
    total = time.perf_counter() - started
    counts = result.counts
    related = sum(counts[k] for k in ("tags", "supervisions", "licences", "penalties", "level_changes"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "objects": objects,
                "related_rows": related,
                "seconds": round(total, 1),
                "objects_per_s": round(objects / total),
                "rows_per_s": round((objects + related) / total),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "db_mib": round(size / 2**20),
                "machine": machine.describe(),
            }
        )
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--inspectors", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if args.one is not None:
        run_one(args.one, args.inspectors, args.batch_size)
        return

    results = []
    for size in args.sizes:
        command = [sys.executable, os.path.abspath(__file__), "--one", str(size)]
        command += ["--inspectors", str(args.inspectors), "--batch-size", str(args.batch_size)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(results[0]["machine"])
    print(f"demo_data on PostgreSQL (COPY), batch size {args.batch_size}, {args.inspectors} inspectors, all indexes on")
    header = ("objects", "+ related", "seconds", "objects/s", "rows/s", "peak RSS", "DB size")
    print(" ".join(f"{h:>10}" for h in header))
    for r in results:
        print(
            f"{r['objects']:>10,} {r['related_rows']:>10,} {r['seconds']:>10} {r['objects_per_s']:>10,} "
            f"{r['rows_per_s']:>10,} {r['peak_rss_mib']:>6} MiB {r['db_mib']:>6} MiB"
        )


if __name__ == "__main__":
    main()
