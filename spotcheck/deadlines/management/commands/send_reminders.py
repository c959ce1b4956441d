"""``manage.py send_reminders [--date YYYY-MM-DD] [--enqueue]``: the day's deadline reminders
(run daily by a timer or cron; a second run on one day sends nothing new)."""

from __future__ import annotations

import datetime as dt

from spotcheck.audit.daily_command import DailyJobCommand
from spotcheck.deadlines.jobs import send_reminders_job
from spotcheck.deadlines.reminders import reminders_send


class Command(DailyJobCommand):
    help = "发送当天的期限提醒（检查即将截止、结果即将到公示期限或逾期）：同一天重复运行不会重复提醒。"
    job = send_reminders_job

    def run(self, day: dt.date | None) -> str:
        run = reminders_send(today=day)
        return f"{run.day.isoformat()}：发送提醒 {run.sent} 条，重新计算公示期限 {run.recomputed} 条。"
