"""Publishing results (一公开): every change of what the public sees of a result goes through one
of these functions, which check the permission, write the change and its audit entry in one
transaction. The old text of a corrected or withdrawn result stays in its row and in the audit
trail (``before``), never on the portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, User
from spotcheck.audit.services import audit_record
from spotcheck.core.reasons import clean_reason
from spotcheck.draws.models import Task
from spotcheck.publication import access, search_index, selectors
from spotcheck.publication.models import PublishedResult, ResultNotice
from spotcheck.publication.public_record import public_record, record_items
from spotcheck.results.models import VisitResult
from spotcheck.workdays.deadlines import correction_deadline
from spotcheck.workdays.selectors import current_calendar

State = PublishedResult.State


def _notice_year(task: Task) -> int:
    return task.plan_entry.plan.year if task.plan_entry_id else task.window_start.year


def _notice_for(task: Task, now: dt.datetime) -> ResultNotice:
    notice = ResultNotice.objects.select_for_update().filter(task=task).first()
    if notice is not None:
        notice.updated_at = now
        notice.save(update_fields=["updated_at"])
        return notice
    # The department's row serialises the numbering of its notices.
    Department.objects.select_for_update().filter(pk=task.lead_department_id).first()
    year = _notice_year(task)
    last = ResultNotice.objects.filter(department_id=task.lead_department_id, year=year).aggregate(n=Max("number"))
    return ResultNotice.objects.create(
        task=task,
        department_id=task.lead_department_id,
        year=year,
        number=(last["n"] or 0) + 1,
        first_published_at=now,
        updated_at=now,
    )


def _new_version(
    *, notice: ResultNotice, visit_result: VisitResult, version: int, actor: User | None, now, due_on, reason=""
) -> PublishedResult:
    """The row of a published version, not yet saved."""
    record = public_record(visit_result, getattr(visit_result, "record_items", None))
    today = timezone.localdate(now)
    return PublishedResult(
        notice=notice,
        department_id=notice.department_id,
        visit_result=visit_result,
        inspection_object_id=visit_result.visit.inspection_object_id,
        version=version,
        revision=visit_result.revision,
        record=record,
        completed_on=visit_result.completed_on,
        problem_found=any(item["problem_found"] for item in record["items"]),
        published_at=now,
        published_by=actor,
        due_on=due_on,
        on_time=due_on is None or today <= due_on,
        correction_reason=reason,
    )


@transaction.atomic
def results_publish(
    *, actor: User | None, task: Task, result_ids: Iterable[int] | None = None
) -> list[PublishedResult]:
    """Publish the task's final results not yet published (or those of ``result_ids`` among them)
    in its result notice. ``actor`` None is the daily job (audit source "job")."""
    if actor is not None:
        access.require_publish(actor, task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    results = selectors.awaiting_publication(VisitResult.objects.filter(visit__task=task))
    if result_ids is not None:
        wanted = {int(pk) for pk in result_ids}
        results = results.filter(pk__in=wanted)
    results = list(
        results.select_related("visit__inspection_object")
        .prefetch_related(Prefetch("items", queryset=record_items(), to_attr="record_items"))
        .order_by("visit__rank", "pk")
    )
    if not results:
        raise ValidationError(
            _("没有可公示的检查结果：结果须已确认（需审批的须已审批）且尚未公示。"), code="nothing_to_publish"
        )
    now = timezone.now()
    notice = _notice_for(task, now)
    for r in results:
        # One task for all: its department and plan (in every public record) are read once.
        r.visit.task = task
    # One INSERT per batch, whatever the number of results (scale14).
    published = PublishedResult.objects.bulk_create(
        [
            _new_version(notice=notice, visit_result=r, version=1, actor=actor, now=now, due_on=r.publication_due_on)
            for r in results
        ],
        batch_size=search_index.BATCH,
    )
    search_index.refresh(p.inspection_object_id for p in published)  # search14
    audit_record(
        actor=actor,
        action="publication.results.publish",
        target=notice,
        after={
            "notice": notice.title,
            "results": [{"result": p.visit_result_id, "revision": p.revision, "on_time": p.on_time} for p in published],
        },
        department_id=task.lead_department_id,
    )
    return published


def _shown_locked(visit_result: VisitResult) -> PublishedResult:
    shown = PublishedResult.objects.select_for_update().filter(visit_result=visit_result, state__in=selectors.SHOWN)
    row = shown.select_related("notice").first()
    if row is None:
        raise ValidationError(_("该检查结果尚未公示。"), code="not_published")
    return row


@transaction.atomic
def result_publication_correct(*, actor: User, visit_result: VisitResult, reason: str) -> PublishedResult:
    """Publish the corrected result in place of its published version, with a public note of
    why (更正说明). Only a correction that is itself final can be published."""
    task = visit_result.visit.task
    access.require_publish(actor, task)
    reason = clean_reason(
        reason, label=_("更正说明"), max_length=PublishedResult._meta.get_field("correction_reason").max_length
    )
    visit_result = VisitResult.objects.select_for_update().select_related("visit__task").get(pk=visit_result.pk)
    old = _shown_locked(visit_result)
    if not selectors.awaiting_correction(VisitResult.objects.filter(pk=visit_result.pk)).exists():
        raise ValidationError(_("该检查结果没有待公示的更正：更正须已确认（需审批的须已审批）。"), code="no_correction")
    now = timezone.now()
    due = correction_deadline(selectors.became_final_on(visit_result)).date
    old.state = State.SUPERSEDED
    old.superseded_at = now
    old.save(update_fields=["state", "superseded_at"])
    notice = _notice_for(task, now)
    new = _new_version(
        notice=notice,
        visit_result=visit_result,
        version=old.version + 1,
        actor=actor,
        now=now,
        due_on=due,
        reason=reason,
    )
    new.save()
    search_index.refresh([new.inspection_object_id])  # search14
    audit_record(
        actor=actor,
        action="publication.result.correct",
        target=new,
        before={"version": old.version, "revision": old.revision, "state": old.state, "record": old.record},
        after={"version": new.version, "revision": new.revision, "reason": reason, "record": new.record},
        department_id=task.lead_department_id,
    )
    return new


@transaction.atomic
def result_publication_withdraw(*, actor: User, published: PublishedResult, reason: str) -> PublishedResult:
    """Take a published result down (a decision revoked): the portal shows that it was withdrawn,
    when and why, and no longer its content."""
    task = published.notice.task
    access.require_publish(actor, task)
    reason = clean_reason(
        reason, label=_("撤下说明"), max_length=PublishedResult._meta.get_field("withdrawal_reason").max_length
    )
    row = PublishedResult.objects.select_for_update().get(pk=published.pk)
    if row.state != State.CURRENT:
        raise ValidationError(_("只能撤下正在公示的检查结果。"), code="not_current")
    now = timezone.now()
    row.state = State.WITHDRAWN
    row.withdrawn_at = now
    row.withdrawn_by = actor
    row.withdrawal_reason = reason
    row.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    ResultNotice.objects.filter(pk=row.notice_id).update(updated_at=now)
    search_index.refresh([row.inspection_object_id])  # search14
    audit_record(
        actor=actor,
        action="publication.result.withdraw",
        target=row,
        before={"state": State.CURRENT, "record": row.record},
        after={"state": row.state, "reason": reason},
        department_id=task.lead_department_id,
    )
    return row


def auto_publish_horizon(today: dt.date) -> dt.date | None:
    """Results due on or before this day are published by the daily job; None when the setting
    turns it off (a negative number)."""
    days = settings.SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE
    if days < 0:
        return None
    return current_calendar().add_working_days(today, days).date


def due_results_publish(today: dt.date | None = None) -> int:
    """The daily job: publish every final result whose deadline falls within the configured
    number of working days (or has passed), task by task, each task in its own transaction."""
    today = today or timezone.localdate()
    horizon = auto_publish_horizon(today)
    if horizon is None:
        return 0
    due = selectors.awaiting_publication(VisitResult.objects.all()).filter(publication_due_on__lte=horizon)
    by_task: dict[int, list[int]] = {}
    for task_id, pk in due.values_list("visit__task_id", "pk").order_by("visit__task_id", "pk"):
        by_task.setdefault(task_id, []).append(pk)
    count = 0
    for task in Task.objects.filter(pk__in=by_task).order_by("pk"):
        count += len(results_publish(actor=None, task=task, result_ids=by_task[task.pk]))
    return count
