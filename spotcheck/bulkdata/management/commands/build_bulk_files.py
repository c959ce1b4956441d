"""``manage.py build_bulk_files [--year YYYY] [--department CODE] [--enqueue]``: rebuild the
open-data bulk files (CSV with BOM and JSON per year and department) and their manifest; run
daily by a timer (an unchanged file keeps its bytes and update time)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from spotcheck.accounts.models import Department
from spotcheck.audit.context import audit_source
from spotcheck.bulkdata.jobs import build_bulk_files_job
from spotcheck.bulkdata.services import bulk_files_build, bulk_root


class Command(BaseCommand):
    help = "重新生成开放数据文件（按年度和部门的 CSV 与 JSON）及其清单；内容未变的文件保持不变。"

    def add_arguments(self, parser):
        parser.add_argument("--year", help="只生成这一年度的文件，如 2026")
        parser.add_argument("--department", help="只生成这个部门（部门代码）的文件")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务（db_worker）运行")

    def handle(self, *args, year: str | None = None, department: str | None = None, enqueue=False, **options):
        the_year = None
        if year is not None:
            text = year.strip()
            # isdecimal() alone would take "²"; only ASCII digits are a year.
            if not (text.isascii() and text.isdigit() and 1900 <= int(text) <= 9999):
                raise CommandError(f"“{year}”不是年度，应写作 2026。")
            the_year = int(text)
        the_department = None
        if department is not None:
            the_department = Department.objects.filter(code=department.replace("\x00", "").strip()[:16]).first()
            if the_department is None:
                raise CommandError(f"没有代码为“{department}”的部门。")
        if enqueue:
            result = build_bulk_files_job.enqueue(
                year=the_year, department_code=the_department.code if the_department else None
            )
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        with audit_source("cli"):
            report = bulk_files_build(year=the_year, department=the_department)
        self.stdout.write(
            f"开放数据文件：更新 {len(report.changed)} 个，未变 {len(report.unchanged)} 个（{bulk_root()}）。"
        )
