"""Writing annual plans (年度抽查计划).

A plan goes DRAFT → SUBMITTED → APPROVED → FILED (备案 with the joint office, flagged late after
31 January of the plan year) → PUBLISHED; SUBMITTED or APPROVED may be RETURNED with a reason,
and editing a returned plan brings it back to DRAFT. Entries and strata change only while the
plan is editable, or — as an adjustment (调整) — once it is published: then every change needs a
reason, raises the plan's revision and writes a PlanEvent with the whole plan. Nothing that was
published is deleted: its entries and strata are retired instead.

Who (four eyes, planning/access.py): a department plan is made, written and submitted by its
department's admin, approved or returned by the department's approver or the coordinator; the
joint plan is written by the joint office and approved by the coordinator or the approver of the
department hosting the joint office. Whoever submitted a plan may not approve it. Only the joint
office accepts a filing and publishes.

When: each step is stamped now. The workflow steps also take ``at``, for loading a plan's
history as it happened (the demo region's plans were filed in January of their year); the
audit trail still records when each step was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.catalog.models import InspectionItem
from spotcheck.core.reasons import clean_reason
from spotcheck.core.text import normalise_name
from spotcheck.directory.object_filter import validate_scope
from spotcheck.drawspec.engine import DrawInputError, check_canonical
from spotcheck.planning import access
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent, PlanStratum
from spotcheck.planning.strata import (
    default_credit_strata,
    validate_ratio,
    validate_stratum_filter,
    validate_stratum_name,
)

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Status = AnnualPlan.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_FREQUENCY_CAP_DAYS = 3650


# ---------------------------------------------------------------------------------------------
# Permissions


def _require_coordinator(actor: User, message: str) -> Scope:
    scope = require_staff(actor)
    if not access.is_joint_office(scope):
        raise PermissionDenied(message)
    return scope


def _require_plan_write(actor: User, plan: AnnualPlan) -> None:
    """Department plan: its department's admin; joint plan: the joint office."""
    scope = require_staff(actor)
    if not plan.is_joint and not scope.can_read_department(plan.department_id):
        raise Http404
    access.require_plan_write(scope, plan)


def _require_approver(actor: User, plan: AnnualPlan) -> None:
    """The approving role, and not the one who submitted the plan (four eyes)."""
    access.require_plan_approval(require_staff(actor), plan)


def _require_publisher(actor: User, plan: AnnualPlan) -> None:
    scope = require_staff(actor)
    if access.can_publish_plan(scope, plan):
        return
    if not plan.is_joint and not scope.can_read_department(plan.department_id):
        raise Http404
    raise PermissionDenied(_("只有联席会议办公室协调员可以公布计划。"))


# ---------------------------------------------------------------------------------------------
# History


def plan_snapshot(plan: AnnualPlan) -> dict[str, Any]:
    """The whole plan as it stands: its fields, its live entries (with items by code and
    departments by code) and their live strata."""
    entries = []
    for entry in (
        PlanEntry.objects.filter(plan=plan, retired_at__isnull=True)
        .select_related("lead_department")
        .prefetch_related("items", "participating_departments")
        .order_by("position", "pk")
    ):
        strata = [
            {
                "name": s.name,
                "filter": s.filter,
                "ratio": s.ratio,
                "min_count": s.min_count,
                "max_count": s.max_count,
            }
            for s in entry.strata.filter(retired_at__isnull=True).order_by("position", "pk")
        ]
        entries.append(
            snapshot(entry, fields=[f.name for f in PlanEntry._meta.concrete_fields])
            | {
                "item_codes": sorted(i.code for i in entry.items.all()),
                "lead_department_code": entry.lead_department.code,
                "participating_department_codes": sorted(d.code for d in entry.participating_departments.all()),
                "strata": strata,
            }
        )
    return snapshot(plan) | {"entries": entries}


def _event(plan: AnnualPlan, action: str, actor: User, reason: str = "", at: dt.datetime | None = None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        action=action,
        actor=actor,
        reason=reason,
        revision=plan.revision,
        snapshot=plan_snapshot(plan),
        created_at=at or timezone.now(),
    )


