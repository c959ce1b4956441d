"""合并检查 writes, coordinator only, each audited in its transaction: ``merged_visit_confirm``,
``merged_visit_extend`` (a third department joins), ``merged_visit_dissolve``,
``merge_proposal_decline``, the same for many proposals at once (``merge_proposals_confirm``,
``merge_proposals_decline``: all or nothing), and ``merged_visits_dissolve_for_task`` (a cancelled task's visits
are not carried out; called from draws' ``task_cancelled`` signal, see ``receivers``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.core.codes import next_number
from spotcheck.core.reasons import clean_reason
from spotcheck.core.updates import model_update
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections.access import (
    APPROVE_RULE,
    EMERGENCY_RULE,
    can_approve_visits,
    can_start_emergency,
    require_merge_decider,
)
from spotcheck.inspections.check_codes import ensure_code
from spotcheck.inspections.models import (
    EmergencyStart,
    MergeDecline,
    MergedVisit,
    MergedVisitMember,
    VisitApproval,
)

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Status = Task.Status


def _locked_visits(visits: Iterable[Visit | int]) -> list[Visit]:
    """The visits and their tasks, locked until the transaction ends (a task being cancelled at
    the same moment waits, then dissolves what was confirmed; or it wins and confirm refuses)."""
    ids = sorted({v if isinstance(v, int) else v.pk for v in visits})
    task_ids = Visit.objects.filter(pk__in=ids).values("task_id")
    list(Task.objects.select_for_update().filter(pk__in=task_ids).order_by("pk").values_list("pk", flat=True))
    locked = list(
        Visit.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("task", "inspection_object")
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise ValidationError(_("所选的检查不存在。"), code="unknown_visit")
    return locked


def _same_object(visits: list[Visit]) -> None:
    if len(visits) < 2:
        raise ValidationError(_("请至少选择两个检查。"), code="too_few")
    if len({v.inspection_object_id for v in visits}) > 1:
        raise ValidationError(_("所选检查不是同一检查对象，不能合并。"), code="different_objects")


def _already_merged(visits: list[Visit], merged_visit: MergedVisit | None = None) -> list[str]:
    """Problems for the visits already in an active merged visit (other than ``merged_visit``)."""
    rows = MergedVisitMember.objects.filter(visit__in=visits, is_active=True).select_related(
        "merged_visit", "visit__task"
    )
    if merged_visit is not None:
        rows = rows.exclude(merged_visit=merged_visit)
    return [
        _("任务“%(task)s”对该对象的检查已在合并检查“%(code)s”中。")
        % {"task": row.visit.task.code, "code": row.merged_visit.code}
        for row in rows
    ]


def _merge_window(visits: list[Visit], merged_visit: MergedVisit | None = None) -> tuple[dt.date, dt.date]:
    """Check every rule of a merge and return the common window; all problems are reported.
    With ``merged_visit``, the visits are its members and those joining it."""
    _same_object(visits)
    problems: list[str] = []
    for visit in visits:
        if visit.task.status != Status.DRAWN:
            problems.append(
                _("任务“%(code)s”当前状态为“%(status)s”，其检查不能合并。")
                % {"code": visit.task.code, "status": visit.task.get_status_display()}
            )
    for a, b in combinations(visits, 2):
        if a.task.lead_department_id == b.task.lead_department_id:
            problems.append(
                _("任务“%(a)s”和“%(b)s”由同一部门发起，请由该部门自行安排。") % {"a": a.task.code, "b": b.task.code}
            )
    start = max(v.task.window_start for v in visits)
    end = min(v.task.window_end for v in visits)
    if start > end:
        problems.append(_("所选任务的检查时间没有共同的重叠期，不能合并。"))
    elif end < timezone.localdate():
        problems.append(_("所选任务共同的检查时间已于 %(end)s 结束，不能再合并。") % {"end": end.isoformat()})
    problems += _already_merged(visits, merged_visit)
    if problems:
        raise ValidationError(problems, code="not_mergeable")
    return start, end


def _next_code(year: int) -> str:
    return f"HB-{year}-{next_number(f'merged_visit:{year}'):04d}"


def _visit_facts(visits: Iterable[Visit]) -> list[dict[str, Any]]:
    return [
        {"visit": v.pk, "task": v.task.code, "lead_department": v.task.lead_department_id, "public_id": v.public_id}
        for v in visits
    ]


def _add_members(merged_visit: MergedVisit, visits: list[Visit]) -> None:
    try:
        with transaction.atomic():
            MergedVisitMember.objects.bulk_create(MergedVisitMember(merged_visit=merged_visit, visit=v) for v in visits)
    except IntegrityError:  # a visit merged by someone else in the meantime
        raise ValidationError(_("所选检查中有检查刚刚被合并，请刷新后重试。"), code="merged_meanwhile") from None


@transaction.atomic
def merged_visit_confirm(*, actor: User, visits: Iterable[Visit | int], note: str = "") -> MergedVisit:
    """确认合并: the coordinator groups visits of one object from drawn tasks of different lead
    departments, whose windows overlap and none of which is merged yet, into one merged visit
    planned in the common window. All or nothing."""
    require_merge_decider(actor)
    note = (note or "").strip()
    locked = _locked_visits(visits)
    start, end = _merge_window(locked)
    merged_visit = MergedVisit(
        code=_next_code(start.year),
        inspection_object_id=locked[0].inspection_object_id,
        planned_start=start,
        planned_end=end,
        note=note,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    merged_visit.full_clean()
    merged_visit.save()
    _add_members(merged_visit, locked)
    audit_record(
        actor=actor,
        action="inspections.merged_visit.confirm",
        target=merged_visit,
        after=snapshot(merged_visit) | {"visits": _visit_facts(locked)},
    )
    return merged_visit


def _locked_merged_visit(
    merged_visit: MergedVisit, visits: Iterable[Visit | int]
) -> tuple[MergedVisit, list[Visit], list[Visit]]:
    """The active merged visit locked, and the visits of a proposal to join it, locked: its
    members and the others (at least one)."""
    merged_visit = MergedVisit.objects.select_for_update().get(pk=merged_visit.pk)
    if not merged_visit.is_active:
        raise ValidationError(_("合并检查“%(code)s”已经解除。") % {"code": merged_visit.code}, code="dissolved")
    member_ids = set(
        MergedVisitMember.objects.filter(merged_visit=merged_visit, is_active=True).values_list("visit_id", flat=True)
    )
    wanted = {v if isinstance(v, int) else v.pk for v in visits} - member_ids
    if not wanted:
        raise ValidationError(_("请选择要加入合并检查的检查。"), code="too_few")
    locked = _locked_visits(member_ids | wanted)
    return merged_visit, [v for v in locked if v.pk in member_ids], [v for v in locked if v.pk in wanted]


@transaction.atomic
def merged_visit_extend(
    *, actor: User, merged_visit: MergedVisit, visits: Iterable[Visit | int], note: str = ""
) -> MergedVisit:
    """加入合并检查: another department's task drew the object of a confirmed merged visit; the
    coordinator adds its visit (or several) to it, under the same rules as a merge, and the
    planned window narrows to what all the tasks share. All or nothing."""
    require_merge_decider(actor)
    merged_visit, members, joining = _locked_merged_visit(merged_visit, visits)
    if any(v.inspection_object_id != merged_visit.inspection_object_id for v in joining):
        raise ValidationError(_("所选检查不是同一检查对象，不能合并。"), code="different_objects")
    start, end = _merge_window(members + joining, merged_visit)
    fields = ["planned_start", "planned_end"]
    before = snapshot(merged_visit, fields) | {"visits": _visit_facts(members)}
    merged_visit.planned_start, merged_visit.planned_end = start, end
    merged_visit.full_clean()
    merged_visit.save(update_fields=fields)
    _add_members(merged_visit, joining)
    audit_change(
        actor=actor,
        action="inspections.merged_visit.extend",
        target=merged_visit,
        before=before,
        after=snapshot(merged_visit, fields)
        | {"visits": _visit_facts(members + joining), "note": (note or "").strip()},
    )
    return merged_visit


def _dissolve(actor: User, merged_visit: MergedVisit, reason: str) -> MergedVisit:
    merged_visit = MergedVisit.objects.select_for_update().get(pk=merged_visit.pk)
    if merged_visit.status != MergedVisit.Status.CONFIRMED:
        raise ValidationError(_("合并检查“%(code)s”已经解除。") % {"code": merged_visit.code}, code="dissolved")
    merged_visit, before, after = model_update(
        merged_visit,
        {
            "status": MergedVisit.Status.DISSOLVED,
            "dissolved_at": timezone.now(),
            "dissolved_by": actor,
            # A cancelled task's code and reason may run longer than the column.
            "dissolved_reason": reason[: MergedVisit._meta.get_field("dissolved_reason").max_length],
        },
    )
    MergedVisitMember.objects.filter(merged_visit=merged_visit, is_active=True).update(is_active=False)
    audit_record(
        actor=actor, action="inspections.merged_visit.dissolve", target=merged_visit, before=before, after=after
    )
    return merged_visit


@transaction.atomic
def merged_visit_dissolve(*, actor: User, merged_visit: MergedVisit, reason: str) -> MergedVisit:
    """解除合并: the merged visit and its members stay on record; its visits are carried out
    separately again (and can be proposed again)."""
    require_merge_decider(actor)
    return _dissolve(actor, merged_visit, clean_reason(reason))


@transaction.atomic
def merged_visits_dissolve_for_task(*, actor: User, task: Task) -> list[MergedVisit]:
    """A cancelled task's visits are not carried out: dissolve the merged visits holding them.
    Called by ``task_cancel`` (which checked the actor may cancel the task)."""
    reason = _("任务“%(code)s”已取消：%(reason)s") % {"code": task.code, "reason": task.cancelled_reason}
    merged_visits = MergedVisit.objects.filter(
        status=MergedVisit.Status.CONFIRMED,
        pk__in=MergedVisitMember.objects.filter(visit__task=task, is_active=True).values("merged_visit_id"),
    ).order_by("pk")
    return [_dissolve(actor, merged_visit, reason) for merged_visit in merged_visits]


@transaction.atomic
def merge_proposal_decline(
    *, actor: User, visits: Iterable[Visit | int], reason: str, merged_visit: MergedVisit | None = None
) -> MergeDecline:
    """不予合并: the coordinator keeps these visits of one object apart; the decision and its
    reason are recorded and none of their pairs is proposed again. With ``merged_visit``: the
    visits are not to join it (its members stay together)."""
    require_merge_decider(actor)
    reason = clean_reason(reason)
    if merged_visit is not None:
        merged_visit, members, joining = _locked_merged_visit(merged_visit, visits)
        locked = sorted(members + joining, key=lambda v: v.pk)
    else:
        locked = _locked_visits(visits)
    _same_object(locked)
    if problems := _already_merged(locked, merged_visit):
        raise ValidationError(problems, code="merged")
    decline = MergeDecline(
        inspection_object_id=locked[0].inspection_object_id,
        merged_visit=merged_visit,
        reason=reason,
        declined_by=actor,
        declined_at=timezone.now(),
    )
    decline.full_clean()
    decline.save()
    decline.visits.set(locked)
    audit_record(
        actor=actor,
        action="inspections.merge_proposal.decline",
        target=decline,
        after=snapshot(decline) | {"visits": _visit_facts(locked)},
    )
    return decline


# ------------------------------------------------------------------------------ many at once


class ProposalChoice(NamedTuple):
    """One merge proposal chosen on the merge page: its visits (those to decide about and, for
    a proposal to extend a merged visit, its members) and that merged visit."""

    visits: list[Visit]
    merged_visit: MergedVisit | None = None


def _proposal_name(choice: ProposalChoice) -> str:
    obj = choice.visits[0].inspection_object if choice.visits else None
    return f"{obj.name}（{obj.public_code}）" if obj is not None else _("合并建议")


def _each_or_none(choices: Sequence[ProposalChoice], decide: Callable[[ProposalChoice], Any]) -> list[Any]:
    """``decide`` every choice, each in a savepoint so that every failure is found; if one
    fails, raise them all, naming each proposal, and the caller's transaction undoes the rest."""
    if not choices:
        raise ValidationError(_("请选择至少一条合并建议。"), code="none_chosen")
    done, problems = [], []
    for choice in choices:
        try:
            with transaction.atomic():
                done.append(decide(choice))
        except ValidationError as exc:
            problems += [f"{_proposal_name(choice)}：{message}" for message in exc.messages]
    if problems:
        head = _("所选的 %(n)s 条合并建议都没有处理，因为以下建议不能处理：") % {"n": len(choices)}
        raise ValidationError([head, *problems], code="not_decided")
    return done


