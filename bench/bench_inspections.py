"""Benchmark of the pages an inspector and the coordinator open every day, over a province's year
of visits (a script a person runs, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_insp_bench .venv/bin/python bench/bench_inspections.py \\
        [--visits 1000000] [--requests 30] [--runs 3]

Fills the database named by DATABASE_URL once (later runs reuse it): 100,000 objects, 2,000
inspectors in two departments, 1,000 drawn tasks of 1,000 visits each spread over the year, two
team members per visit (so each inspector is on about 1,000 visits), and one result per visit
(entered, confirmed or approved, with its item) — 10^6 visits and 10^6 results by default. The rows
are written by SQL (``generate_series``), the way the draw's writer writes them, not through the
services: the services are what the tests cover; this measures reading.

Measured through Django's test client in this process (server time: the view, its queries and the
template, no network): 我的检查 (``/inspections/mine/``, first page, and the 待实施 filter) for an
inspector on about 1,000 visits, and the deadline dashboard (``/deadlines/``: its four counts) for
the coordinator and a department admin, with the coordinator's first page of overdue results. The
baseline, in the same run on the same tables, is a plain indexed ``SELECT … FROM draws_visit
WHERE task_id = … ORDER BY id LIMIT 50``. Target (issue 13):
each page ≤ 100 ms median.

Each run prints its figures and how busy the rest of the machine was meanwhile (the CPU time of
other processes, from /proc).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import machine

machine.setup_django()

import fixtures  # noqa: E402  (needs Django set up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from spotcheck.accounts.models import Department, Membership, Region, User  # noqa: E402
from spotcheck.catalog.models import ItemVersion  # noqa: E402
from spotcheck.directory.models import InspectionObject  # noqa: E402
from spotcheck.draws.models import Task, TaskStratum  # noqa: E402
from spotcheck.inspectors.models import Inspector  # noqa: E402

TARGET_MEDIAN_MS = 100.0
PROVINCE = "330000"
DEPARTMENTS = (("ISCJG", "基准市场监管局"), ("IWSJK", "基准卫生健康委"))
OBJECTS = 100_000
INSPECTORS = 2_000
VISITS_PER_TASK = 1_000
YEAR = 2026


def prepare(visits: int) -> dict[str, User]:
    call_command("migrate", verbosity=0)
    province, _ = Region.objects.get_or_create(code=PROVINCE, defaults={"name": "基准省", "level": "province"})
    departments = fixtures.departments(province, DEPARTMENTS)
    office = fixtures.departments(province, [("ILXB", "基准联席办")])[0]
    users = {}
    for username, department, role in (
        ("bench_insp_admin", departments[0], Membership.Role.DEPT_ADMIN),
        ("bench_insp_coordinator", office, Membership.Role.COORDINATOR),
        ("bench_insp_inspector", departments[0], Membership.Role.INSPECTOR),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
        Membership.objects.get_or_create(user=user, department=department, role=role)
        users[role] = user
    version = fixtures.published_item("IBENCH-001", departments[0], "基准市场监管局")
    fixtures.inspectors(departments, "IJ", INSPECTORS, first_user=users[Membership.Role.INSPECTOR])
    if InspectionObject.objects.filter(owner_department=departments[0]).count() < OBJECTS:
        _generate_objects(departments[0], province)
    tasks_wanted = visits // VISITS_PER_TASK
    have = Task.objects.filter(lead_department__in=departments).count()
    if have < tasks_wanted:
        print(f"generating {tasks_wanted - have:,} tasks of {VISITS_PER_TASK:,} visits with teams and results (once) …")
        started = time.perf_counter()
        _generate_tasks(departments, version, users[Membership.Role.DEPT_ADMIN], have, tasks_wanted)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    _approve_all(users[Membership.Role.DEPT_ADMIN])
    return users


def _approve_all(approver: User) -> None:
    """Every generated visit approved before the visit (事前审批), once: 待实施 lists approved
    visits not yet checked in, and approval is what the pages read first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM inspections_visitapproval)")
        if cursor.fetchone()[0]:
            return
        print("approving the visits (once) …", flush=True)
        cursor.execute(
            """
            INSERT INTO inspections_visitapproval (visit_id, kind, approved_by_id, approved_at, emergency_reason,
                withdraw_reason)
            SELECT v.id, 'before', %s, now(), '', '' FROM draws_visit v
            """,
            [approver.pk],
        )
        cursor.execute("VACUUM ANALYZE inspections_visitapproval")


