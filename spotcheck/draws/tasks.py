"""Background task of the ceremony jobs (django-tasks; ``manage.py db_worker`` runs it)."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def run_ceremony_job(job_id: int) -> str:
    from spotcheck.draws.ceremony_jobs import ceremony_job_run

    with audit_source("job"):
        return ceremony_job_run(job_id=job_id).status
