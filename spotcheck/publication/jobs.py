"""The queue's entry point of the daily publication (``manage.py db_worker`` runs it;
``manage.py publish_due_results --enqueue`` or a timer queues it)."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def publish_due_results_job() -> int:
    from spotcheck.publication.services import due_results_publish

    with audit_source("job"):
        return due_results_publish()
