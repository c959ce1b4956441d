"""The queue's entry point of the daily reminders (``manage.py db_worker`` runs it; ``manage.py
send_reminders --enqueue`` or a timer queues it, ``manage.py send_reminders`` runs it at once)."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def send_reminders_job() -> int:
    from spotcheck.deadlines.reminders import reminders_send

    with audit_source("job"):
        return reminders_send().sent
