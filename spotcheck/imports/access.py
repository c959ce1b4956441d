"""Who may export what, and who may fetch an export's file.

An export holds the rows its asker may export (each app's access.py decides: the joint office
the whole directory, a department admin its departments' rows, the roster only a department's
admin). The job records whose rows those were (``ExportJob.departments``; none: the region). Its
page and file are for anyone whose own export rights cover those departments now — the asker
and, say, a second admin of the same department — so a file never reaches someone who could not
have exported it themselves. Someone who reads those departments' data but may not export it gets
a 403; anyone else a 404 that does not reveal the job.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from spotcheck.accounts.scope import Scope
from spotcheck.imports.models import ExportJob


def export_departments(kind: str, scope: Scope) -> frozenset[int] | None:
    """The departments whose rows ``scope`` exports of ``kind`` (None: every department); a 404
    for a user who does not read the data, a 403 for a reader who does not maintain it."""
    if kind == ExportJob.Kind.OBJECTS:
        from spotcheck.directory.access import export_object_departments

        return export_object_departments(scope)
    if kind == ExportJob.Kind.INSPECTORS:
        from spotcheck.inspectors.access import export_inspector_departments

        return export_inspector_departments(scope)
    if kind == ExportJob.Kind.ITEMS:
        from spotcheck.catalog.access import require_item_export

        require_item_export(scope)
        return scope.read_departments
    raise Http404


def _covers(have: Iterable[int] | None, need: Iterable[int] | None) -> bool:
    if have is None:
        return True
    return need is not None and set(need) <= set(have)


def require_export_job(scope: Scope, job: ExportJob) -> None:
    """The job's page and file, or a 403 / 404 (see the module's docstring)."""
    try:
        mine = export_departments(job.kind, scope)
    except PermissionDenied:
        if _covers(scope.data_read_departments, job.departments):
            raise
        raise Http404 from None
    if not _covers(mine, job.departments):
        raise Http404