def _audit(actor: User, action: str, target, plan: AnnualPlan, before=None, after=None) -> None:
    if before is not None and after is not None:
        audit_change(
            actor=actor, action=action, target=target, before=before, after=after, department_id=plan.department_id
        )
    else:
        audit_record(
            actor=actor, action=action, target=target, before=before, after=after, department_id=plan.department_id
        )


def _locked(plan: AnnualPlan) -> AnnualPlan:
    """Every change of one plan runs after the other: lock its row and read it afresh."""
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _begin_change(plan: AnnualPlan, reason: str) -> tuple[AnnualPlan, str]:
    """Before a change of the content: the plan must be editable, or published (then the change
    is an adjustment and needs a reason). Returns the locked plan and the cleaned reason."""
    locked = _locked(plan)
    if locked.retired_at is not None:
        raise ValidationError(_("该计划已作废，不能修改。"))
    if locked.status == Status.PUBLISHED:
        return locked, clean_reason(reason, max_length=PlanEvent._meta.get_field("reason").max_length)
    if not locked.is_editable:
        raise ValidationError(
            _("计划状态为“%(status)s”，只有草稿、已退回或已公布（调整）的计划可以修改。")
            % {"status": locked.get_status_display()}
        )
    return locked, ""


def _end_change(plan: AnnualPlan, actor: User, reason: str) -> None:
    """After a change of the content: a returned plan becomes a draft again; a published one
    records the adjustment with the whole plan as it now stands."""
    if plan.status == Status.RETURNED:
        plan.status = Status.DRAFT
        plan.full_clean()
        plan.save(update_fields=["status"])
    elif plan.status == Status.PUBLISHED:
        plan.revision += 1
        plan.save(update_fields=["revision"])
        _event(plan, PlanEvent.Action.ADJUSTED, actor, reason)


# ---------------------------------------------------------------------------------------------
# Plans


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写计划名称。")]})
    if len(title) > 200:
        raise ValidationError({"title": [_("计划名称最多 200 个字符。")]})
    return title


def _clean_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("计划年度应为 2000 到 2100 之间的年份。")]})
    return year


