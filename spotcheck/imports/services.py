"""Import jobs: created from an upload (or by a command), run by a background task, written
all-or-nothing, audited once per import."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import Scope, require_staff, require_write, scope_for
from spotcheck.audit.services import audit_record
from spotcheck.imports import background
from spotcheck.imports.cells import FILE_LANGUAGE
from spotcheck.imports.importers import Outcome, Rejected, RowError, importer_for
from spotcheck.imports.limits import ImportLimits, upload_too_large
from spotcheck.imports.models import ImportJob
from spotcheck.imports.progress import ProgressReporter
from spotcheck.imports.readers import SUPPORTED_SUFFIXES, ReadError, open_table, suffix_of

logger = logging.getLogger(__name__)

# A running job that shows no sign of life for this long lost its worker (killed, crashed,
# machine restarted): it is marked failed instead of showing "running" forever.
STALE_AFTER = dt.timedelta(minutes=getattr(settings, "SPOTCHECK_IMPORT_STALE_MINUTES", 10))


@dataclass
class ImportRun:
    job: ImportJob
    outcome: Outcome | None


def require_import(actor: Any, department_id: int | None) -> Scope:
    """No role → 404; a read-only role → 403; another department → 404 (as ``require_write``)."""
    scope = require_staff(actor)
    if not scope.can_write_anything:
        raise PermissionDenied("您的角色没有导入数据的权限。")
    return require_write(actor, department_id)


def default_department_id(scope: Scope) -> int | None:
    """The department an import writes for unless the user picks another one."""
    if scope.primary_department_id is not None and scope.can_write_department(scope.primary_department_id):
        return scope.primary_department_id
    if scope.write_departments:
        return min(scope.write_departments)
    return None


def _sha256(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fh.seek(0)
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
    fh.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_job_create(
    *,
    actor: Any,
    kind: str,
    department: Department,
    uploaded_file: File,
    source: str = ImportJob.Source.WEB,
    enqueue: bool = True,
) -> ImportJob:
    """Store the upload as a queued job and, once committed, hand it to the task queue."""
    require_import(actor, department.pk)
    if kind not in ImportJob.Kind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    name = os.path.basename(uploaded_file.name or "")
    if suffix_of(name) not in SUPPORTED_SUFFIXES:
        raise ReadError(f"不支持的文件类型“{suffix_of(name) or name}”：请上传 .csv 或 .xlsx 文件。")
    limits = ImportLimits.current()
    if uploaded_file.size is not None and uploaded_file.size > limits.upload_bytes:
        raise ReadError(upload_too_large(limits))
    job = ImportJob(
        kind=kind,
        department=department,
        created_by=actor,
        original_name=name[:255],
        file_sha256=_sha256(uploaded_file),
        source=source,
    )
    job.file.save(name, uploaded_file, save=False)
    job.full_clean()
    job.save()
    if enqueue:
        transaction.on_commit(partial(enqueue_import_job, job.pk))
    return job


def enqueue_import_job(job_id: int) -> None:
    from spotcheck.imports.jobs import run_import_job

    background.enqueue(ImportJob, job_id, run_import_job, what="import job")


def import_job_run(*, job_id: int) -> ImportRun:
    """Claim a queued job and run it. Returns the job as it ended and, when the file was
    read, the full outcome (every error, not only those the job row keeps)."""
    reap_stale_jobs()
    claimed = background.claim(ImportJob, job_id)
    job = ImportJob.objects.select_related("created_by", "department").get(pk=job_id)
    if not claimed:
        return ImportRun(job, None)
    progress = ProgressReporter(ImportJob, job.pk)
    outcome: Outcome | None = None
    try:
        outcome = _run(job, progress)
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure=f"{type(exc).__name__}: {exc}"[:5000],
            finished_at=timezone.now(),
        )
    finally:
        progress.close()
    job.refresh_from_db()
    return ImportRun(job, outcome)


class _JobTakenAway(Exception):
    """The job was marked failed (stale) while it ran: roll its writes back."""


# Files and import reports are Chinese whatever language the user browses in.
@translation.override(FILE_LANGUAGE)
def _run(job: ImportJob, progress: ProgressReporter) -> Outcome:
    actor = job.created_by
    scope = scope_for(actor)
    if not (scope.is_staff_member and scope.can_write_department(job.department_id)):
        outcome = Outcome()
        outcome.error_count = 1
        outcome.errors.append(RowError(1, "", "", f"您已无权为部门“{job.department.short_name}”导入数据。"))
        _reject(job, outcome)
        return outcome
    importer = importer_for(job.kind)(
        actor=actor, scope=scope, department=job.department, file_name=job.original_name, progress=progress
    )
    try:
        with transaction.atomic():
            with job.file.open("rb") as fh, open_table(fh, job.original_name) as table:
                outcome = importer.run(table)
            if not outcome.accepted:
                raise Rejected(outcome)
            finished = timezone.now()
            updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
                status=ImportJob.Status.SUCCEEDED,
                total_rows=outcome.rows,
                processed_rows=outcome.rows,
                created_count=outcome.created,
                updated_count=outcome.updated,
                unchanged_count=outcome.unchanged,
                errors=[],
                error_count=0,
                finished_at=finished,
                heartbeat_at=finished,
            )
            if not updated:
                raise _JobTakenAway
            audit_record(
                actor=actor,
                action=f"imports.{job.kind}.import",
                target=job,
                department=job.department,
                after={
                    "job_id": job.pk,
                    "file": job.original_name,
                    "sha256": job.file_sha256,
                    "rows": outcome.rows,
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
            )
    except Rejected as rejected:
        outcome = rejected.outcome
        _reject(job, outcome)
    except ReadError as exc:
        outcome = Outcome()
        outcome.error_count = 1
        outcome.errors.append(RowError(1, "", "", str(exc)))
        _reject(job, outcome)
    except _JobTakenAway:
        outcome = importer.outcome
    except DatabaseError as exc:
        # A write collided with a concurrent change (e.g. the same code created meanwhile).
        raise RuntimeError(f"写入数据库时出错，导入未生效，请重试：{exc}") from exc
    return outcome


@transaction.atomic
def _reject(job: ImportJob, outcome: Outcome) -> None:
    finished = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.REJECTED,
        total_rows=outcome.rows,
        processed_rows=outcome.rows,
        created_count=0,
        updated_count=0,
        unchanged_count=0,
        errors=[e.as_list() for e in outcome.errors[: ImportJob.ERRORS_KEPT]],
        error_count=outcome.error_count,
        finished_at=finished,
        heartbeat_at=finished,
    )
    audit_record(
        actor=job.created_by,
        action=f"imports.{job.kind}.reject",
        target=job,
        department=job.department,
        after={
            "job_id": job.pk,
            "file": job.original_name,
            "sha256": job.file_sha256,
            "rows": outcome.rows,
            "errors": outcome.error_count,
        },
    )


def import_file(*, actor: Any, kind: str, path: str, department: Department) -> ImportRun:
    """The command line's import: the same job, run at once in this process."""
    with open(path, "rb") as fh:
        job = import_job_create(
            actor=actor,
            kind=kind,
            department=department,
            uploaded_file=File(fh, name=os.path.basename(path)),
            source=ImportJob.Source.CLI,
            enqueue=False,
        )
    return import_job_run(job_id=job.pk)


