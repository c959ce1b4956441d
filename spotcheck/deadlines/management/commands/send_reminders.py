"""``manage.py send_reminders [--date YYYY-MM-DD] [--enqueue]``: the day's deadline reminders
(run daily by a timer or cron; a second run on one day sends nothing new)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.context import audit_source
from spotcheck.deadlines.jobs import send_reminders_job
from spotcheck.deadlines.reminders import reminders_send


class Command(BaseCommand):
    help = "发送当天的期限提醒（检查即将截止、结果即将到公示期限或逾期）：同一天重复运行不会重复提醒。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（默认今天），如 2026-06-25")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务（db_worker）运行")

    def handle(self, *args, date: str | None = None, enqueue: bool = False, **options):
        if enqueue:
            if date:
                raise CommandError("--enqueue 只能按当天运行，不能与 --date 一起使用。")
            result = send_reminders_job.enqueue()
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date.strip())
            except ValueError:
                raise CommandError(f"“{date}”不是日期，应写作 2026-06-25。") from None
        with audit_source("cli"):
            run = reminders_send(today=day)
        self.stdout.write(f"{run.day.isoformat()}：发送提醒 {run.sent} 条，重新计算公示期限 {run.recomputed} 条。")
