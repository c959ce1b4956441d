"""Exports as jobs (issue 12, item 11): 20,000 objects as xlsx take seconds, too long to wait on
a blank page. The export page starts a job (audited), the job writes the file with the rows the
asker may export, showing its progress as an import does, and keeps the file, with its SHA-256,
beside the import files until the retention period ends; fetching it is audited too. A small
export (at most ``SPOTCHECK_EXPORT_INLINE_ROWS`` rows) runs the same job in the request and is
downloaded at once.

Writes: ``export_job_create`` (the page; audited), ``export_job_run`` (the worker, through
``jobs.run_export_job``, or the request for a small export), ``export_job_download`` (audited),
``reap_stale_export_jobs`` and ``purge_export_files`` (the daily purge).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.services import audit_record
from spotcheck.imports import background, exports
from spotcheck.imports.access import export_departments, require_export_job
from spotcheck.imports.models import ExportJob, export_file_path
from spotcheck.imports.progress import ProgressReporter

logger = logging.getLogger(__name__)
Status = ExportJob.Status

# A running export that shows no sign of life for this long lost its worker.
STALE_AFTER = dt.timedelta(minutes=getattr(settings, "SPOTCHECK_IMPORT_STALE_MINUTES", 10))


@dataclass(frozen=True)
class ExportStart:
    job: ExportJob
    inline: bool  # small enough to run in the request and download at once


def export_job_create(*, actor: Any, kind: str, filters: dict[str, Any], fmt: str, request: Any = None) -> ExportStart:
    """Check the rights, the format and the filters, count the rows and record the job (audited);
    a large export is handed to the queue once committed, a small one is the caller's to run."""
    with transaction.atomic():
        scope, queryset = exports.export_queryset(actor=actor, kind=kind, filters=filters, fmt=fmt, request=request)
        departments = export_departments(kind, scope)
        total = queryset.count()
        job = ExportJob(
            kind=kind,
            format=fmt,
            filters=dict(filters),
            departments=None if departments is None else sorted(departments),
            created_by=actor,
            total_rows=total,
        )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action=f"imports.{kind}.export",
            target=job,
            after={"job_id": job.pk, "filters": job.filters, "format": fmt, "rows": total},
        )
        inline = total <= settings.SPOTCHECK_EXPORT_INLINE_ROWS
        if not inline:
            transaction.on_commit(partial(enqueue_export_job, job.pk))
    return ExportStart(job, inline)


def enqueue_export_job(job_id: int) -> None:
    from spotcheck.imports.jobs import run_export_job

    background.enqueue(ExportJob, job_id, run_export_job, what="export job")


def export_job_run(*, job_id: int) -> ExportJob:
    """Claim a queued export and write its file; a failure of any kind ends the job failed,
    with the reason, and keeps no half-written file."""
    reap_stale_export_jobs()
    claimed = background.claim(ExportJob, job_id)
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    progress = ProgressReporter(ExportJob, job.pk)
    try:
        _write(job, progress)
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, failure=_failure(exc)[:5000], finished_at=timezone.now()
        )
    finally:
        progress.close()
    job.refresh_from_db()
    return job


def _failure(exc: Exception) -> str:
    if isinstance(exc, (PermissionDenied, Http404)):
        return "提交人已无权导出这些数据，导出未完成。"
    if isinstance(exc, exports.ExportError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _write(job: ExportJob, progress: ProgressReporter) -> None:
    # The asker's rights when the file is written, not when it was asked for.
    actor = job.created_by
    scope, queryset = exports.export_queryset(actor=actor, kind=job.kind, filters=job.filters, fmt=job.format)
    departments = export_departments(job.kind, scope)
    storage = ExportJob._meta.get_field("file").storage
    with tempfile.TemporaryFile(prefix="spotcheck-export-") as out:
        count = exports.write_export(
            kind=job.kind,
            fmt=job.format,
            queryset=queryset,
            scope=scope,
            out=out,
            progress=lambda done, total: progress.report(done, total),
        )
        sha256, size = _digest(out)
        stored = storage.save(export_file_path(job, f"{job.kind}-{job.pk}.{job.format}"), File(out))
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    try:
        with transaction.atomic():
            finished = timezone.now()
            updated = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
                status=Status.SUCCEEDED,
                file=stored,
                file_name=f"{exports.SHEET_TITLES[job.kind]}-{stamp}.{job.format}",
                file_sha256=sha256,
                file_size=size,
                total_rows=count,
                processed_rows=count,
                departments=None if departments is None else sorted(departments),
                finished_at=finished,
                heartbeat_at=finished,
            )
    except BaseException:
        storage.delete(stored)
        raise
    if not updated:  # marked failed (stale) while it ran: keep no file for a failed job
        storage.delete(stored)


def _digest(fh: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    fh.seek(0)
    size = 0
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    fh.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def export_job_download(*, actor: Any, job: ExportJob) -> None:
    """Record that ``actor`` fetched the job's file (the view then sends it): who, which file,
    which content (its SHA-256)."""
    require_export_job(scope_for(actor), job)
    if job.status != Status.SUCCEEDED or not job.file:
        raise Http404
    audit_record(
        actor=actor,
        action=f"imports.{job.kind}.export_download",
        target=job,
        after={
            "job_id": job.pk,
            "file": job.file_name,
            "sha256": job.file_sha256,
            "rows": job.total_rows,
            "format": job.format,
            "filters": job.filters,
        },
    )


def reap_stale_export_jobs(*, now: dt.datetime | None = None) -> int:
    return background.reap_stale(
        ExportJob,
        stale_after=STALE_AFTER,
        stale_failure="后台处理进程已中断（超过 {minutes} 分钟没有进展），导出未完成。请重新导出。",
        queue_failure="后台任务执行失败，导出未完成。请重新导出。",
        now=now,
    )


def purge_export_files(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports that ended more than ``SPOTCHECK_EXPORT_RETENTION_DAYS``
    days ago (they hold personal data, such as inspectors' phone numbers: kept no longer than a
    download needs). The job keeps the file's name and SHA-256, and each deletion is audited.
    Returns how many files were deleted."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.SPOTCHECK_EXPORT_RETENTION_DAYS)
    return background.purge_files(
        ExportJob.objects.filter(finished_at__lt=before),
        now=now,
        action="imports.export_file.purge",
        audit_details=lambda job: {
            "after": {
                "job_id": job.pk,
                "file": job.file_name,
                "sha256": job.file_sha256,
                "finished_at": job.finished_at.isoformat(),
                "retention_days": settings.SPOTCHECK_EXPORT_RETENTION_DAYS,
            }
        },
    )
