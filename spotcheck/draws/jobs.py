"""The queue's entry point of the ceremony jobs (django-tasks calls these "tasks"; ``manage.py
db_worker`` runs them). Its import of the job's code is lazy: it is the entry point."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def run_ceremony_job(job_id: int) -> str:
    from spotcheck.draws.ceremony_jobs import ceremony_job_run

    with audit_source("job"):
        return ceremony_job_run(job_id=job_id).status