def _generate_objects(owner: Department, province: Region) -> None:
    fixtures.generate_objects(owner, range(OBJECTS), code_digit="8", name="基准检查企业", region_params=[province.pk])


def _generate_tasks(departments: list[Department], version: ItemVersion, creator: User, first: int, last: int) -> None:
    """Tasks ``first`` … ``last - 1``, each with one stratum, its visits (distinct objects),
    two team members per visit and one result per visit, in batches of 50 tasks. Objects and
    inspectors are picked by id arithmetic, so their ids must be contiguous (they are: each was
    written by one statement)."""
    first_object = _contiguous(InspectionObject.objects.filter(owner_department=departments[0]), OBJECTS)
    first_inspector = _contiguous(Inspector.objects.filter(department__in=departments), INSPECTORS)
    for start in range(first, last, 50):
        end = min(start + 50, last)
        with transaction.atomic():
            tasks = Task.objects.bulk_create(
                Task(
                    code=f"IB-{YEAR}-{n:05d}",
                    title=f"基准抽查任务{n}",
                    lead_department=departments[n % 2],
                    window_start=dt.date(YEAR, 1, 1) + dt.timedelta(days=(n * 7) % 300),
                    window_end=dt.date(YEAR, 1, 1) + dt.timedelta(days=(n * 7) % 300 + 60),
                    max_visits_per_inspector=VISITS_PER_TASK,
                    slots=[{"name": "组长", "dept": departments[n % 2].code, "quals": []}],
                    lead_slot="组长",
                    status=Task.Status.DRAWN,
                    created_by=creator,
                )
                for n in range(start, end)
            )
            Task.items.through.objects.bulk_create(
                Task.items.through(task_id=t.pk, itemversion_id=version.pk) for t in tasks
            )
            TaskStratum.objects.bulk_create(
                TaskStratum(task=t, position=1, name="全部", ratio="0.01", count=OBJECTS) for t in tasks
            )
            ids = [t.pk for t in tasks]
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO draws_visit (task_id, inspection_object_id, stratum_id, rank, public_id)
                    SELECT t.id, o.id, s.id, n, o.public_code
                      FROM draws_task t
                      JOIN draws_taskstratum s ON s.task_id = t.id
                      CROSS JOIN generate_series(1, %s) AS n
                      JOIN directory_inspectionobject o ON o.id = %s + (t.id * 7919 + n) %% %s
                     WHERE t.id = ANY(%s)
                    """,
                    [VISITS_PER_TASK, first_object, OBJECTS, ids],
                )
                cursor.execute(
                    """
                    INSERT INTO draws_visitmember (visit_id, inspector_id, slot, position, is_lead)
                    SELECT v.id, i.id, CASE WHEN k = 0 THEN '组长' ELSE '组员' END, k + 1, k = 0
                      FROM draws_visit v
                      CROSS JOIN generate_series(0, 1) AS k
                      JOIN inspectors_inspector i ON i.id = %s + (v.id * 2 + k) %% %s
                     WHERE v.task_id = ANY(%s)
                    """,
                    [first_inspector, INSPECTORS, ids],
                )
                cursor.execute(
                    """
                    INSERT INTO results_visitresult (visit_id, status, outcome, not_carried_out_reason,
                        not_carried_out_note, completed_on, revision, entered_by_id, entered_at, updated_by_id,
                        updated_at, confirmed_at, publication_due_on, publication_due_provisional)
                    SELECT v.id, (ARRAY['entered','confirmed','confirmed','approved'])[1 + v.id %% 4],
                           'carried_out', '', '', t.window_start + (v.rank %% 60), 1, %s, now(), %s, now(),
                           CASE WHEN v.id %% 4 = 0 THEN NULL ELSE now() END,
                           CASE WHEN v.id %% 4 = 0 THEN NULL ELSE t.window_start + (v.rank %% 60) + 28 END, false
                      FROM draws_visit v JOIN draws_task t ON t.id = v.task_id
                     WHERE v.task_id = ANY(%s)
                    """,
                    [creator.pk, creator.pk, ids],
                )
                # The visit's copy of its result's status, as the result services keep it.
                cursor.execute(
                    """
                    UPDATE draws_visit v SET result_state = r.status
                      FROM results_visitresult r WHERE r.visit_id = v.id AND v.task_id = ANY(%s)
                    """,
                    [ids],
                )
                cursor.execute(
                    """
                    INSERT INTO results_itemresult (visit_result_id, item_version_id, department_id, checked,
                        method, adopted_from, codes, problem_found, answers, note, checked_on)
                    SELECT r.id, %s, %s, true, '1', '',
                           CASE WHEN r.id %% 10 = 0 THEN '["A","D"]'::jsonb ELSE '["1"]'::jsonb END,
                           r.id %% 10 = 0, '[]'::jsonb, '', r.completed_on
                      FROM results_visitresult r JOIN draws_visit v ON v.id = r.visit_id
                     WHERE v.task_id = ANY(%s)
                    """,
                    [version.pk, version.item.department_id, ids],
                )
        print(f"  tasks {end:,} / {last:,}", flush=True)
    with connection.cursor() as cursor:
        for table in ("draws_task", "draws_visit", "draws_visitmember", "results_visitresult", "results_itemresult"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _contiguous(rows, count: int) -> int:
    from django.db.models import Count, Max, Min

    found = rows.aggregate(low=Min("pk"), high=Max("pk"), n=Count("pk"))
    if found["n"] != count or found["high"] - found["low"] + 1 != count:
        raise SystemExit(f"expected {count:,} rows with contiguous ids in {rows.model.__name__}: use a fresh database")
    return found["low"]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _time(label: str, call: Callable[[], object], requests: int) -> list[float]:
    for _ in range(3):  # warm caches and connections
        call()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _page(client: Client, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    return get


def _baseline(task_id: int) -> Callable[[], object]:
    def select() -> object:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, inspection_object_id, stratum_id, rank, public_id FROM draws_visit"
                " WHERE task_id = %s ORDER BY id LIMIT 50",
                [task_id],
            )
            return cursor.fetchall()

    return select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="requests per page per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/sc_insp_bench).")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(machine.describe())
    users = prepare(args.visits)
    visits = connection.cursor()
    visits.execute("SELECT count(*) FROM draws_visit")
    print(f"{visits.fetchone()[0]:,} visits in the database")
    inspector = Client()
    inspector.force_login(users[Membership.Role.INSPECTOR])
    coordinator = Client()
    coordinator.force_login(users[Membership.Role.COORDINATOR])
    admin = Client()
    admin.force_login(users[Membership.Role.DEPT_ADMIN])
    task_id = Task.objects.filter(code__startswith=f"IB-{YEAR}-").order_by("code").values_list("pk", flat=True)[0]
    pages: list[tuple[str, Callable[[], object], float]] = [
        ("baseline: SELECT … WHERE task_id = … ORDER BY id LIMIT 50", _baseline(task_id), 0.0),
        ("我的检查, first page (inspector on ~1,000 visits)", _page(inspector, "/inspections/mine/"), TARGET_MEDIAN_MS),
        ("我的检查, 待实施", _page(inspector, "/inspections/mine/?state=pending"), TARGET_MEDIAN_MS),
        ("期限看板, coordinator (all departments)", _page(coordinator, "/deadlines/"), TARGET_MEDIAN_MS),
        ("期限看板, department admin", _page(admin, "/deadlines/"), TARGET_MEDIAN_MS),
        ("逾期未公示, coordinator", _page(coordinator, "/deadlines/results-overdue/"), TARGET_MEDIAN_MS),
    ]
    medians: dict[str, list[float]] = {label: [] for label, _, _ in pages}
    for run in range(1, args.runs + 1):
        figures = []
        with machine.CpuWatch(_backend_pid()) as watch:
            for label, call, _ in pages:
                timings = _time(label, call, args.requests)
                median = statistics.median(timings)
                medians[label].append(median)
                p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
                figures.append(f"  {label}: median {median:.1f} ms, p95 {p95:.1f} ms")
        print(f"run {run} ({watch.describe()}):")
        print("\n".join(figures))
    base = statistics.median(medians[pages[0][0]])
    print("over all runs:")
    for label, _, target in pages[1:]:
        median = statistics.median(medians[label])
        verdict = "met" if median <= target else "NOT met"
        ratio = median / base
        print(f"  {label}: median {median:.1f} ms = {ratio:.0f}× the baseline; target ≤ {target:.0f} ms {verdict}")


if __name__ == "__main__":
    main()
