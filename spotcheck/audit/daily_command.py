"""The shape of a daily job's management command (``send_reminders``, ``publish_due_results``):
``--date`` runs it as of another day, ``--enqueue`` hands today's run to the job queue
(``db_worker``); a run from the command line is audited as such (source "cli")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.context import audit_source


class DailyJobCommand(BaseCommand):
    """A subclass names its ``job`` (the django-tasks task that does the same from the queue)
    and its ``run``: ``(day or None) -> the line to print``."""

    job: Any
    run: Callable[[dt.date | None], str]

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（默认今天），如 2026-06-25")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务（db_worker）运行")

    def handle(self, *args, date: str | None = None, enqueue: bool = False, **options):
        if enqueue:
            if date:
                raise CommandError("--enqueue 只能按当天运行，不能与 --date 一起使用。")
            result = self.job.enqueue()
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date.strip())
            except ValueError:
                raise CommandError(f"“{date}”不是日期，应写作 2026-06-25。") from None
        with audit_source("cli"):
            self.stdout.write(self.run(day))
