"""The queue's entry points of the import and export jobs (django-tasks calls these "tasks"; ``manage.py
db_worker`` runs them). Its import of the job's code is lazy: it is the entry point."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def run_import_job(job_id: int) -> str:
    from spotcheck.imports.services import import_job_run

    with audit_source("job"):
        return import_job_run(job_id=job_id).job.status


@task()
def run_export_job(job_id: int) -> str:
    from spotcheck.imports.export_jobs import export_job_run

    with audit_source("job"):
        return export_job_run(job_id=job_id).status
