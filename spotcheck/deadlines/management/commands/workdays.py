"""``manage.py workdays add DATE N`` and ``manage.py workdays load FILE --year --notice``.

It lives here, above the results app, and not in ``workdays``: entering a year recomputes the
provisional publication deadlines of the results whose span touches it, in the same transaction
(``deadlines.recompute.holiday_year_enter``), which the workdays app may not import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.context import audit_source
from spotcheck.deadlines.recompute import holiday_year_enter
from spotcheck.workdays.calendar import add_working_days
from spotcheck.workdays.csv_file import MAX_FILE_BYTES, rows_from_bytes
from spotcheck.workdays.models import CalendarDay
from spotcheck.workdays.selectors import replaced_notice_text


def read_rows(path: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a ``date,kind,name`` CSV with their numbers as a person counts them."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"文件“{path}”不存在。")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise CommandError("文件超过 1 MB，不是一年的节假日安排。")
    try:
        return rows_from_bytes(file.read_bytes())
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None


class Command(BaseCommand):
    # Plain text, as in the other commands: argparse cannot format a lazy translation (--help).
    help = "工作日历：计算若干个工作日之后的日期（add），录入一年的节假日安排（load）。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add", help="DATE 之后第 N 个工作日（从次日起算）；未录入且软件包不认识的年份标 provisional"
        )
        add.add_argument("date", help="起算日期，如 2026-09-30")
        add.add_argument("n", help="工作日数（非负整数）")
        load = actions.add_parser(
            "load", help="从 CSV（表头 date,kind,name）录入一年的节假日安排：全部录入或全部不录入"
        )
        load.add_argument("path", help="CSV 文件；kind 为 holiday（放假）或 workday（调休上班）")
        load.add_argument("--year", required=True, help="年度，如 2027")
        load.add_argument("--notice", required=True, help="国务院办公厅节假日安排通知的文号或标题")
        load.add_argument("--user", help="执行录入的系统管理员用户名（审计记录中的操作人；不填为服务器命令行）")

    def handle(self, *args, action: str, **options):
        if action == "add":
            self._add(options["date"], options["n"])
        else:
            self._load(options["path"], options["year"], options["notice"], options.get("user"))

    def _add(self, date: str, n: str) -> None:
        try:
            start = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise CommandError(f"“{date}”不是日期，应写作 2026-09-30。") from None
        try:
            count = int(n.strip())
        except ValueError:
            raise CommandError(f"“{n}”不是整数：N 为工作日数。") from None
        if count < 0:
            raise CommandError("N 不能为负数。")
        try:
            deadline = add_working_days(start, count)
        except OverflowError:
            raise CommandError("日期超出可计算的范围。") from None
        self.stdout.write(str(deadline))

    def _load(self, path: str, year: str, notice: str, username: str | None) -> None:
        try:
            year_number = int(year.strip())
        except ValueError:
            raise CommandError(f"--year “{year}”不是年份。") from None
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{username}”不存在或已停用。")
        rows = read_rows(path)
        try:
            with audit_source("cli"):
                loaded, recomputed = holiday_year_enter(actor=actor, year=year_number, notice=notice, rows=rows)
        except PermissionDenied:
            raise CommandError(f"用户“{username}”无权录入节假日安排（需要系统管理员）。") from None
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"文件未录入：{len(exc.messages)} 处错误，未写入任何数据。") from None
        days = list(loaded.days.values_list("kind", flat=True))
        holidays = days.count(CalendarDay.Kind.HOLIDAY)
        workdays = len(days) - holidays
        self.stdout.write(
            f"已录入 {loaded.year} 年节假日安排（{loaded.notice}）：放假 {holidays} 天，调休上班 {workdays} 天。"
        )
        replaced = replaced_notice_text(loaded)
        if replaced:
            self.stdout.write(replaced)
        if recomputed:
            self.stdout.write(f"重新计算了 {recomputed} 条检查结果的暂定公示期限。")