def reap_stale_jobs(*, now: dt.datetime | None = None) -> int:
    """Mark failed the running imports whose worker has shown no progress for ``STALE_AFTER``
    (the worker was killed or crashed; its transaction died with it, so nothing was written),
    and the queued ones whose task the queue reports as failed."""
    return background.reap_stale(
        ImportJob,
        stale_after=STALE_AFTER,
        stale_failure="后台处理进程已中断（超过 {minutes} 分钟没有进展），导入未完成，数据未写入。请重新上传文件。",
        queue_failure="后台任务执行失败，导入未完成。请重新上传文件。",
        now=now,
    )


def purge_import_files(*, now: dt.datetime | None = None) -> int:
    """Delete the stored files of refused and failed imports that ended more than
    ``SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS`` days ago. Retired, not destroyed: the job row
    keeps the file's name and SHA-256, and each deletion is audited with them. Returns how many
    files were deleted."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS)
    return background.purge_files(
        ImportJob.objects.filter(status__in=ImportJob.PURGEABLE_STATUSES, finished_at__lt=before),
        now=now,
        action="imports.file.purge",
        audit_details=lambda job: {
            "department": job.department,
            "after": {
                "job_id": job.pk,
                "file": job.original_name,
                "sha256": job.file_sha256,
                "status": job.status,
                "finished_at": job.finished_at.isoformat(),
                "retention_days": settings.SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS,
            },
        },
    )