@transaction.atomic
def plan_create(
    *,
    actor: User,
    year: int,
    title: str,
    department: Department | None = None,
    region: Region | None = None,
    at: dt.datetime | None = None,
) -> AnnualPlan:
    """A department's plan (``department`` given) or, by the coordinator, the region's joint
    plan (``department`` None; ``region`` defaults to the region the actor coordinates, else
    to their first department's), as a DRAFT."""
    if department is not None:
        scope = require_staff(actor)
        if not scope.can_read_department(department.pk):
            raise Http404
        if not access.can_make_department_plan(scope, department.pk):
            raise PermissionDenied(_("部门的年度抽查计划由本部门管理员编制和提交。"))
        if not department.is_active:
            raise ValidationError({"department": [_("部门“%(d)s”已撤销。") % {"d": department.short_name}]})
        plan = AnnualPlan(department=department, region=department.region, kind=AnnualPlan.Kind.DEPARTMENT)
    else:
        scope = _require_coordinator(actor, _("只有联席会议办公室协调员可以编制部门联合抽查计划。"))
        if region is None and scope.home_region_id is not None:
            region = Region.objects.get(pk=scope.home_region_id)
        if region is None:
            raise ValidationError({"region": [_("联合抽查计划须指定区划。")]})
        plan = AnnualPlan(department=None, region=region, kind=AnnualPlan.Kind.JOINT)
    plan.year = _clean_year(year)
    plan.title = _clean_title(title)
    plan.created_by = actor
    plan.status = Status.DRAFT
    plan.full_clean()
    plan.save()
    _audit(actor, "planning.plan.create", plan, plan, after=snapshot(plan))
    _event(plan, PlanEvent.Action.CREATED, actor, at=at)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: AnnualPlan, title: str) -> AnnualPlan:
    """Change the title of a draft or returned plan (a returned plan becomes a draft again)."""
    _require_plan_write(actor, plan)
    plan = _locked(plan)
    if not plan.is_editable:
        raise ValidationError(_("只有草稿或已退回的计划可以修改。"))
    before = snapshot(plan)
    plan.title = _clean_title(title)
    if plan.status == Status.RETURNED:
        plan.status = Status.DRAFT
    plan.full_clean()
    plan.save(update_fields=["title", "status"])
    _audit(actor, "planning.plan.update", plan, plan, before=before, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_retire(*, actor: User, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """作废 a plan that was never published (a published plan is adjusted, not withdrawn)."""
    _require_plan_write(actor, plan)
    plan = _locked(plan)
    reason = clean_reason(reason, max_length=AnnualPlan._meta.get_field("retired_reason").max_length)
    if plan.retired_at is not None:
        raise ValidationError(_("该计划已作废。"))
    if plan.published_at is not None:
        raise ValidationError(_("已公布的计划不能作废，请通过调整修改。"))
    before = snapshot(plan)
    plan.retired_at = timezone.now()
    plan.retired_reason = reason
    plan.full_clean()
    plan.save(update_fields=["retired_at", "retired_reason"])
    _audit(actor, "planning.plan.retire", plan, plan, before=before, after=snapshot(plan))
    _event(plan, PlanEvent.Action.RETIRED, actor, reason)
    return plan


# ---------------------------------------------------------------------------------------------
# Workflow


def _entry_problems(plan: AnnualPlan) -> list[str]:
    """What keeps a plan from being submitted, entry by entry."""
    problems: list[str] = []
    entries = list(
        PlanEntry.objects.filter(plan=plan, retired_at__isnull=True)
        .select_related("lead_department")
        .prefetch_related("items", "participating_departments")
    )
    if not entries:
        return [_("计划至少要有一个条目。")]
    for entry in entries:
        try:
            _validate_entry_content(
                plan,
                kind=entry.kind,
                items=list(entry.items.all()),
                lead_department=entry.lead_department,
                participating_departments=list(entry.participating_departments.all()),
                window_start=entry.window_start,
                window_end=entry.window_end,
            )
        except ValidationError as exc:
            problems.extend(f"{entry.code}：{m}" for m in exc.messages)
        names = list(entry.strata.filter(retired_at__isnull=True).values_list("name", flat=True))
        if not names:
            problems.append(_("%(code)s：至少要有一个抽取分层。") % {"code": entry.code})
        elif len(set(names)) != len(names):
            problems.append(_("%(code)s：分层名称重复。") % {"code": entry.code})
    return problems


def _move(
    plan: AnnualPlan,
    *,
    actor: User,
    status: str,
    changes: dict,
    action: str,
    event: str,
    reason: str = "",
    event_at: dt.datetime | None = None,
) -> AnnualPlan:
    """One workflow step on a locked plan: the new status and the step's fields, saved with
    the audit entry and the history event."""
    before = snapshot(plan)
    plan.status = status
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=["status", *changes])
    _audit(actor, action, plan, plan, before=before, after=snapshot(plan))
    _event(plan, event, actor, reason, at=event_at)
    return plan


@transaction.atomic
def plan_submit(*, actor: User, plan: AnnualPlan, at: dt.datetime | None = None) -> AnnualPlan:
    _require_plan_write(actor, plan)
    plan = _locked(plan)
    if plan.retired_at is not None or plan.status not in AnnualPlan.EDITABLE_STATUSES:
        raise ValidationError(_("只有草稿或已退回的计划可以提交审核。"))
    problems = _entry_problems(plan)
    if problems:
        raise ValidationError(problems)
    now = at or timezone.now()
    return _move(
        plan,
        actor=actor,
        status=Status.SUBMITTED,
        changes={"submitted_by": actor, "submitted_at": now},
        action="planning.plan.submit",
        event=PlanEvent.Action.SUBMITTED,
        event_at=now,
    )


@transaction.atomic
def plan_approve(*, actor: User, plan: AnnualPlan, at: dt.datetime | None = None) -> AnnualPlan:
    """审核通过, by an approver who is not the submitter (read from the locked row, so a plan
    resubmitted meanwhile by someone else is judged as it now stands)."""
    plan = _locked(plan)
    _require_approver(actor, plan)
    if plan.status != Status.SUBMITTED:
        raise ValidationError(_("只有待审核的计划可以审核通过。"))
    now = at or timezone.now()
    return _move(
        plan,
        actor=actor,
        status=Status.FILING,
        changes={"approved_by": actor, "approved_at": now},
        action="planning.plan.approve",
        event=PlanEvent.Action.APPROVED,
        event_at=now,
    )


@transaction.atomic
def plan_return(*, actor: User, plan: AnnualPlan, reason: str, at: dt.datetime | None = None) -> AnnualPlan:
    """退回 a submitted plan (approver or coordinator) or an approved one not yet filed
    (the coordinator refusing the filing). A submitted plan is returned under the rule that
    approves it: not by its submitter."""
    plan = _locked(plan)
    scope = require_staff(actor)
    if not access.can_approve_plan(scope, plan):
        access.require_plan_approval(scope, plan)
    reason = clean_reason(reason, max_length=AnnualPlan._meta.get_field("return_reason").max_length)
    if plan.status == Status.FILING:
        _require_coordinator(actor, _("已审核的计划只能由联席办协调员在备案时退回。"))
    elif plan.status == Status.SUBMITTED:
        access.require_plan_approval(scope, plan)
    else:
        raise ValidationError(_("只有待审核或待备案的计划可以退回。"))
    now = at or timezone.now()
    return _move(
        plan,
        actor=actor,
        status=Status.RETURNED,
        changes={"returned_by": actor, "returned_at": now, "return_reason": reason},
        action="planning.plan.return",
        event=PlanEvent.Action.RETURNED,
        reason=reason,
        event_at=now,
    )


def is_late(plan: AnnualPlan, at: dt.datetime) -> bool:
    """Filed after 31 January of the plan year, by the calendar of Asia/Shanghai."""
    return at.astimezone(SHANGHAI).date() > plan.filing_deadline


@transaction.atomic
def plan_file(*, actor: User, plan: AnnualPlan, at: dt.datetime | None = None) -> AnnualPlan:
    """备案: the coordinator accepts an approved plan; ``at`` (default now) decides lateness."""
    _require_coordinator(actor, _("只有联席会议办公室协调员可以受理计划备案。"))
    plan = _locked(plan)
    if plan.status != Status.FILING:
        raise ValidationError(_("只有审核通过的计划可以备案。"))
    filed_at = at or timezone.now()
    late = is_late(plan, filed_at)
    return _move(
        plan,
        actor=actor,
        status=Status.FILED,
        changes={"filed_by": actor, "filed_at": filed_at, "filed_late": late},
        action="planning.plan.file",
        event=PlanEvent.Action.FILED,
        reason=_("逾期备案（截止 %(d)s）") % {"d": plan.filing_deadline.isoformat()} if late else "",
        event_at=filed_at,
    )


@transaction.atomic
def plan_publish(*, actor: User, plan: AnnualPlan, at: dt.datetime | None = None) -> AnnualPlan:
    _require_publisher(actor, plan)
    plan = _locked(plan)
    if plan.status != Status.FILED:
        raise ValidationError(_("只有已备案的计划可以公布。"))
    now = at or timezone.now()
    return _move(
        plan,
        actor=actor,
        status=Status.PUBLISHED,
        changes={"published_by": actor, "published_at": now},
        action="planning.plan.publish",
        event=PlanEvent.Action.PUBLISHED,
        event_at=now,
    )


# ---------------------------------------------------------------------------------------------
# Entries


def _clean_code(code: str) -> str:
    if isinstance(code, str) and len(code) > 32:
        raise ValidationError(_("任务编号最多 32 个字符。"))
    try:
        return check_canonical(code, _("任务编号"))
    except DrawInputError as exc:
        raise ValidationError(str(exc)) from None


def _validate_entry_content(
    plan: AnnualPlan,
    *,
    kind: str,
    items: list[InspectionItem],
    lead_department: Department,
    participating_departments: list[Department],
    window_start: dt.date,
    window_end: dt.date,
) -> None:
    """The rules an entry must meet; one ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    joint = PlanEntry.Kind.JOINT
    if kind not in PlanEntry.Kind.values:
        errors["kind"] = [_("抽查类型无效。")]
    elif plan.is_joint and kind != joint:
        errors["kind"] = [_("部门联合抽查计划的条目只能是联合抽查。")]
    if not plan.is_joint and lead_department.pk != plan.department_id:
        errors["lead_department"] = [_("部门计划的发起部门必须是本部门。")]
    elif lead_department.region_id != plan.region_id or not lead_department.is_active:
        errors["lead_department"] = [_("发起部门“%(d)s”不属于本区划或已撤销。") % {"d": lead_department.short_name}]
    others = [d for d in participating_departments if d.pk != lead_department.pk]
    if len(others) != len(participating_departments):
        errors["participating_departments"] = [_("参与部门不能包含发起部门。")]
    elif bad := [d.short_name for d in others if d.region_id != plan.region_id or not d.is_active]:
        errors["participating_departments"] = [_("部门“%(d)s”不属于本区划或已撤销。") % {"d": "、".join(bad)}]
    elif kind == joint and not others:
        errors["participating_departments"] = [_("联合抽查至少要有两个部门：请选择参与部门。")]
    elif kind != joint and others:
        errors["participating_departments"] = [_("只有联合抽查可以有参与部门。")]
    if not items:
        errors["items"] = [_("请至少选择一个抽查事项。")]
    else:
        allowed = {lead_department.pk} | {d.pk for d in others}
        unpublished = [i.code for i in items if i.current_version_id is None or i.retired_at is not None]
        foreign = [i.code for i in items if i.department_id not in allowed]
        if unpublished:
            errors["items"] = [_("事项“%(codes)s”尚未公布或已停用。") % {"codes": "、".join(unpublished)}]
        elif foreign:
            errors["items"] = [_("事项“%(codes)s”不属于发起部门或参与部门。") % {"codes": "、".join(foreign)}]
    if window_start.year != plan.year:
        errors["window_start"] = [_("开始日期应在计划年度 %(y)s 年内。") % {"y": plan.year}]
    if window_end.year != plan.year:
        errors["window_end"] = [_("结束日期应在计划年度 %(y)s 年内。") % {"y": plan.year}]
    elif window_end < window_start:
        errors["window_end"] = [_("结束日期不能早于开始日期。")]
    if errors:
        raise ValidationError(errors)


def _write_entry(
    entry: PlanEntry,
    *,
    code: str,
    name: str,
    kind: str,
    items: Iterable[InspectionItem],
    lead_department: Department,
    participating_departments: Iterable[Department],
    window_start: dt.date,
    window_end: dt.date,
    scope: Mapping[str, Any] | None,
    frequency_cap_days: int,
    notes: str,
) -> None:
    plan = entry.plan
    items = list(dict.fromkeys(items))
    participants = list(dict.fromkeys(participating_departments))
    errors: dict[str, list[str]] = {}
    try:
        entry.code = _clean_code(code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    else:
        taken = PlanEntry.objects.filter(plan=plan, code=entry.code, retired_at__isnull=True).exclude(pk=entry.pk)
        if taken.exists():
            errors["code"] = [_("本计划中已有编号为“%(code)s”的条目。") % {"code": entry.code}]
    entry.name = (name or "").strip()
    if not entry.name:
        errors["name"] = [_("请填写任务名称。")]
    try:
        entry.scope = validate_scope(scope)
    except ValidationError as exc:
        errors["scope"] = exc.messages
    if isinstance(frequency_cap_days, bool) or not isinstance(frequency_cap_days, int):
        errors["frequency_cap_days"] = [_("抽查间隔应为天数。")]
    elif not 1 <= frequency_cap_days <= MAX_FREQUENCY_CAP_DAYS:
        errors["frequency_cap_days"] = [_("抽查间隔应在 1 到 %(max)s 天之间。") % {"max": MAX_FREQUENCY_CAP_DAYS}]
    try:
        _validate_entry_content(
            plan,
            kind=kind,
            items=items,
            lead_department=lead_department,
            participating_departments=participants,
            window_start=window_start,
            window_end=window_end,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    entry.kind = kind
    entry.lead_department = lead_department
    entry.window_start, entry.window_end = window_start, window_end
    entry.frequency_cap_days = frequency_cap_days
    entry.notes = (notes or "").strip()
    entry.full_clean(exclude=["plan"])
    entry.save()
    entry.items.set(items)
    entry.participating_departments.set(participants)


def _entry_snapshot(entry: PlanEntry) -> dict[str, Any]:
    return snapshot(entry)


@transaction.atomic
def entry_add(
    *,
    actor: User,
    plan: AnnualPlan,
    code: str,
    name: str,
    kind: str,
    items: Iterable[InspectionItem],
    lead_department: Department,
    window_start: dt.date,
    window_end: dt.date,
    participating_departments: Iterable[Department] = (),
    scope: Mapping[str, Any] | None = None,
    frequency_cap_days: int = 365,
    notes: str = "",
    reason: str = "",
) -> PlanEntry:
    """A new entry at the end of the plan (on a published plan: an adjustment with ``reason``)."""
    _require_plan_write(actor, plan)
    plan, reason = _begin_change(plan, reason)
    last = PlanEntry.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    entry = PlanEntry(plan=plan, position=last + 1)
    _write_entry(
        entry,
        code=code,
        name=name,
        kind=kind,
        items=items,
        lead_department=lead_department,
        participating_departments=participating_departments,
        window_start=window_start,
        window_end=window_end,
        scope=scope,
        frequency_cap_days=frequency_cap_days,
        notes=notes,
    )
    _audit(actor, "planning.entry.create", entry, plan, after=_entry_snapshot(entry))
    _end_change(plan, actor, reason)
    return entry


@transaction.atomic
def entry_update(
    *,
    actor: User,
    entry: PlanEntry,
    code: str,
    name: str,
    kind: str,
    items: Iterable[InspectionItem],
    lead_department: Department,
    window_start: dt.date,
    window_end: dt.date,
    participating_departments: Iterable[Department] = (),
    scope: Mapping[str, Any] | None = None,
    frequency_cap_days: int = 365,
    notes: str = "",
    reason: str = "",
) -> PlanEntry:
    _require_plan_write(actor, entry.plan)
    plan, reason = _begin_change(entry.plan, reason)
    entry = PlanEntry.objects.get(pk=entry.pk, retired_at__isnull=True)
    entry.plan = plan
    before = _entry_snapshot(entry)
    _write_entry(
        entry,
        code=code,
        name=name,
        kind=kind,
        items=items,
        lead_department=lead_department,
        participating_departments=participating_departments,
        window_start=window_start,
        window_end=window_end,
        scope=scope,
        frequency_cap_days=frequency_cap_days,
        notes=notes,
    )
    _audit(actor, "planning.entry.update", entry, plan, before=before, after=_entry_snapshot(entry))
    _end_change(plan, actor, reason)
    return entry


@transaction.atomic
def entry_remove(*, actor: User, entry: PlanEntry, reason: str = "") -> None:
    """Take an entry out of the plan: a plan never published forgets it; a published one keeps
    the entry, retired, with the reason."""
    _require_plan_write(actor, entry.plan)
    plan, reason = _begin_change(entry.plan, reason)
    entry = PlanEntry.objects.get(pk=entry.pk, retired_at__isnull=True)
    before = _entry_snapshot(entry)
    if plan.published_at is None:
        _audit(actor, "planning.entry.delete", entry, plan, before=before)
        PlanStratum.objects.filter(entry=entry).delete()
        entry.items.clear()
        entry.participating_departments.clear()
        entry.delete()
    else:
        entry.retired_at, entry.retired_reason = timezone.now(), reason
        entry.full_clean(exclude=["plan"])
        entry.save(update_fields=["retired_at", "retired_reason"])
        _audit(actor, "planning.entry.retire", entry, plan, before=before, after=_entry_snapshot(entry))
    _end_change(plan, actor, reason)


# ---------------------------------------------------------------------------------------------
# Strata


def _write_stratum(
    stratum: PlanStratum,
    *,
    name: str,
    filter: Mapping[str, Any] | None,
    ratio: str,
    min_count: int | None,
    max_count: int | None,
) -> None:
    errors: dict[str, list[str]] = {}
    try:
        stratum.name = validate_stratum_name(name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    else:
        # Distinct as read, not only as stored (一般 and 一般 with a zero-width space are one
        # name): a task made from the entry compares its strata the same way.
        others = PlanStratum.objects.filter(entry=stratum.entry, retired_at__isnull=True).exclude(pk=stratum.pk)
        key = normalise_name(stratum.name)
        clash = next((other for other in others.values_list("name", flat=True) if normalise_name(other) == key), None)
        if clash is not None:
            errors["name"] = [_("本条目中已有名为“%(name)s”的分层。") % {"name": clash}]
    try:
        stratum.filter = validate_stratum_filter(filter)
    except ValidationError as exc:
        errors["filter"] = exc.messages
    try:
        stratum.ratio = validate_ratio(ratio)
    except ValidationError as exc:
        errors["ratio"] = exc.messages
    for field, value in (("min_count", min_count), ("max_count", max_count)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors[field] = [_("应为不小于 0 的整数。")]
    if not errors and min_count is not None and max_count is not None and min_count > max_count:
        errors["max_count"] = [_("最多抽取数不能小于最少抽取数。")]
    if errors:
        raise ValidationError(errors)
    stratum.min_count, stratum.max_count = min_count, max_count
    stratum.full_clean(exclude=["entry"])
    stratum.save()


@transaction.atomic
def stratum_add(
    *,
    actor: User,
    entry: PlanEntry,
    name: str,
    ratio: str,
    filter: Mapping[str, Any] | None = None,
    min_count: int | None = None,
    max_count: int | None = None,
    reason: str = "",
) -> PlanStratum:
    _require_plan_write(actor, entry.plan)
    plan, reason = _begin_change(entry.plan, reason)
    entry = PlanEntry.objects.get(pk=entry.pk, retired_at__isnull=True)
    last = PlanStratum.objects.filter(entry=entry).aggregate(m=Max("position"))["m"] or 0
    stratum = PlanStratum(entry=entry, position=last + 1)
    _write_stratum(stratum, name=name, filter=filter, ratio=ratio, min_count=min_count, max_count=max_count)
    _audit(actor, "planning.stratum.create", stratum, plan, after=snapshot(stratum))
    _end_change(plan, actor, reason)
    return stratum


@transaction.atomic
def stratum_update(
    *,
    actor: User,
    stratum: PlanStratum,
    name: str,
    ratio: str,
    filter: Mapping[str, Any] | None = None,
    min_count: int | None = None,
    max_count: int | None = None,
    reason: str = "",
) -> PlanStratum:
    plan = stratum.entry.plan
    _require_plan_write(actor, plan)
    plan, reason = _begin_change(plan, reason)
    stratum = PlanStratum.objects.get(pk=stratum.pk, retired_at__isnull=True, entry__retired_at__isnull=True)
    before = snapshot(stratum)
    _write_stratum(stratum, name=name, filter=filter, ratio=ratio, min_count=min_count, max_count=max_count)
    _audit(actor, "planning.stratum.update", stratum, plan, before=before, after=snapshot(stratum))
    _end_change(plan, actor, reason)
    return stratum


@transaction.atomic
def stratum_remove(*, actor: User, stratum: PlanStratum, reason: str = "") -> None:
    plan = stratum.entry.plan
    _require_plan_write(actor, plan)
    plan, reason = _begin_change(plan, reason)
    stratum = PlanStratum.objects.get(pk=stratum.pk, retired_at__isnull=True)
    before = snapshot(stratum)
    if plan.published_at is None:
        _audit(actor, "planning.stratum.delete", stratum, plan, before=before)
        stratum.delete()
    else:
        stratum.retired_at = timezone.now()
        stratum.save(update_fields=["retired_at"])
        _audit(actor, "planning.stratum.retire", stratum, plan, before=before, after=snapshot(stratum))
    _end_change(plan, actor, reason)


@transaction.atomic
def entry_add_default_strata(*, actor: User, entry: PlanEntry, reason: str = "") -> list[PlanStratum]:
    """The demo credit bands (A/B/C/D) as the entry's strata, for an entry that has none yet."""
    _require_plan_write(actor, entry.plan)
    # One adjustment, not four: the strata are written here and the change closed once.
    plan, reason = _begin_change(entry.plan, reason)
    entry = PlanEntry.objects.get(pk=entry.pk, retired_at__isnull=True)
    if PlanStratum.objects.filter(entry=entry, retired_at__isnull=True).exists():
        raise ValidationError(_("该条目已有分层，不能再套用默认分层。"))
    created = []
    for n, band in enumerate(default_credit_strata(), start=1):
        stratum = PlanStratum(entry=entry, position=n)
        _write_stratum(
            stratum, name=band["name"], filter=band["filter"], ratio=band["ratio"], min_count=None, max_count=None
        )
        _audit(actor, "planning.stratum.create", stratum, plan, after=snapshot(stratum))
        created.append(stratum)
    _end_change(plan, actor, reason)
    return created
