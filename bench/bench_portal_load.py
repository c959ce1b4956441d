"""The public portal under load (issue 14, quality bar): the portal's pages, its search and the open
data API served by gunicorn on PostgreSQL at a province's scale, loaded from a second process on
loopback.

Target: ≥ 300 requests/s with p95 ≤ 200 ms and no errors, for a mixed load of 60 s, with 10^7
objects in the directory and 10^6 published results, on this 2-core machine (the server, its
database and the load generator share the two cores).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_portal_load \\
        .venv/bin/python bench/bench_portal_load.py [--objects 10000000] [--results 1000000] \\
        [--duration 60] [--connections 8] [--workers 4] [--runs 2] [--kind-seconds 5]

Needs Debian's ``wrk`` (``apt-get install -y wrk``).

Data: ``bench/portal_data.py`` (shared with bench_portal_search.py) loads the demo region and
fills the directory and the search tables by SQL, then makes the published rows the pages and
the API read: each generated search row becomes a visit, its result and a ``PublishedResult``
whose public record names the object, 100 of one department's results a task (with its draw
and stratum) and its result notice — cloned in SQL from one chain the demo published, about
10^4 tasks and notices. Each step is done once and found again by later runs.

Server: gunicorn (not runserver) from the project's requirements, production settings by the
environment: DEBUG off, ALLOWED_HOSTS, a fresh secret, persistent database connections
(``DATABASE_CONN_MAX_AGE``), the open data API's per-address throttle raised for the run (the
whole load comes from one address: at the deployed 120/minute nearly every API call would be a
429). Sync workers, 2 per core: a request either computes in Python or waits on PostgreSQL on
this same machine, so two per core keep the cores busy without queueing inside a worker (no
keep-alive: sync workers close each connection, as behind a proxy).

Load: ``wrk`` with ``bench/load.lua``, which picks each request at random from a list of paths
built from the data (many distinct enterprises, tasks, notices and name fragments, so that it
is no cache test) in fixed proportions: portal pages (the home page, plans, task list and task
pages, result notices, enterprise pages), searches (by name fragment, by USCC, department and
year, result and quarter) and open API calls (items, plans, tasks, notices, results, the
enterprise search, an enterprise's results). Errors are socket errors plus responses ≥ 400.
Each run is the mixed load, then the same load on one static file served by the same gunicorn
(WhiteNoise) — the ceiling of the server on this machine; after the runs, each kind of path
alone for a few seconds, with the CPU per request of the gunicorn workers and of PostgreSQL
(where the time goes). Each run says how busy the rest of the machine was (``machine.CpuWatch``,
less the server, its database backends and wrk).

Figures (2026-12-05, 2 cores AMD EPYC, PostgreSQL 15.20, the rest of the machine quiet: 0.0–0.1
of the cores busy): data generated once in about 15 minutes (directory 10 min, search tables
101 s, result chain 154 s). As deployed (portal pages and open-data answers kept 60 s in Redis,
portal/page_cache.py): mixed load 342 and 344 req/s, p50 18 ms, p95 75 and 72 ms, no errors,
78 % of the requests served from kept pages (20,000 requests a run drawn from a mix of 10,000,
so a path recurs) — target met; static ceiling 3,998 and 3,881 req/s, p95 3 ms. Every page
computed (--page-cache-seconds 0): 108 req/s, p50 71 ms, p95 115 ms, no errors — the
throughput target not met without the kept pages. Each kind alone, computed (CPU per request,
gunicorn / PostgreSQL): result notice page (100 results) 25 / 3 ms, task page 20 / 6 ms, name
search 10 / 3.5 ms, enterprise page 6 / 1 ms, an enterprise's results in the API 8 / 1.6 ms —
Django's templates and model building, not the database, are where the time goes. Before this
work (same data, other work keeping 1.1–1.4 cores busy): 10–19 req/s, p95 2–3 s, the open data's
results by department and year at 811 ms of the database each. README, Benchmarks, has the
details.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine
import portal_data

HERE = Path(__file__).resolve().parent

TARGET_RPS = 300.0
TARGET_P95_MS = 200.0
STATIC_PATH = "/static/spotcheck/app.css"
API = "/public/api/v1"

# The mix: each kind's share of the requests (%).
MIX = {
    "home": 5,
    "plans": 3,
    "task list": 4,
    "task page": 8,
    "notice list": 4,
    "notice page": 10,
    "enterprise page": 18,
    "search name": 12,
    "search uscc/dept/result": 8,
    "api lists": 8,
    "api results filtered": 4,
    "api enterprise search": 6,
    "api enterprise results": 10,
}


def _paths(cursor, rng: random.Random, count: int) -> dict[str, list[str]]:
    """``count`` paths of each kind, from the data."""

    def sample(sql: str, params=()) -> list:
        cursor.execute(sql, params)
        return [row[0] if len(row) == 1 else row for row in cursor.fetchall()]

    plans = sample("SELECT id FROM planning_annualplan WHERE status = 'published' ORDER BY id")
    task_codes = sample(
        "SELECT t.code FROM draws_task t JOIN publication_resultnotice n ON n.task_id = t.id "
        "ORDER BY random() LIMIT %s",
        [count],
    )
    notices = sample("SELECT id FROM publication_resultnotice ORDER BY random() LIMIT %s", [count])
    cursor.execute("SELECT count(*) FROM publication_resultnotice")
    notice_pages = max(1, cursor.fetchone()[0] // 50)
    enterprises = sample(
        "SELECT public_code FROM publication_publicobject TABLESAMPLE SYSTEM (1) ORDER BY random() LIMIT %s",
        [count],
    )
    departments = sample("SELECT code FROM accounts_department ORDER BY id")
    searches = portal_data.search_queries(cursor, rng, count)
    other = [*searches["uscc"], *searches["department+year"], *searches["result+date"]]
    rng.shuffle(other)
    names = [p["q"] for p in searches["name"]]

    def q(path: str, params: dict) -> str:
        return f"{path}?{urlencode(params)}"

    def pick(values: list):
        return values[rng.randrange(len(values))]

    page = lambda top: rng.randrange(1, top + 1)  # noqa: E731
    # Each list's pages that exist (a page beyond the last is a 400): the small lists' first.
    cursor.execute(
        "SELECT (SELECT count(*) FROM draws_task WHERE announced_at IS NOT NULL), "
        "(SELECT count(*) FROM publication_resultnotice), "
        "(SELECT count(*) FROM publication_publishedresult WHERE state = 'current')"
    )
    sizes = cursor.fetchone()
    api_lists = [
        ("items", 1),
        ("plans", 1),
        *(
            (name, max(1, min(10, size // 50)))
            for name, size in zip(("tasks", "notices", "results"), sizes, strict=True)
        ),
    ]
    return {
        "home": ["/public/"] * count,
        "plans": [pick(["/public/plans/", *(f"/public/plans/{p}/" for p in plans)]) for _ in range(count)],
        "task list": [q("/public/tasks/", {"page": page(20)}) for _ in range(count)],
        "task page": [f"/public/tasks/{c}/" for c in task_codes],
        "notice list": [q("/public/results/", {"page": page(min(notice_pages, 20))}) for _ in range(count)],
        "notice page": [f"/public/results/{n}/" for n in notices],
        "enterprise page": [f"/public/enterprises/{c}/" for c in enterprises],
        "search name": [q("/public/search/", {"q": n}) for n in names],
        "search uscc/dept/result": [q("/public/search/", p) for p in other[:count]],
        "api lists": [
            q(f"{API}/{name}/", {"page": page(top)}) for name, top in (pick(api_lists) for _ in range(count))
        ],
        "api results filtered": [
            q(f"{API}/results/", {"department": pick(departments), "year": rng.choice((2024, 2025, 2026))})
            for _ in range(count)
        ],
        "api enterprise search": [q(f"{API}/enterprises/", {"q": n}) for n in names],
        "api enterprise results": [f"{API}/enterprises/{c}/results/" for c in enterprises],
    }


def _write(paths: list[str]) -> str:
    fd, name = tempfile.mkstemp(prefix="spotcheck-load-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write("\n".join(paths) + "\n")
    return name


def _mixed(kinds: dict[str, list[str]], rng: random.Random) -> list[str]:
    mixed = []
    for kind, share in MIX.items():
        mixed.extend(rng.choice(kinds[kind]) for _ in range(share * 100))
    rng.shuffle(mixed)
    return mixed


class Server:
    """gunicorn serving the project on a free loopback port, with production settings."""

    def __init__(self, workers: int, worker_class: str, threads: int, page_cache: int, redis_url: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_CONN_MAX_AGE": "600",
            # The whole load comes from one address: the per-address throttle is raised for the run.
            "SPOTCHECK_OPENDATA_RATE": "100000000/minute",
            # The portal's kept pages (portal/page_cache.py), in the Redis all workers share, as
            # README's Deploying sets it up; without Redis each worker keeps its own.
            "SPOTCHECK_PORTAL_CACHE_SECONDS": str(page_cache),
            "SPOTCHECK_REDIS_URL": redis_url,
        }
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "spotcheck.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=HERE.parent, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/public/", timeout=30) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        self.stop()
        sys.exit("gunicorn did not answer /public/ within 60 s")

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [self.process.pid, *(int(p) for p in children)]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _backends(cursor) -> list[int]:
    """The database backends serving the server (not this process's own)."""
    cursor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'"
    )
    return [p for (p,) in cursor.fetchall()]