@transaction.atomic
def merge_proposals_confirm(*, actor: User, choices: Sequence[ProposalChoice], note: str = "") -> list[MergedVisit]:
    """确认合并 for several proposals at once, all or nothing: each through
    ``merged_visit_confirm`` (or ``merged_visit_extend``), audited one by one."""
    require_merge_decider(actor)

    def confirm(choice: ProposalChoice) -> MergedVisit:
        if choice.merged_visit is not None:
            return merged_visit_extend(actor=actor, merged_visit=choice.merged_visit, visits=choice.visits, note=note)
        return merged_visit_confirm(actor=actor, visits=choice.visits, note=note)

    return _each_or_none(choices, confirm)


@transaction.atomic
def merge_proposals_decline(*, actor: User, choices: Sequence[ProposalChoice], reason: str) -> list[MergeDecline]:
    """不予合并 for several proposals at once with one reason, all or nothing: each through
    ``merge_proposal_decline``, audited one by one."""
    require_merge_decider(actor)
    reason = clean_reason(reason)
    return _each_or_none(
        choices,
        lambda choice: merge_proposal_decline(
            actor=actor, visits=choice.visits, reason=reason, merged_visit=choice.merged_visit
        ),
    )


# ---------------------------------------------------------------------------
# 审批 (approval before the visit; issue 13, item 2)
# ---------------------------------------------------------------------------


