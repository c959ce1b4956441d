"""检查结果 writes (issue 13, items 5, 7, 8), each checked, in one transaction and audited:

- ``result_save``: a team member enters or edits a visit's result (or a department's system
  for a named team officer, ``entered_for``: both kept on the revision); every save is a whole
  ``ResultRevision``; a resent submission (same client id) returns what was saved; an edit
  against a stale revision raises ``StaleRevision`` (the view answers 409); after confirmation
  only with a reason (更正), and the result must be confirmed again.
- ``result_confirm``: a certified officer of the team (or a department's system for one it
  names) confirms the current revision; with
  enough confirmations the result is complete (its publication deadline set, ``result_confirmed``
  sent).
- ``result_approve``: the lead department's approver approves a task's confirmed results, where
  the department asks for it.
- ``result_draft_save``: the form's server draft as the inspector types. Not audited: a draft is
  nobody's record and changes every few seconds; what is submitted is audited whole."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record
from spotcheck.core.reasons import clean_reason
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections.selectors import require_approved_or_emergency
from spotcheck.inspectors.models import Inspector
from spotcheck.results import access
from spotcheck.results.content import clean_result
from spotcheck.results.models import ItemResult, ResultConfirmation, ResultDraft, ResultRevision, VisitResult
from spotcheck.results.selectors import entry_items
from spotcheck.results.signals import result_confirmed
from spotcheck.workdays.deadlines import publication_deadline

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Status = VisitResult.Status


class StaleRevision(Exception):
    """An edit made against ``base_revision`` while the result is at ``current`` (HTTP 409)."""

    def __init__(self, visit_result: VisitResult, base_revision: int | None, submitted: Any):
        super().__init__(f"stale revision {base_revision} (current {visit_result.revision})")
        self.visit_result = visit_result
        self.base_revision = base_revision
        self.submitted = submitted


def _locked_visit(visit: Visit) -> Visit:
    """The visit and its task, locked: two saves of one result run one after the other."""
    Task.objects.select_for_update().filter(pk=visit.task_id).values_list("pk", flat=True).first()
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("task__lead_department", "inspection_object")
        .get(pk=visit.pk)
    )


def require_enterable(actor: User, visit: Visit, entered_for: int | None = None) -> Inspector | None:
    """A result is entered by the team (or by a department's system for a named team officer:
    returned), once the visit is approved (or started in an emergency), while its task is
    drawn."""
    inspector = access.entering_inspector(actor, visit, entered_for)
    if visit.task.status != Task.Status.DRAWN:
        raise ValidationError(
            _("任务当前状态为“%(status)s”，不能录入检查结果。") % {"status": visit.task.get_status_display()},
            code="task_not_drawn",
        )
    require_approved_or_emergency(visit)
    return inspector


def _parse_client_id(client_id: Any) -> uuid.UUID | None:
    if client_id in (None, ""):
        return None
    try:
        return uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError({"client_id": [_("提交标识格式不正确。")]}, code="invalid_client_id") from None


def _write_items(visit_result: VisitResult, clean: dict[str, Any]) -> None:
    current = {row.item_version_id: row for row in visit_result.items.all()}
    for data in clean["items"]:
        values = {
            "department_id": data["department"],
            "checked": data["checked"],
            "method": data["method"],
            "adopted_from": data["adopted_from"],
            "codes": data["codes"],
            "problem_found": data["problem_found"],
            "answers": data["answers"],
            "note": data["note"],
            "checked_on": data["checked_on"],
        }
        row = current.get(data["item_version"])
        if row is None:
            ItemResult.objects.create(visit_result=visit_result, item_version_id=data["item_version"], **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))


def _copy_status(visit_result: VisitResult) -> None:
    """The visit's copy of its result's status (``Visit.result_state``, read by the deadline
    dashboard), written in the transaction that changes the status."""
    Visit.objects.filter(pk=visit_result.visit_id).update(result_state=visit_result.status)
    if VisitResult.visit.is_cached(visit_result):
        visit_result.visit.result_state = visit_result.status


@transaction.atomic
def result_save(
    *,
    actor: User,
    visit: Visit,
    data: Any,
    base_revision: int | None,
    client_id: Any = None,
    reason: str = "",
    entered_for: int | None = None,
) -> VisitResult:
    """Enter (``base_revision=None``) or edit (the revision the form was loaded at) the result of
    ``visit``. All or nothing; the new revision is kept whole. A department's system names the
    team officer it enters for (``entered_for``, an Inspector id); a person names nobody."""
    client_uuid = _parse_client_id(client_id)
    visit = _locked_visit(visit)
    if client_uuid is not None:
        # A resent submission (checked once the visit is locked, so that a copy sent while the
        # first is being saved finds it): what it saved the first time, saved once.
        done = ResultRevision.objects.filter(saved_by=actor, client_id=client_uuid).select_related("visit_result")
        if (revision := done.first()) is not None:
            if revision.visit_result.visit_id != visit.pk:
                raise ValidationError({"client_id": [_("该提交标识已用于另一个检查。")]}, code="client_id_reused")
            return revision.visit_result
    officer = require_enterable(actor, visit, entered_for)
    current = VisitResult.objects.select_for_update().filter(visit=visit).first()
    current_revision = current.revision if current is not None else None
    if base_revision != current_revision:
        if current is None:
            raise ValidationError(_("该检查还没有检查结果，请重新打开录入页面。"), code="no_result")
        raise StaleRevision(current, base_revision, data)
    correction = current is not None and current.is_confirmed
    if correction:
        reason = clean_reason(
            reason, label=_("更正原因"), max_length=ResultRevision._meta.get_field("reason").max_length
        )
    else:
        reason = ""
    clean = clean_result(
        data, entry_items(visit), object_status=visit.inspection_object.status, today=timezone.localdate()
    )
    now = timezone.now()
    fields = {
        "outcome": clean["outcome"],
        "not_carried_out_reason": clean["not_carried_out_reason"],
        "not_carried_out_note": clean["not_carried_out_note"],
        "completed_on": clean["completed_on"],
        "updated_by": actor,
        "updated_at": now,
    }
    before = None
    if current is None:
        visit_result = VisitResult.objects.create(
            visit=visit, revision=1, entered_by=actor, entered_at=now, status=Status.ENTERED, **fields
        )
    else:
        visit_result = current
        before = {"revision": current.revision, "status": current.status}
        # A correction goes back to 待确认 and is confirmed (and approved) anew; its publication
        # deadline stays the first confirmation's: the clock runs from when the result was formed.
        fields |= {"revision": current.revision + 1, "status": Status.ENTERED, "approved_by": None, "approved_at": None}
        for name, value in fields.items():
            setattr(visit_result, name, value)
        visit_result.full_clean(exclude=["visit"])
        visit_result.save(update_fields=list(fields))
    _write_items(visit_result, clean)
    _copy_status(visit_result)
    try:
        with transaction.atomic():
            revision = ResultRevision.objects.create(
                visit_result=visit_result,
                number=visit_result.revision,
                data=clean,
                reason=reason,
                is_correction=correction,
                saved_by=actor,
                saved_at=now,
                client_id=client_uuid,
                entered_for=officer,
            )
    except IntegrityError:
        # The same client id saved by a concurrent request of the same user: theirs won.
        raise ValidationError({"client_id": [_("该提交已经保存。")]}, code="client_id_reused") from None
    ResultDraft.objects.filter(visit=visit, user=actor).delete()
    audit_record(
        actor=actor,
        action="results.result.correct"
        if correction
        else ("results.result.save" if before else "results.result.enter"),
        target=visit_result,
        before=before,
        after={
            "revision": revision.number,
            "status": visit_result.status,
            "task": visit.task.code,
            "visit_public_id": visit.public_id,
            "reason": reason,
            "client_id": str(client_uuid) if client_uuid else "",
            **_on_behalf(actor, officer),
            "data": clean,
        },
        department_id=visit.task.lead_department_id,
    )
    return visit_result


def _on_behalf(actor: User, officer: Inspector | None) -> dict[str, Any]:
    """The audit entry's names when a department's system acted for an officer: the system
    (the entry's actor is its service account) and the officer."""
    if officer is None:
        return {}
    system = access.system_of(actor)
    return {
        "system": system.name if system is not None else actor.display_name,
        "entered_for": {
            "inspector": officer.pk,
            "name": officer.name,
            "certificate_number": officer.certificate_number,
        },
    }


@transaction.atomic
def result_confirm(
    *, actor: User, visit_result: VisitResult, revision: int, inspector: int | None = None
) -> ResultConfirmation:
    """确认: a certified officer of the team confirms ``revision`` (it must be the current one);
    a department's system names the officer it confirms for (``inspector``, an Inspector id).
    With SPOTCHECK_RESULT_CONFIRMATIONS confirmations of the current revision by different
    officers, one of them the officer who saved it, the result is complete."""
    visit = _locked_visit(visit_result.visit)
    visit_result = VisitResult.objects.select_for_update().get(pk=visit_result.pk)
    today = timezone.localdate()
    named = inspector
    inspector = access.confirming_inspector(actor, visit, named, today)
    if visit.task.status != Task.Status.DRAWN:
        raise ValidationError(_("任务已不在实施中，不能确认检查结果。"), code="task_not_drawn")
    if revision != visit_result.revision:
        raise ValidationError(
            _("检查结果已更新为第 %(current)s 版，您确认的是第 %(revision)s 版；请查看最新版本后再确认。")
            % {"current": visit_result.revision, "revision": revision},
            code="stale_revision",
        )
    if visit_result.is_confirmed:
        raise ValidationError(_("检查结果已确认完成。"), code="already_complete")
    if ResultConfirmation.objects.filter(visit_result=visit_result, revision=revision, inspector=inspector).exists():
        if named is not None:
            message = _("%(name)s 已确认过第 %(revision)s 版检查结果，不能重复确认。") % {
                "name": inspector.name,
                "revision": revision,
            }
        else:
            message = _("您已确认过第 %(revision)s 版检查结果，不能重复确认。") % {"revision": revision}
        raise ValidationError(message, code="already_confirmed")
    now = timezone.now()
    confirmation = ResultConfirmation.objects.create(
        visit_result=visit_result, revision=revision, inspector=inspector, user=actor, confirmed_at=now
    )
    audit_record(
        actor=actor,
        action="results.result.confirm",
        target=visit_result,
        after={
            "revision": revision,
            "inspector": inspector.pk,
            "certificate_number": inspector.certificate_number,
            **({"system": _on_behalf(actor, inspector)["system"], "name": inspector.name} if named else {}),
        },
        department_id=visit.task.lead_department_id,
    )
    # Counted by officer, not by account: a system's confirmations are each for another
    # officer, and the saver is the officer the revision was entered for (or the person's own).
    confirmers = set(
        ResultConfirmation.objects.filter(visit_result=visit_result, revision=revision).values_list(
            "inspector_id", flat=True
        )
    )
    saved = ResultRevision.objects.filter(visit_result=visit_result, number=revision).values("saved_by", "entered_for")
    saver = next(iter(saved), None)
    saver_id = access.saver_inspector_id(visit, saver["saved_by"], saver["entered_for"]) if saver else None
    if len(confirmers) >= settings.SPOTCHECK_RESULT_CONFIRMATIONS and saver_id in confirmers:
        _complete(actor, visit, visit_result, now)
    return confirmation


def _complete(actor: User, visit: Visit, visit_result: VisitResult, now) -> None:
    # ``confirmed_at`` is when the result was formed: its first completion. A corrected result
    # confirmed again keeps it and its publication deadline (the clock runs from then; the
    # deadlines' recompute counts from ``confirmed_at`` too); the new confirmations have their
    # own times.
    corrected = visit_result.publication_due_on is not None
    changes: dict[str, Any] = {"status": Status.CONFIRMED}
    if not corrected:
        deadline = publication_deadline(timezone.localdate(now))
        changes |= {
            "confirmed_at": now,
            "publication_due_on": deadline.date,
            "publication_due_provisional": deadline.provisional,
        }
    for name, value in changes.items():
        setattr(visit_result, name, value)
    visit_result.save(update_fields=list(changes))
    _copy_status(visit_result)
    audit_record(
        actor=actor,
        action="results.result.complete",
        target=visit_result,
        after={
            "revision": visit_result.revision,
            "status": visit_result.status,
            "completed_at": now,
            "publication_due_on": visit_result.publication_due_on,
            "publication_due_provisional": visit_result.publication_due_provisional,
            "corrected": corrected,
        },
        department_id=visit.task.lead_department_id,
    )
    result_confirmed.send(sender=VisitResult, visit_result=visit_result, actor=actor, corrected=corrected)


@transaction.atomic
def result_approve(
    *, actor: User, task: Task, visit_results: Iterable[VisitResult | int] | None = None
) -> list[VisitResult]:
    """审批检查结果: the lead department's approver approves the task's confirmed results — all
    of them (one click) or the given ones; only where the department asks for it."""
    if not access.may_approve(actor, task):
        raise PermissionDenied(access.APPROVE_RULE)
    task = Task.objects.select_for_update().select_related("lead_department").get(pk=task.pk)
    if not task.lead_department.results_need_approval:
        raise ValidationError(
            _("%(department)s的检查结果无需审批，经确认即为最终结果。") % {"department": task.lead_department.name},
            code="approval_not_required",
        )
    rows = VisitResult.objects.select_for_update().filter(visit__task=task).order_by("pk")
    if visit_results is None:
        chosen = list(rows.filter(status=Status.CONFIRMED))
        if not chosen:
            raise ValidationError(_("本任务没有待审批的检查结果。"), code="nothing_to_approve")
    else:
        ids = {v if isinstance(v, int) else v.pk for v in visit_results}
        chosen = list(rows.filter(pk__in=ids))
        if not ids or len(chosen) != len(ids):
            raise ValidationError(_("所选的检查结果不属于本任务。"), code="unknown_result")
        if any(r.status != Status.CONFIRMED for r in chosen):
            raise ValidationError(_("只有已确认、尚未审批的检查结果可以审批。"), code="not_confirmed")
    now = timezone.now()
    Visit.objects.filter(pk__in=[r.visit_id for r in chosen]).update(result_state=Status.APPROVED)
    for visit_result in chosen:
        visit_result.status, visit_result.approved_by, visit_result.approved_at = Status.APPROVED, actor, now
        visit_result.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="results.result.approve",
            target=visit_result,
            after={"revision": visit_result.revision, "task": task.code},
            department_id=task.lead_department_id,
        )
    return chosen


