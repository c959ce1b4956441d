from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """期限与提醒: the working-day calendar's page, the deadline dashboard (期限看板), the daily
    reminders (提醒) and task completion (任务完成) — what reads results across tasks. It sits
    above results (whose rows it reads) and draws (whose list publication it gates)."""

    name = "spotcheck.deadlines"
    verbose_name = _("期限与提醒")

    def ready(self) -> None:
        from spotcheck.deadlines.completion import refuse_list_before_completion
        from spotcheck.draws.publish_checks import register_list_publish_check

        register_list_publish_check(refuse_list_before_completion)
