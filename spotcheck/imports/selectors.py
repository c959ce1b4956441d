from django.db.models import Q, QuerySet
from django.http import Http404

from spotcheck.accounts.scope import Scope, require_department_data_reader
from spotcheck.imports.access import require_export_job
from spotcheck.imports.models import ExportJob, ImportJob


def jobs_for_scope(scope: Scope) -> QuerySet[ImportJob]:
    """Jobs a user may look at: their own; region-wide readers see every job, department
    admins those of the departments they write for (the files hold the department's data)."""
    qs = ImportJob.objects.select_related("department", "created_by").defer("errors")
    if scope.reads_all:
        return qs
    condition = Q(created_by_id=scope.user_id)
    if scope.write_departments:
        condition |= Q(department_id__in=scope.write_departments)
    return qs.filter(condition)


def get_job_for_user(user, pk: int) -> ImportJob:
    """The job or a 404 that does not reveal whether it exists (a witness-only user has none)."""
    scope = require_department_data_reader(user)
    job = ImportJob.objects.select_related("department", "created_by").filter(pk=pk).first()
    if job is None or not jobs_for_scope(scope).filter(pk=pk).exists():
        raise Http404
    return job


def exports_of_user(scope: Scope) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (the 导入导出 page's 最近的导出)."""
    return ExportJob.objects.filter(created_by_id=scope.user_id).order_by("-created_at", "-pk")


def get_export_job_for_user(user, pk: int) -> ExportJob:
    """The export job, if the user may fetch its file (``access.require_export_job``)."""
    scope = require_department_data_reader(user)
    job = ExportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    require_export_job(scope, job)
    return job
