"""Benchmark of the verifiable draw (a script a person runs, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_draw_bench .venv/bin/python bench/bench_draw.py

Fills the database named by DATABASE_URL (once; later runs reuse it) with a directory of
--objects objects (10,000,000 by default) in a province region, 100,000 more in one county,
and 2,000 inspectors in two departments. Then, through the platform's own services, a task
over all of the province's objects in 3 credit strata at 1 %, with 2 slots per target:
freeze (pool in byte order, digests, roster, exclusions) → announce (commitment) → two witness
inputs → draw and match, timed end to end, with peak memory. The baseline in the same run is
PostgreSQL's ``SELECT id … ORDER BY random() LIMIT n`` on the same table, which draws the same
number of objects but proves nothing. Then the same ceremony on the county's 100,000 objects.
Targets: no slower than the baseline at 10^7; ≤ 1 s end to end for the county; ≤ 2 GiB peak.

``--yearly-cap N`` first sets the province's 无事不扰 cap (the joint office's rule) to N draws a
year, so every object drawn N times by the earlier runs of the last year is left out of the
pool, each listed with its reason: the cost of a province's exclusions (reported, not a target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import machine

machine.setup_django()

import fixtures  # noqa: E402  (needs Django set up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from spotcheck.accounts.models import Department, Membership, Region, User  # noqa: E402
from spotcheck.audit.context import audit_source  # noqa: E402
from spotcheck.catalog.models import ItemVersion  # noqa: E402
from spotcheck.directory.models import InspectionObject  # noqa: E402
from spotcheck.draws import frequency, services  # noqa: E402
from spotcheck.draws.models import Task  # noqa: E402

PROVINCE, COUNTY = "320000", "320999"
DEPARTMENTS = (("BSCJG", "基准市场监管"), ("BWSJK", "基准卫健"))
INSPECTORS = 2000


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(objects: int) -> tuple[User, list[Department], ItemVersion]:
    call_command("migrate", verbosity=0)
    province, _ = Region.objects.get_or_create(code=PROVINCE, defaults={"name": "基准省", "level": "province"})
    county, _ = Region.objects.get_or_create(code=COUNTY, defaults={"name": "基准县", "level": "county"})
    departments = fixtures.departments(province, DEPARTMENTS)
    user, _ = User.objects.get_or_create(username="bench_draw", defaults={"full_name": "基准测试"})
    for department in departments:
        Membership.objects.get_or_create(user=user, department=department, role=Membership.Role.DEPT_ADMIN)
    witnesses = []
    for department in departments:
        witness, _ = User.objects.get_or_create(username=f"bench_witness_{department.code}")
        Membership.objects.get_or_create(user=witness, department=department, role=Membership.Role.WITNESS)
        witnesses.append(witness)
    version = fixtures.published_item("BENCH-001", departments[0], "基准市场监管")
    fixtures.inspectors(departments, "BJ", INSPECTORS)
    have = InspectionObject.objects.filter(owner_department=departments[0]).count()
    if have < objects + 100_000:
        print(f"generating {objects:,} + 100,000 objects (once) …", flush=True)
        started = time.perf_counter()
        generate_objects(departments[0], province, county, objects, have)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return user, departments, version


def generate_objects(owner: Department, province: Region, county: Region, objects: int, have: int) -> None:
    """SQL-generated rows (credit levels A 10 %, B 40 %, C 30 %, D 20 %), the first ``objects``
    in the province, 100,000 more in the county."""
    fixtures.generate_objects(
        owner,
        range(have, objects + 100_000),
        code_digit="9",
        name="基准企业",
        credit_sql="(ARRAY['A','B','B','B','B','C','C','C','D','D'])[1 + g %% 10]",
        region_sql="CASE WHEN g < %s THEN %s ELSE %s END",
        region_params=[objects, province.pk, county.pk],
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE directory_inspectionobject")


def set_yearly_cap(cap: int | None) -> None:
    """The province's yearly cap, set by its joint office's coordinator through the service."""
    region = Region.objects.get(code=PROVINCE)
    office, _ = Department.objects.get_or_create(
        code="BLXB", defaults={"name": "基准联席办", "short_name": "基准联席办", "region": region}
    )
    coordinator, _ = User.objects.get_or_create(username="bench_coordinator")
    Membership.objects.get_or_create(user=coordinator, department=office, role=Membership.Role.COORDINATOR)
    with audit_source("cli"):
        frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=cap)


def ceremony(user: User, departments: list[Department], version: ItemVersion, region: str, label: str) -> float:
    witnesses = [User.objects.get(username=f"bench_witness_{d.code}") for d in departments]
    started = time.perf_counter()
    with audit_source("cli"):
        task = services.task_create(
            actor=user,
            lead_department=departments[0],
            title=f"基准抽查（{label}）",
            items=[version],
            window_start=dt.date(2026, 3, 1),
            window_end=dt.date(2026, 11, 30),
            scope={"regions": [region]},
            strata=[
                {"name": "A类", "filter": {"credit_levels": ["A"]}, "ratio": "0.01"},
                {"name": "B类", "filter": {"credit_levels": ["B"]}, "ratio": "0.01"},
                {"name": "C类和D类", "filter": {"credit_levels": ["C", "D"]}, "ratio": "0.01"},
            ],
            slots=[
                {"name": "组长", "dept": departments[0].code, "quals": []},
                {"name": "组员", "dept": departments[1].code, "quals": []},
            ],
            lead_slot="组长",
            max_visits_per_inspector=1_000_000,
            kind=Task.Kind.JOINT,
            participating_departments=departments,
            frequency_cap_days=0,
            exclude_last_inspector=False,
        )
        services.task_freeze(actor=user, task=task)
        frozen = time.perf_counter()
        services.task_announce(actor=user, task=task)
        for n, witness in enumerate(witnesses):
            services.witness_input_add(actor=witness, task=task, value=f"{n}31415926")
        services.task_draw(actor=user, task=task)
    elapsed = time.perf_counter() - started
    task.refresh_from_db()
    targets = task.visits.count()
    excluded = sum(task.exclusion_groups.values_list("count", flat=True))
    print(
        f"{label}: verifiable draw of {targets:,} targets with teams from {task.frozen_pool.member_count:,} "
        f"objects ({excluded:,} excluded), end to end {elapsed:.2f} s (freeze {frozen - started:.2f} s); "
        f"peak memory {peak_mib():,.0f} MiB"
    )
    return elapsed


def baseline(region: Region, n: int) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM directory_inspectionobject WHERE region_id = %s ORDER BY random() LIMIT %s", [region.pk, n]
        )
        cursor.fetchall()
    elapsed = time.perf_counter() - started
    print(f"baseline: SELECT id … ORDER BY random() LIMIT {n:,} (unverifiable) {elapsed:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=10_000_000)
    parser.add_argument("--yearly-cap", type=int, default=None, help="the province's yearly cap (default: none)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/sc_draw_bench).")
    print(machine.describe())
    user, departments, version = prepare(args.objects)
    set_yearly_cap(args.yearly_cap)
    province = Region.objects.get(code=PROVINCE)
    base = baseline(province, args.objects // 100)
    ours = ceremony(user, departments, version, PROVINCE, f"{args.objects:,} objects")
    print(f"verifiable / baseline: {ours / base:.2f} (target ≤ 1.00)")
    county = ceremony(user, departments, version, COUNTY, "county of 100,000")
    print(f"county: {'✓' if county <= 1 else '✗'} (target ≤ 1 s)")


if __name__ == "__main__":
    main()
