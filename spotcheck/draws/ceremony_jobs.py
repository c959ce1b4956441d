"""Freezing a large pool, or drawing from one, as a background job (DESIGN.md: large draws run
as jobs with visible progress). A province's freeze or draw takes seconds to minutes: too long
for a web request that a proxy may cut, and an operator who presses again would only queue
behind a row lock. The job runs the very same service (``task_freeze``, ``task_draw``) in its
one transaction as the operator who asked, so all-or-nothing and every check hold as they do
inline; the job row says what became of it.

Writes: ``ceremony_step_run_or_queue`` (the pages and the API: the step now, or a job),
``ceremony_job_request`` (the operator; audited), ``ceremony_job_run`` (the worker:
``jobs.run_ceremony_job``) and ``reap_stale_jobs``. Reads: ``job_needed``, ``active_job``,
``job_to_show``.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import require_write
from spotcheck.audit.services import audit_record
from spotcheck.draws import pool, services
from spotcheck.draws.models import CeremonyJob, FrozenPool, Task

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

logger = logging.getLogger(__name__)
Step = CeremonyJob.Step
JobStatus = CeremonyJob.Status
# A step is one transaction of seconds to minutes; a job running this long has lost its worker.
STALE_AFTER = dt.timedelta(minutes=30)
QUEUE_CHECK_AFTER = dt.timedelta(minutes=1)  # the task page asks the queue about a job waiting longer
_SERVICES = {Step.FREEZE: services.task_freeze, Step.DRAW: services.task_draw}
_REQUIRED_STATUS = {Step.FREEZE: Task.Status.DRAFT, Step.DRAW: Task.Status.ANNOUNCED}


def job_needed(task: Task, step: str) -> int | None:
    """The number of objects that sends ``step`` of ``task`` to a background job, or None
    when it is small enough to run in the request."""
    if step == Step.FREEZE:
        size = pool.scope_size(task)
    else:
        size = FrozenPool.objects.filter(task=task).values_list("member_count", flat=True).first() or 0
    return size if size >= settings.SPOTCHECK_CEREMONY_JOB_OBJECTS else None


def active_job(task: Task) -> CeremonyJob | None:
    return task.ceremony_jobs.filter(status__in=CeremonyJob.ACTIVE_STATUSES).first()


def job_to_show(task: Task) -> CeremonyJob | None:
    """The job the task page shows: one queued or running, or the last one if it failed and its
    step may still be asked for again."""
    job = task.ceremony_jobs.select_related("requested_by").first()
    if job is not None and _maybe_stale(job) and reap_stale_jobs(task=task):
        job.refresh_from_db()  # its worker is gone: the page shows it failed, and the button again
    if job is None or job.is_active:
        return job
    if job.status == JobStatus.FAILED and task.status == _REQUIRED_STATUS[job.step] and task.match_failed_at is None:
        return job
    return None


def ceremony_step_run_or_queue(*, actor: User, task: Task, step: str) -> CeremonyJob | None:
    """Freeze or draw ``task`` now, or, when its pool is large, queue the step as a job and
    return the job. Refused while a job of the task is queued or running."""
    if active_job(task) is not None:
        raise ValidationError(_("该任务已有一项后台处理在排队或进行中，请等它完成。"), code="job_active")
    if step == Step.FREEZE:
        services.require_redraw_approved(task)  # refused now rather than by a queued job
    size = job_needed(task, step)
    if size is None:
        _SERVICES[Step(step)](actor=actor, task=task)
        return None
    return ceremony_job_request(actor=actor, task=task, step=step, objects_estimate=size)


def _maybe_stale(job: CeremonyJob, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if job.status == JobStatus.RUNNING:
        return job.started_at is not None and job.started_at < now - STALE_AFTER
    # A queued job whose queue entry failed (the worker could not even start it).
    return job.status == JobStatus.QUEUED and bool(job.queue_id) and job.requested_at < now - QUEUE_CHECK_AFTER


@transaction.atomic
def ceremony_job_request(*, actor: User, task: Task, step: str, objects_estimate: int = 0) -> CeremonyJob:
    """Queue ``step`` of ``task`` for the worker, once this transaction commits."""
    require_write(actor, task.lead_department_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    reap_stale_jobs(task=task)
    if active_job(task) is not None:
        raise ValidationError(_("该任务已有一项后台处理在排队或进行中，请等它完成。"), code="job_active")
    if task.status != _REQUIRED_STATUS[step] or (step == Step.DRAW and task.match_failed_at is not None):
        raise ValidationError(
            _("任务当前状态为“%(status)s”，不能%(step)s。")
            % {"status": task.get_status_display(), "step": Step(step).label},
            code="status",
        )
    job = CeremonyJob(
        task=task, step=step, requested_by=actor, requested_at=timezone.now(), objects_estimate=objects_estimate
    )
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="draws.ceremony_job.request",
        target=task,
        after={"job": job.pk, "step": step, "objects_estimate": objects_estimate},
        department_id=task.lead_department_id,
    )
    transaction.on_commit(partial(enqueue_ceremony_job, job.pk))
    return job


def enqueue_ceremony_job(job_id: int) -> None:
    from spotcheck.draws.jobs import run_ceremony_job

    try:
        result = run_ceremony_job.enqueue(job_id)
    except Exception as exc:  # the queue is down: say so on the job instead of leaving it queued
        logger.exception("could not enqueue ceremony job %s", job_id)
        _finish(
            job_id, JobStatus.FAILED, _("无法提交后台处理：%(error)s。任务未做任何更改，可重新提交。") % {"error": exc}
        )
        return
    CeremonyJob.objects.filter(pk=job_id).update(queue_id=str(result.id)[:64])


def ceremony_job_run(*, job_id: int) -> CeremonyJob:
    """Claim a queued job and run its step. The step's own transaction holds every write of
    it; the job row is updated outside, so it tells what happened whatever happened."""
    claimed = CeremonyJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = CeremonyJob.objects.select_related("task", "requested_by").get(pk=job_id)
    if not claimed:
        return job
    step = Step(job.step)
    try:
        _SERVICES[step](actor=job.requested_by, task=job.task)
    except ValidationError as exc:  # a match that fails, a task no longer in the right state …
        _finish(job_id, JobStatus.FAILED, "；".join(exc.messages))
    except (PermissionDenied, Http404):
        _finish(job_id, JobStatus.FAILED, _("提交人已无权操作该任务，未做任何更改。"))
    except Exception as exc:
        logger.exception("ceremony job %s failed", job_id)
        _finish(
            job_id,
            JobStatus.FAILED,
            _("系统错误（%(error)s），任务未做任何更改，可重新提交。") % {"error": type(exc).__name__},
        )
    else:
        done = _("对象库已冻结。") if step == Step.FREEZE else _("已揭晓服务器密钥并完成抽取。")
        _finish(job_id, JobStatus.SUCCEEDED, done)
    job.refresh_from_db()
    return job


def _finish(job_id: int, status: str, message: str) -> None:
    CeremonyJob.objects.filter(pk=job_id).update(status=status, message=message[:2000], finished_at=timezone.now())


def reap_stale_jobs(*, task: Task | None = None, now: dt.datetime | None = None) -> int:
    """Mark failed the jobs whose worker is gone: running past ``STALE_AFTER``, or queued
    where the queue says its task failed. Their step wrote nothing (one transaction)."""
    now = now or timezone.now()
    jobs = CeremonyJob.objects.filter(status__in=CeremonyJob.ACTIVE_STATUSES)
    if task is not None:
        jobs = jobs.filter(task=task)
    reaped = jobs.filter(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED,
        message=_("后台处理进程已中断，任务未做任何更改，可重新提交。"),
        finished_at=now,
    )
    queued = dict(jobs.filter(status=JobStatus.QUEUED).exclude(queue_id="").values_list("queue_id", "pk"))
    if queued:
        try:
            from django_tasks_db.models import DBTaskResult

            failed = [
                str(i)
                for i in DBTaskResult.objects.filter(id__in=list(queued), status="FAILED").values_list("id", flat=True)
            ]
        except (ImportError, ValueError, ValidationError):  # another queue backend, other ids
            failed = []
        reaped += CeremonyJob.objects.filter(pk__in=[queued[i] for i in failed], status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, message=_("后台处理失败，任务未做任何更改，可重新提交。"), finished_at=now
        )
    return reaped
