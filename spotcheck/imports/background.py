"""What import and export jobs share beyond their progress (``progress.py``): handing a job to
the queue, claiming it once, and marking failed the jobs whose worker died, so that no job shows
"running" forever or is lost silently."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.audit.services import audit_record
from spotcheck.imports.models import BackgroundJob
from spotcheck.imports.progress import merge_live_progress

logger = logging.getLogger(__name__)

QUEUED, RUNNING, FAILED = "queued", "running", "failed"  # the statuses every job model has


def enqueue(model: type[BackgroundJob], job_id: int, entry_point: Callable, *, what: str) -> None:
    """Hand ``job_id`` to the queue (after its row is committed); a queue that is down fails
    the job with the reason instead of leaving it queued."""
    try:
        result = entry_point.enqueue(job_id)
    except Exception as exc:
        logger.exception("could not enqueue %s %s", what, job_id)
        model.objects.filter(pk=job_id, status=QUEUED).update(
            status=FAILED, failure=f"无法提交后台任务：{exc}", finished_at=timezone.now()
        )
        return
    model.objects.filter(pk=job_id).update(queue_id=str(result.id)[:64])


def claim(model: type[BackgroundJob], job_id: int) -> bool:
    """Take a queued job for this worker: one conditional UPDATE, so two workers (or a retried
    task) never run it twice."""
    now = timezone.now()
    return bool(model.objects.filter(pk=job_id, status=QUEUED).update(status=RUNNING, started_at=now, heartbeat_at=now))


def reap_stale(
    model: type[BackgroundJob],
    *,
    stale_after: dt.timedelta,
    stale_failure: str,
    queue_failure: str,
    now: dt.datetime | None = None,
) -> int:
    """Mark failed the running jobs whose worker has shown no progress for ``stale_after``
    (killed, crashed, machine restarted), with ``stale_failure`` (``{minutes}`` is filled in),
    and the queued jobs whose entry the queue reports as failed, with ``queue_failure``."""
    now = now or timezone.now()
    reaped = 0
    minutes = int(stale_after.total_seconds() // 60)
    queued = []  # (pk, queue id): one query reads the active jobs of both kinds (list pages pin it)
    for job in model.objects.filter(status__in=[QUEUED, RUNNING]):
        if job.status == QUEUED:
            if job.queue_id:
                queued.append((job.pk, job.queue_id))
            continue
        merge_live_progress(job)
        signs = [t for t in (job.heartbeat_at, job.started_at) if t is not None]
        last = max(signs) if signs else job.created_at
        if now - last < stale_after:
            continue
        reaped += model.objects.filter(pk=job.pk, status=RUNNING).update(
            status=FAILED, failure=stale_failure.format(minutes=minutes), finished_at=now
        )
    return reaped + _reap_failed_in_queue(model, queued, queue_failure, now)


def _reap_failed_in_queue(
    model: type[BackgroundJob], queued: list[tuple[int, str]], failure: str, now: dt.datetime
) -> int:
    if not queued:
        return 0
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another queue backend: nothing to ask
        return 0
    try:
        failed = {
            str(pk)
            for pk in DBTaskResult.objects.filter(
                id__in=[queue_id for _pk, queue_id in queued], status="FAILED"
            ).values_list("id", flat=True)
        }
    except (ValueError, DjangoValidationError):  # ids of another backend
        return 0
    reaped = 0
    for pk, queue_id in queued:
        if queue_id in failed:
            reaped += model.objects.filter(pk=pk, status=QUEUED).update(status=FAILED, failure=failure, finished_at=now)
    return reaped


def purge_files(due: QuerySet, *, now: dt.datetime, action: str, audit_details: Callable[[Any], dict]) -> int:
    """Delete the stored files of the jobs in ``due`` (one transaction each). Retired, not
    destroyed: the row keeps the file's name and SHA-256, and each deletion is audited as
    ``action`` with ``audit_details(job)`` (``after`` and any other ``audit_record`` keyword).
    Returns how many files were deleted."""
    due = due.filter(file_purged_at__isnull=True).exclude(file="")
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    return sum(_purge_file(due, pk, now=now, action=action, audit_details=audit_details) for pk in ids)


@transaction.atomic
def _purge_file(due: QuerySet, pk: int, *, now: dt.datetime, action: str, audit_details: Callable) -> int:
    job = due.select_for_update().filter(pk=pk).first()
    if job is None:  # taken by a concurrent run
        return 0
    stored = job.file.name
    type(job).objects.filter(pk=job.pk).update(file="", file_purged_at=now)
    audit_record(actor=None, action=action, target=job, before={"file": stored}, **audit_details(job))
    # Last, inside the transaction: if the deletion fails, the row still names the file; if the
    # commit fails after it, the next run finds the row and the storage's delete of a missing
    # file does nothing.
    job.file.storage.delete(stored)
    return 1
