"""``manage.py publish_due_results [--date YYYY-MM-DD] [--enqueue]``: publish every final result
whose publication deadline falls within SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE
working days (run daily by a timer or cron, beside send_reminders; a second run publishes
nothing twice)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.context import audit_source
from spotcheck.publication.jobs import publish_due_results_job
from spotcheck.publication.services import due_results_publish


class Command(BaseCommand):
    help = "自动公示临近公示期限（或已逾期）的最终检查结果；同一结果不会重复公示。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（默认今天），如 2026-06-25")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务（db_worker）运行")

    def handle(self, *args, date: str | None = None, enqueue: bool = False, **options):
        if enqueue:
            if date:
                raise CommandError("--enqueue 只能按当天运行，不能与 --date 一起使用。")
            result = publish_due_results_job.enqueue()
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date.strip())
            except ValueError:
                raise CommandError(f"“{date}”不是日期，应写作 2026-06-25。") from None
        with audit_source("cli"):
            count = due_results_publish(today=day)
        self.stdout.write(f"自动公示检查结果 {count} 条。")