def result_draft_save(*, actor: User, visit: Visit, data: Any, base_revision: int | None) -> ResultDraft:
    """草稿: keep what ``actor`` has typed into the result form of ``visit`` (one per user and
    visit, replaced each time). Not audited (see the module's note)."""
    require_enterable(actor, visit)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v) for k, v in data.items()
    ):
        raise ValidationError({"data": [_("草稿内容格式不正确。")]}, code="invalid_draft")
    size = len(json.dumps(data, ensure_ascii=False).encode())
    if size > settings.SPOTCHECK_RESULT_DRAFT_MAX_BYTES:
        raise ValidationError(
            {"data": [_("草稿过大（上限 %(max)s 字节）。") % {"max": settings.SPOTCHECK_RESULT_DRAFT_MAX_BYTES}]},
            code="draft_too_big",
        )
    if base_revision is not None and (not isinstance(base_revision, int) or base_revision < 1):
        raise ValidationError({"base_revision": [_("版本号不正确。")]}, code="invalid_revision")
    current = VisitResult.objects.filter(visit=visit).values_list("revision", flat=True).first()
    if base_revision != current:
        # Typed against a revision that is no longer current (a draft request that arrives after
        # its form was submitted, or someone else saved meanwhile): the browser keeps it and the
        # submission shows both versions (409); the server's draft stays the current one's.
        raise (
            StaleRevision(VisitResult.objects.get(visit=visit), base_revision, data)
            if current
            else ValidationError({"base_revision": [_("版本号不正确。")]}, code="invalid_revision")
        )
    draft, _created = ResultDraft.objects.update_or_create(
        visit=visit, user=actor, defaults={"data": data, "base_revision": base_revision, "updated_at": timezone.now()}
    )
    return draft