def _check(base: str, kinds: dict[str, list[str]]) -> list[str]:
    """A few paths of each kind fetched once: any answer ≥ 400 named before the load."""
    failed = []
    for kind, paths in kinds.items():
        for path in paths[:3]:
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
                    response.read()
            except urllib.error.HTTPError as error:
                failed.append(f"{kind}: {path} → {error.code}")
    return failed


WRK_LINE = re.compile(r"WRK (.*)")
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before each run


def _redis() -> str:
    """The local Redis's URL if it answers, else "" (each worker then keeps pages on its own)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # no Redis, whatever the reason: run without it
        return ""
    return REDIS_URL


def _empty_cache(redis_url: str) -> None:
    # Each run starts with no kept page, so that no run profits from the one before.
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def _wrk(base: str, path_file: str, seconds: int, connections: int, threads: int) -> dict[str, float]:
    result = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "load.lua"),
            base,
            "--",
            path_file,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = WRK_LINE.search(result.stdout)
    if not found:
        sys.exit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    figures = {k: float(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    figures["rps"] = figures["requests"] / (figures["duration"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout", "status"))
    return figures


def _describe(label: str, f: dict[str, float], extra: str = "") -> str:
    errors = f"errors {f['errors']:.0f}"
    if f["errors"]:
        errors += (
            f" (status ≥ 400: {f['status']:.0f}, connect {f['connect']:.0f}, read {f['read']:.0f}, "
            f"write {f['write']:.0f}, timeout {f['timeout']:.0f})"
        )
    kept = f", {f['hits'] / max(f['requests'], 1):.0%} from kept pages" if f.get("hits") else ""
    return (
        f"  {label:<26} {f['rps']:7.1f} req/s   p50 {f['p50'] / 1000:6.1f} ms   p95 {f['p95'] / 1000:6.1f} ms   "
        f"p99 {f['p99'] / 1000:6.1f} ms   {f['requests']:,.0f} requests, {errors}{kept}{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=10_000_000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--per-task", type=int, default=100, help="published results per task and notice")
    parser.add_argument("--duration", type=int, default=60, help="seconds of each mixed and static run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--worker-threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=60,
        help="SPOTCHECK_PORTAL_CACHE_SECONDS of the server (60, as deployed; 0: every page computed)",
    )
    parser.add_argument("--kind-seconds", type=int, default=5, help="seconds of each kind alone (0: none)")
    parser.add_argument("--paths", type=int, default=2000, help="distinct paths per kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--load-only", action="store_true", help="generate the data and stop")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("this benchmark needs wrk: apt-get install -y wrk")
    portal_data.open_database("sc_portal_load")

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        found = portal_data.prepare(cursor, args.objects, args.results)
        portal_data.fill_result_chain(cursor, args.per_task)
        cursor.execute(
            "SELECT (SELECT count(*) FROM publication_publishedresult WHERE state = 'current'), "
            "(SELECT count(*) FROM publication_resultnotice), (SELECT count(*) FROM draws_task)"
        )
        published, notices, tasks = cursor.fetchone()
    print(
        f"data: {found['objects']:,} objects; {published:,} published results in {notices:,} notices "
        f"({found['published_objects']:,} enterprises, {tasks:,} tasks) — ready in {time.perf_counter() - began:.0f} s"
    )
    if args.load_only:
        return
    if not (Path(settings.STATIC_ROOT) / STATIC_PATH.removeprefix("/static/")).exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        kinds = _paths(cursor, rng, args.paths)
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    mix = _mixed(kinds, rng)
    mixed_file = _write(mix)
    static_file = _write([STATIC_PATH])
    kind_files = {kind: _write(paths) for kind, paths in kinds.items()}
    connection.close()  # the bench's own connection is not part of the load

    redis_url = _redis() if args.page_cache_seconds else ""
    server = Server(args.workers, args.worker_class, args.worker_threads, args.page_cache_seconds, redis_url)
    print(
        f"server: gunicorn, {args.workers} {args.worker_class} workers"
        + (f" × {args.worker_threads} threads" if args.worker_threads > 1 else "")
        + f" on {os.cpu_count()} cores (2 per core: each request computes in Python or waits on PostgreSQL "
        "on this machine); DEBUG off, ALLOWED_HOSTS 127.0.0.1, a fresh secret, DATABASE_CONN_MAX_AGE=600; "
        "SPOTCHECK_OPENDATA_RATE raised to 100000000/minute for the run (all requests come from one address; "
        "the deployed 120/minute per address would answer most API calls with 429); "
        + (
            f"portal pages kept for anonymous visitors {args.page_cache_seconds} s"
            + (f" in Redis ({redis_url}, emptied before each run)" if redis_url else " in each worker's memory")
            if args.page_cache_seconds
            else "no portal page kept (SPOTCHECK_PORTAL_CACHE_SECONDS=0: every page computed)"
        )
    )
    print(
        f"load: wrk, {args.connections} connections, {args.threads} threads, {args.duration} s per run; "
        f"mix (%): {', '.join(f'{k} {v}' for k, v in MIX.items())}; "
        f"{len(mix):,} requests drawn from {sum(len(set(p)) for p in kinds.values()):,} paths, "
        f"{len(set(mix)):,} distinct, picked at random for the run (so a path recurs: the share served "
        "from kept pages depends on it; --page-cache-seconds 0 gives every page computed)"
    )
    print(f"target: ≥ {TARGET_RPS:.0f} requests/s with p95 ≤ {TARGET_P95_MS:.0f} ms and no errors")
    server.start()
    try:
        failed = _check(server.base, kinds)
        for line in failed:
            print(f"  FAILS before the load: {line}")
        from django.db import connection as db

        with db.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

        def own_pids() -> list[int]:
            with db.cursor() as cursor:
                return server.worker_pids() + _backends(cursor)

        _wrk(server.base, mixed_file, 5, args.connections, args.threads)  # warm every worker
        mixed_runs, static_runs = [], []
        for run in range(args.runs):
            print(f"run {run + 1}:")
            _empty_cache(redis_url)
            with machine.CpuWatch(backend_pid, own_pids) as watch:
                mixed = _wrk(server.base, mixed_file, args.duration, args.connections, args.threads)
            mixed_runs.append(mixed)
            print(_describe("mixed load", mixed))
            print(f"  {watch.describe()}")
            with machine.CpuWatch(backend_pid, own_pids) as watch:
                static = _wrk(server.base, static_file, args.duration, args.connections, args.threads)
            static_runs.append(static)
            print(_describe(f"static {STATIC_PATH}", static, "   (the ceiling)"))
            print(f"  {watch.describe()}")
        if args.kind_seconds:
            print(
                f"each kind alone ({args.kind_seconds} s each): CPU per request of the gunicorn workers "
                "(Python) and of PostgreSQL's backends"
            )
            for kind, name in kind_files.items():
                with db.cursor() as cursor:
                    pg = _backends(cursor)
                _empty_cache(redis_url)
                before_workers = sum(machine.process_cpu(p) for p in server.worker_pids())
                before_pg = sum(machine.process_cpu(p) for p in pg)
                figures = _wrk(server.base, name, args.kind_seconds, args.connections, args.threads)
                workers_ms = (sum(machine.process_cpu(p) for p in server.worker_pids()) - before_workers) * 1000
                with db.cursor() as cursor:
                    pg = set(pg) | set(_backends(cursor))
                pg_ms = (sum(machine.process_cpu(p) for p in pg) - before_pg) * 1000
                n = max(figures["requests"], 1)
                print(
                    _describe(
                        kind,
                        figures,
                        f"   CPU/request: server {workers_ms / n:5.1f} ms, PostgreSQL {pg_ms / n:5.1f} ms",
                    )
                )
    finally:
        server.stop()
        for name in [mixed_file, static_file, *kind_files.values()]:
            os.unlink(name)
    best = max(mixed_runs, key=lambda f: f["rps"])
    met = all(f["rps"] >= TARGET_RPS and f["p95"] / 1000 <= TARGET_P95_MS and not f["errors"] for f in mixed_runs)

    def each(runs: list[dict[str, float]], key: str, scale: float = 1) -> str:
        return ", ".join(f"{f[key] / scale:.0f}" for f in runs)

    print(
        f"all {args.runs} runs: mixed {each(mixed_runs, 'rps')} req/s, p50 {each(mixed_runs, 'p50', 1000)} ms, "
        f"p95 {each(mixed_runs, 'p95', 1000)} ms, errors {sum(f['errors'] for f in mixed_runs):.0f}; "
        f"static ceiling {each(static_runs, 'rps')} req/s, p95 {each(static_runs, 'p95', 1000)} ms"
    )
    print(
        f"target ≥ {TARGET_RPS:.0f} req/s, p95 ≤ {TARGET_P95_MS:.0f} ms, no errors: "
        f"{'met' if met else 'NOT MET'} (best run {best['rps']:.0f} req/s, p95 {best['p95'] / 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
