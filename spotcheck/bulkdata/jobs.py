"""The queue's entry point of the daily rebuild of the bulk files (``manage.py db_worker`` runs
it; ``manage.py build_bulk_files --enqueue`` or a timer queues it)."""

from django_tasks import task

from spotcheck.audit.context import audit_source


@task()
def build_bulk_files_job(year: int | None = None, department_code: str | None = None) -> int:
    from spotcheck.accounts.models import Department
    from spotcheck.bulkdata.services import bulk_files_build

    department = Department.objects.get(code=department_code) if department_code else None
    with audit_source("job"):
        report = bulk_files_build(year=year, department=department)
    return len(report.changed)
