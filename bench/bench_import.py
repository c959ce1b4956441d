"""Benchmark of the object import (a script a person runs, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/bench_import.py

Generates its own files (1,000,000 objects as UTF-8 CSV, 100,000 as xlsx by default), migrates
the database named by DATABASE_URL, removes the objects of earlier runs (owned by the BENCH
department), then times the import exactly as the command line runs it: one job, validation of
every cell, one transaction. Targets on a 2-core machine with PostgreSQL: CSV ≤ 60 s, xlsx ≤ 30 s.
The baseline, in the same run, is PostgreSQL's own COPY of the same CSV into a bare table.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_media = tempfile.mkdtemp(prefix="sc-bench-media-")
os.environ.setdefault("SPOTCHECK_MEDIA_ROOT", _media)

import machine  # noqa: E402 (needs the path above)

machine.setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from stdnum.cn import uscc as stdnum_uscc  # noqa: E402

from spotcheck.accounts.models import Department, Membership, Region, User  # noqa: E402
from spotcheck.audit.context import audit_source  # noqa: E402
from spotcheck.directory.models import InspectionObject, LevelChange, ObjectLicence  # noqa: E402
from spotcheck.imports.columns import OBJECT_COLUMNS  # noqa: E402
from spotcheck.imports.services import import_file  # noqa: E402

HEADERS = [c.header for c in OBJECT_COLUMNS if c.field not in {"public_code", "owner_department_id"}]
KINDS = ["企业", "企业", "企业", "个体工商户", "农民专业合作社"]
RISKS = ["低风险", "一般风险", "一般风险", "较高风险", "高风险"]
CREDITS = ["A", "B", "B", "C", "D"]
STREETS = ["燕山路", "天目湖大道", "南大街", "昆仑北路", "育才路", "平陵路"]


def uscc_for(n: int) -> str:
    base = f"9132048{n % 10}{n:09d}"[:17]
    return base + stdnum_uscc.calc_check_digit(base)


def object_rows(count: int, offset: int = 0):
    towns = [f"320481{100 + i}" for i in range(6)]
    for i in range(offset, offset + count):
        kind = KINDS[i % len(KINDS)]
        yield [
            uscc_for(i),
            kind,
            f"溧阳市测试{'个体户' if kind == '个体工商户' else '企业'}{i:07d}号",
            f"法人{i % 997}",
            f"溧阳市{STREETS[i % len(STREETS)]}{i % 300 + 1}号",
            towns[i % len(towns)],
            ["H", "62", "F", "51", "C", "13"][i % 6],
            "存续",
            f"{2000 + i % 24}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            ["catering", "food_sales；small_micro", "", "key_supervision"][i % 4],
            RISKS[i % len(RISKS)],
            CREDITS[i % len(CREDITS)],
            "否" if i % 50 else "是",
            "否",
            "已报送",
            str(2024 - i % 2),
            ["市场监管", "市场监管；卫健", ""][i % 3],
            f"food_business:JY{i:014d}:2028-12-31" if i % 5 == 0 else "",
        ]


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(object_rows(count))


def write_xlsx(path: Path, count: int, offset: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("检查对象")
    sheet.append(HEADERS)
    for row in object_rows(count, offset):
        # A spreadsheet as people make them: years as numbers, dates as dates.
        import datetime as dt

        y, m, d = (int(p) for p in row[8].split("-"))
        row[8] = dt.date(y, m, d)
        row[15] = int(row[15])
        sheet.append(row)
    workbook.save(path)


def prepare() -> tuple[User, Department]:
    call_command("migrate", verbosity=0)
    county, _ = Region.objects.get_or_create(code="320481", defaults={"name": "溧阳市", "level": "county"})
    for i in range(6):
        Region.objects.get_or_create(
            code=f"320481{100 + i}", defaults={"name": f"基准镇{i}", "level": "town", "parent": county}
        )
    bench, _ = Department.objects.get_or_create(
        code="BENCH", defaults={"name": "基准测试部门", "short_name": "基准", "region": county}
    )
    for code, short in (("SCJG", "市场监管"), ("WSJK", "卫健")):
        Department.objects.get_or_create(code=code, defaults={"name": short, "short_name": short, "region": county})
    user, _ = User.objects.get_or_create(username="bench_admin", defaults={"full_name": "基准测试"})
    Membership.objects.get_or_create(user=user, department=bench, role=Membership.Role.DEPT_ADMIN)
    return user, bench


def reset(bench: Department) -> None:
    """Remove the objects earlier runs imported (only the BENCH department's)."""
    objects = InspectionObject.objects.filter(owner_department=bench)
    with transaction.atomic():
        LevelChange.objects.filter(inspection_object__in=objects).delete()
        ObjectLicence.objects.filter(inspection_object__in=objects).delete()
        InspectionObject.tags.through.objects.filter(inspectionobject__in=objects).delete()
        InspectionObject.supervising_departments.through.objects.filter(inspectionobject__in=objects).delete()
        objects._raw_delete(objects.db)
    if connection.vendor == "postgresql":
        # Without this the next import re-inserts keys whose dead rows the unique indexes
        # still hold, which no real import does.
        tables = [
            InspectionObject._meta.db_table,
            InspectionObject.tags.through._meta.db_table,
            InspectionObject.supervising_departments.through._meta.db_table,
            ObjectLicence._meta.db_table,
            LevelChange._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")


def timed_import(user: User, bench: Department, path: Path, label: str, target: float | None) -> None:
    started = time.perf_counter()
    with audit_source("cli"):
        run = import_file(actor=user, kind="objects", path=str(path), department=bench)
    elapsed = time.perf_counter() - started
    job = run.job
    if job.status != "succeeded":
        errors = run.outcome.errors[:5] if run.outcome else []
        print(f"{label}: {job.status} {job.failure} {[str(e) for e in errors]}")
        return
    verdict = "" if target is None else (" ✓" if elapsed <= target else f" ✗ (target {target:.0f} s)")
    print(
        f"{label}: {job.total_rows:,} rows in {elapsed:.1f} s = {job.total_rows / elapsed:,.0f} rows/s "
        f"(created {job.created_count:,}, updated {job.updated_count:,}, unchanged {job.unchanged_count:,}){verdict}"
    )


def baseline_copy(path: Path, rows: int) -> None:
    """The floor, measured in the same run: PostgreSQL's own CSV COPY of the same file into a
    temporary table of text columns — no checks, no indexes, no foreign keys, no links."""
    with open(path, encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_floor ({columns}) ON COMMIT DROP")
        with (
            open(path, "rb") as fh,
            cursor.cursor.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    print(f"baseline: raw COPY of the same CSV, {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--skip-unchanged", action="store_true", help="do not time the re-import of the CSV")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/sc_bench).")
    print(machine.describe())
    user, bench = prepare()
    reset(bench)
    with tempfile.TemporaryDirectory(prefix="sc-bench-") as tmp:
        csv_path, xlsx_path = Path(tmp) / "objects.csv", Path(tmp) / "objects.xlsx"
        started = time.perf_counter()
        write_csv(csv_path, args.csv_rows)
        write_xlsx(xlsx_path, args.xlsx_rows, offset=args.csv_rows)
        print(
            f"files generated in {time.perf_counter() - started:.1f} s: CSV {csv_path.stat().st_size / 1e6:.0f} MB, "
            f"xlsx {xlsx_path.stat().st_size / 1e6:.0f} MB"
        )
        if connection.vendor == "postgresql":
            baseline_copy(csv_path, args.csv_rows)
        timed_import(user, bench, csv_path, f"CSV  {args.csv_rows:,} new objects", 60.0)
        if not args.skip_unchanged:
            timed_import(user, bench, csv_path, "CSV  same file again (all unchanged)", None)
        timed_import(user, bench, xlsx_path, f"xlsx {args.xlsx_rows:,} new objects", 30.0)


if __name__ == "__main__":
    main()
