"""``manage.py publish_due_results [--date YYYY-MM-DD] [--enqueue]``: publish every final result
whose publication deadline falls within SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE
working days (run daily by a timer or cron, beside send_reminders; a second run publishes
nothing twice)."""

from __future__ import annotations

import datetime as dt

from spotcheck.audit.daily_command import DailyJobCommand
from spotcheck.publication.jobs import publish_due_results_job
from spotcheck.publication.services import due_results_publish


class Command(DailyJobCommand):
    help = "自动公示临近公示期限（或已逾期）的最终检查结果；同一结果不会重复公示。"
    job = publish_due_results_job

    def run(self, day: dt.date | None) -> str:
        return f"自动公示检查结果 {due_results_publish(today=day)} 条。"