def _approvable_task(task: Task) -> Task:
    """The task, locked; its visits are approved only while it is drawn and not cancelled."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != Status.DRAWN:
        raise ValidationError(
            _("任务当前状态为“%(status)s”，只有已抽取且未取消的任务的检查可以审批。")
            % {"status": locked.get_status_display()},
            code="task_not_drawn",
        )
    return locked


def _approval_facts(approval: VisitApproval) -> dict[str, Any]:
    return snapshot(approval) | {"task": approval.visit.task.code, "visit_public_id": approval.visit.public_id}


@transaction.atomic
def visits_approve(*, actor: User, task: Task, visits: Iterable[Visit | int] | None = None) -> list[VisitApproval]:
    """审批: the lead department's approver approves the task's visits — all those not yet
    approved (``visits=None``, one click) or the given ones; all or nothing. A visit started in
    an emergency is approved afterwards (事后补批). Each approval is audited."""
    if not can_approve_visits(scope_for(actor), task):
        raise PermissionDenied(APPROVE_RULE)
    task = _approvable_task(task)
    current = VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True)
    rows = Visit.objects.select_for_update(of=("self",)).filter(task=task).order_by("pk")
    if visits is None:
        chosen = list(rows.exclude(Exists(current)))
        if not chosen:
            raise ValidationError(_("本任务没有待审批的检查。"), code="nothing_to_approve")
    else:
        ids = {v if isinstance(v, int) else v.pk for v in visits}
        if not ids:
            raise ValidationError(_("请选择要审批的检查。"), code="nothing_chosen")
        chosen = list(rows.filter(pk__in=ids).annotate(is_approved=Exists(current)))
        if len(chosen) != len(ids):
            raise ValidationError(_("所选的检查不属于本任务。"), code="unknown_visit")
        done = [v.public_id for v in chosen if v.is_approved]
        if done:
            raise ValidationError(
                _("以下检查已经审批，不能重复审批：%(visits)s。") % {"visits": "、".join(done)},
                code="already_approved",
            )
    emergencies = dict(EmergencyStart.objects.filter(visit__in=chosen).values_list("visit_id", "reason"))
    now = timezone.now()
    approvals = []
    for visit in chosen:
        emergency = visit.pk in emergencies
        approval = VisitApproval.objects.create(
            visit=visit,
            kind=VisitApproval.Kind.EMERGENCY if emergency else VisitApproval.Kind.BEFORE,
            approved_by=actor,
            approved_at=now,
            emergency_reason=emergencies.get(visit.pk, ""),
        )
        audit_record(
            actor=actor,
            action="inspections.visit.approve",
            target=approval,
            after=_approval_facts(approval),
            department_id=task.lead_department_id,
        )
        ensure_code(visit)  # 检查码: issued with the approval (kept if it is withdrawn)
        approvals.append(approval)
    return approvals


@transaction.atomic
def visit_emergency_start(*, actor: User, visit: Visit, reason: str) -> EmergencyStart:
    """紧急先行检查: a team member or the lead department's admin records that the visit starts
    before its approval, with the reason; the approver approves it afterwards (事后补批)."""
    if not can_start_emergency(scope_for(actor), actor, visit):
        raise PermissionDenied(EMERGENCY_RULE)
    reason = clean_reason(reason, max_length=EmergencyStart._meta.get_field("reason").max_length)
    task = _approvable_task(visit.task)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("task").get(pk=visit.pk)
    if VisitApproval.objects.filter(visit=visit, withdrawn_at__isnull=True).exists():
        raise ValidationError(_("该检查已经审批，无需登记紧急先行检查。"), code="already_approved")
    if EmergencyStart.objects.filter(visit=visit).exists():
        raise ValidationError(_("该检查已登记紧急先行检查，等待事后补批。"), code="already_started")
    start = EmergencyStart.objects.create(visit=visit, started_by=actor, started_at=timezone.now(), reason=reason)
    audit_record(
        actor=actor,
        action="inspections.visit.emergency_start",
        target=start,
        after=snapshot(start) | {"task": task.code, "visit_public_id": visit.public_id},
        department_id=task.lead_department_id,
    )
    ensure_code(visit)  # 检查码: the team shows it from the start
    return start


@transaction.atomic
def visit_approval_withdraw(*, actor: User, visit: Visit, reason: str) -> VisitApproval:
    """撤回审批: the approval is retired with a reason and stays readable; the visit waits for a
    new approval."""
    if not can_approve_visits(scope_for(actor), visit.task):
        raise PermissionDenied(APPROVE_RULE)
    reason = clean_reason(reason, max_length=VisitApproval._meta.get_field("withdraw_reason").max_length)
    _approvable_task(visit.task)
    approval = (
        VisitApproval.objects.select_for_update()
        .select_related("visit__task")
        .filter(visit=visit, withdrawn_at__isnull=True)
        .first()
    )
    if approval is None:
        raise ValidationError(_("该检查没有可撤回的审批。"), code="not_approved")
    before = _approval_facts(approval)
    model_update(approval, {"withdrawn_by": actor, "withdrawn_at": timezone.now(), "withdraw_reason": reason})
    audit_record(
        actor=actor,
        action="inspections.visit.approval_withdraw",
        target=approval,
        before=before,
        after=_approval_facts(approval),
        department_id=visit.task.lead_department_id,
    )
    return approval
