"""``manage.py export_results [--department CODE] [--year YYYY] [--since YYYY-MM-DD]
[--format csv|json] [--output FILE]``: the published results in the national publicity
system's layout (publication.exchange)."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management.base import BaseCommand, CommandError

from spotcheck.accounts.models import Department
from spotcheck.core.params import parse_year
from spotcheck.publication.exchange import FORMATS, exchange_results, exchange_rows, write_csv


class Command(BaseCommand):
    help = "按国家企业信用信息公示系统的格式导出已公示的检查结果（CSV 带 BOM，或 JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--department", help="抽查机关的部门代码，如 SCJG（默认全部）")
        parser.add_argument("--year", help="公告年度，如 2026（默认全部）")
        parser.add_argument("--since", help="只导出此日期及以后公示的结果，如 2026-06-01")
        parser.add_argument("--format", default="csv", choices=FORMATS)
        parser.add_argument("--output", help="写入的文件（默认标准输出）")

    def handle(self, *args, department=None, year=None, since=None, format="csv", output=None, **options):
        dept = None
        if department:
            dept = Department.objects.filter(code=department.strip().upper()).first()
            if dept is None:
                raise CommandError(f"没有部门代码为“{department}”的部门。")
        year_value = None
        if year:
            year_value = parse_year(year)
            if year_value is None:
                raise CommandError(f"“{year}”不是有效的年度。")
        since_day = None
        if since:
            try:
                since_day = dt.date.fromisoformat(since.strip())
            except ValueError:
                raise CommandError(f"“{since}”不是日期，应写作 2026-06-01。") from None
        rows = exchange_rows(exchange_results(department=dept, year=year_value, since=since_day))
        # To the file, or to the command's stdout through a buffer (Django's stdout wrapper
        # would add line endings of its own).
        with open(output, "w", encoding="utf-8", newline="") if output else io.StringIO() as stream:
            if format == "csv":
                count = write_csv(rows, stream)
            else:
                data = list(rows)
                json.dump({"count": len(data), "results": data}, stream, ensure_ascii=False, indent=1)
                count = len(data)
            if not output:
                self.stdout.write(stream.getvalue(), ending="")
        if output:
            self.stderr.write(f"已导出 {count} 行到 {output}。")
