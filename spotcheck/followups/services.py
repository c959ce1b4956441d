"""The writes of 后续处置: open, close (完结), withdraw a follow-up; record a re-check (复查); mark
a 抄告 已阅/已处理. Each checks its permission (``access``), runs in one transaction and writes
its audit entry with the change.

Decisions (issue 13, item 9):
- Only a problem item (``ItemResult.problem_found``) of a final result (confirmed or approved)
  takes follow-ups. "无需后续处置" is recorded as a follow-up that is 完结 at once, and stands
  alone: it is refused beside another standing follow-up, and another is refused beside it.
- A 责令改正 is 完结 through its re-check: 已改正 closes it on the re-check's date. 未改正
  either sets a new due date (the follow-up stays open; the old date is kept on the re-check)
  or turns it into another kind (移送办案机构, 抄告相关部门, 反馈日常监管, 其他): the 责令改正 is
  then 完结 with a note saying so and the new follow-up, opened in the same transaction, points
  back to it (``escalated_from``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.directory.validators import FieldError, clean_date
from spotcheck.followups import access
from spotcheck.followups.models import FollowUp, ReCheck
from spotcheck.inspectors.models import Inspector
from spotcheck.results.models import ItemResult

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Kind = FollowUp.Kind
Status = FollowUp.Status
# The kinds a 责令改正 not corrected at its re-check may turn into.
ESCALATION_KINDS = (Kind.REFER, Kind.NOTIFY, Kind.ROUTINE, Kind.OTHER)
NOTE_MAX = 2000


def _text(value: Any, limit: int = NOTE_MAX) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()[:limit]


def _date(value: Any, label: str, errors: dict[str, list[str]], field: str, *, allow_future: bool) -> dt.date | None:
    try:
        return clean_date(value, label, allow_future=allow_future)
    except FieldError as exc:
        errors[field] = exc.messages
        return None


def _locked_item(item_result: ItemResult) -> ItemResult:
    return (
        ItemResult.objects.select_for_update(of=("self",))
        .select_related("visit_result__visit__task", "department")
        .get(pk=item_result.pk)
    )


def _locked_followup(followup: FollowUp) -> FollowUp:
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("item_result__visit_result__visit__task", "department")
        .get(pk=followup.pk)
    )


def _standing(item: ItemResult):
    return FollowUp.objects.filter(item_result=item).exclude(status=Status.WITHDRAWN)


def _check_kind_fields(
    kind: str,
    item: ItemResult,
    *,
    due_on: Any,
    case_number: Any,
    target_department: Department | None,
    note: str,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    """The fields the kind requires, checked; the values to store (the others are blank)."""
    values: dict[str, Any] = {"due_on": None, "case_number": "", "target_department": None}
    if kind == Kind.RECTIFY:
        day = _date(due_on, _("整改期限"), errors, "due_on", allow_future=True)
        if day is None and "due_on" not in errors:
            errors["due_on"] = [_("责令改正须填写整改期限。")]
        elif day is not None and day < timezone.localdate():
            errors["due_on"] = [_("整改期限不能早于今天。")]
        values["due_on"] = day
    elif kind == Kind.REFER:
        number = _text(case_number, 64)
        if not number:
            errors["case_number"] = [_("移送办案机构须填写案件编号。")]
        values["case_number"] = number
    elif kind == Kind.NOTIFY:
        if target_department is None:
            errors["target_department"] = [_("抄告相关部门须选择被抄告的部门。")]
        elif target_department.pk == item.department_id:
            errors["target_department"] = [_("不能抄告本部门，请选择其他部门。")]
        elif not target_department.is_active:
            errors["target_department"] = [_("被抄告的部门已停用。")]
        values["target_department"] = target_department
    elif kind in (Kind.OTHER, Kind.NONE_NEEDED) and not note:
        errors["note"] = [_("选择“其他”时须填写处置说明。") if kind == Kind.OTHER else _("无需后续处置时须说明理由。")]
    return values


def _open(
    *,
    actor: User,
    item: ItemResult,
    kind: str,
    due_on: Any,
    case_number: Any,
    target_department: Department | None,
    note: Any,
    escalated_from: FollowUp | None = None,
) -> FollowUp:
    errors: dict[str, list[str]] = {}
    if not item.visit_result.is_confirmed:
        raise ValidationError(_("检查结果确认后才能登记后续处置。"))
    if not item.problem_found:
        raise ValidationError(_("该事项未发现问题，无需登记后续处置。"))
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("请选择处置方式。")]})
    text = _text(note)
    values = _check_kind_fields(
        kind,
        item,
        due_on=due_on,
        case_number=case_number,
        target_department=target_department,
        note=text,
        errors=errors,
    )
    standing = _standing(item)
    if kind == Kind.NONE_NEEDED and standing.exists():
        errors.setdefault("kind", []).append(_("该事项已有后续处置，不能再登记“无需后续处置”；如登记有误，请先撤回。"))
    elif kind != Kind.NONE_NEEDED and standing.filter(kind=Kind.NONE_NEEDED).exists():
        errors.setdefault("kind", []).append(_("该事项已登记“无需后续处置”；如需处置，请先撤回该登记。"))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    followup = FollowUp(
        item_result=item,
        department_id=item.department_id,
        kind=kind,
        note=text,
        escalated_from=escalated_from,
        created_by=actor,
        created_at=now,
        **values,
    )
    if kind == Kind.NONE_NEEDED:
        # A decision, not a task: 完结 the day it is recorded.
        followup.status = Status.CLOSED
        followup.closed_on = timezone.localdate(now)
        followup.close_note = text
        followup.closed_by = actor
    followup.full_clean()
    followup.save()
    audit_record(
        actor=actor,
        action="followups.followup.open",
        target=followup,
        after=snapshot(followup),
        department_id=item.department_id,
    )
    return followup


@transaction.atomic
def followup_open(
    *,
    actor: User,
    item_result: ItemResult,
    kind: str,
    due_on: dt.date | str | None = None,
    case_number: str = "",
    target_department: Department | None = None,
    note: str = "",
) -> FollowUp:
    """Open a follow-up of ``kind`` on a problem item of a final result (or record that it
    needs none). Each kind's field is required: 责令改正 a due date (today or later), 移送办案机构
    a case number, 抄告相关部门 another department, 其他 and 无需后续处置 a note."""
    item = _locked_item(item_result)
    access.require_item_writer(actor, item)
    return _open(
        actor=actor,
        item=item,
        kind=kind,
        due_on=due_on,
        case_number=case_number,
        target_department=target_department,
        note=note,
    )


def _close(followup: FollowUp, *, actor: User, closed_on: dt.date, note: str) -> None:
    followup.status = Status.CLOSED
    followup.closed_on = closed_on
    followup.close_note = note
    followup.closed_by = actor
    followup.full_clean()
    followup.save(update_fields=["status", "closed_on", "close_note", "closed_by"])


@transaction.atomic
def followup_close(*, actor: User, followup: FollowUp, closed_on: dt.date | str | None, note: str) -> FollowUp:
    """完结 an open follow-up with its date (not before it was opened, not in the future) and a
    note. A 责令改正 is 完结 through its re-check instead."""
    followup = _locked_followup(followup)
    access.require_item_writer(actor, followup.item_result)
    if followup.status != Status.OPEN:
        raise ValidationError(
            _("该后续处置已完结，不能再次完结。") if followup.status == Status.CLOSED else _("该后续处置已撤回。")
        )
    if followup.kind == Kind.RECTIFY:
        raise ValidationError(_("责令改正经复查后完结：请登记复查结果。"))
    errors: dict[str, list[str]] = {}
    day = _date(closed_on, _("完结日期"), errors, "closed_on", allow_future=False)
    if day is None and "closed_on" not in errors:
        errors["closed_on"] = [_("请填写完结日期。")]
    elif day is not None and day < timezone.localdate(followup.created_at):
        errors["closed_on"] = [_("完结日期不能早于登记后续处置的日期。")]
    text = _text(note)
    if not text:
        errors["note"] = [_("请填写完结说明。")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(followup)
    _close(followup, actor=actor, closed_on=day, note=text)
    audit_change(
        actor=actor,
        action="followups.followup.close",
        target=followup,
        before=before,
        after=snapshot(followup),
        department_id=followup.department_id,
    )
    return followup


@transaction.atomic
def followup_withdraw(*, actor: User, followup: FollowUp, reason: str) -> FollowUp:
    """Withdraw a follow-up recorded by mistake (open or 完结): it stays, marked, with the reason;
    the item is then pending again unless another follow-up stands."""
    followup = _locked_followup(followup)
    access.require_item_writer(actor, followup.item_result)
    if followup.status == Status.WITHDRAWN:
        raise ValidationError(_("该后续处置已撤回。"))
    text = _text(reason, 255)
    if not text:
        raise ValidationError({"reason": [_("撤回时请填写原因。")]})
    before = snapshot(followup)
    followup.status = Status.WITHDRAWN
    followup.withdrawn_at = timezone.now()
    followup.withdrawn_reason = text
    followup.withdrawn_by = actor
    followup.full_clean()
    followup.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "withdrawn_by"])
    audit_change(
        actor=actor,
        action="followups.followup.withdraw",
        target=followup,
        before=before,
        after=snapshot(followup),
        department_id=followup.department_id,
    )
    return followup


def _officer_errors(followup: FollowUp, officers: list[Inspector], day: dt.date | None) -> list[str]:
    errors: list[str] = []
    if foreign := [o.name for o in officers if o.department_id != followup.department_id or o.is_retired]:
        errors.append(
            _("复查人员须为%(department)s在册的执法检查人员：%(names)s 不是。")
            % {"department": followup.department.short_name, "names": "、".join(foreign)}
        )
    if day is not None:
        certified = [o for o in officers if o.holds_certificate and o.certificate_valid_on(day)]
        minimum = settings.SPOTCHECK_RECHECK_MIN_OFFICERS
        if len(certified) < minimum:
            errors.append(
                _("复查须有至少 %(min)s 名持有效执法证的执法人员（复查日期当天有效），现有 %(n)s 名。")
                % {"min": minimum, "n": len(certified)}
            )
    return errors


@transaction.atomic
def recheck_record(
    *,
    actor: User,
    followup: FollowUp,
    checked_on: dt.date | str | None,
    officers: Sequence[Inspector],
    outcome: str,
    note: str = "",
    new_due_on: dt.date | str | None = None,
    escalate_kind: str = "",
    case_number: str = "",
    target_department: Department | None = None,
) -> ReCheck:
    """复查 of an open 责令改正 by its department (see the module's decisions for 未改正)."""
    followup = _locked_followup(followup)
    officers = list({o.pk: o for o in officers}.values())
    access.require_item_writer(actor, followup.item_result)
    if followup.kind != Kind.RECTIFY:
        raise ValidationError(_("只有责令改正需要复查。"))
    if followup.status != Status.OPEN:
        raise ValidationError(_("该责令改正已完结或已撤回，不能再登记复查。"))
    errors: dict[str, list[str]] = {}
    day = _date(checked_on, _("复查日期"), errors, "checked_on", allow_future=False)
    if day is None and "checked_on" not in errors:
        errors["checked_on"] = [_("请填写复查日期。")]
    elif day is not None and day < timezone.localdate(followup.created_at):
        errors["checked_on"] = [_("复查日期不能早于责令改正的日期。")]
    if officer_errors := _officer_errors(followup, officers, day):
        errors["officers"] = officer_errors
    if outcome not in ReCheck.Outcome.values:
        errors["outcome"] = [_("请选择复查结果。")]
    text = _text(note)
    due = None
    if outcome == ReCheck.Outcome.NOT_CORRECTED:
        if escalate_kind and escalate_kind not in ESCALATION_KINDS:
            errors["escalate_kind"] = [_("未改正时只能转为移送办案机构、抄告相关部门、反馈日常监管或其他。")]
        elif not escalate_kind:
            due = _date(new_due_on, _("新整改期限"), errors, "new_due_on", allow_future=True)
            if due is None and "new_due_on" not in errors:
                errors["new_due_on"] = [_("未改正时须给出新的整改期限，或转为其他处置方式。")]
            elif due is not None and day is not None and due <= day:
                errors["new_due_on"] = [_("新整改期限应晚于复查日期。")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(followup)
    recheck = ReCheck(
        followup=followup,
        checked_on=day,
        outcome=outcome,
        note=text,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if due is not None:
        recheck.previous_due_on, recheck.new_due_on = followup.due_on, due
    recheck.full_clean()
    recheck.save()
    recheck.officers.set(officers)
    if outcome == ReCheck.Outcome.CORRECTED:
        _close(followup, actor=actor, closed_on=day, note=_("复查已改正。") + (f" {text}" if text else ""))
    elif due is not None:
        followup.due_on = due
        followup.save(update_fields=["due_on"])
    else:
        label = Kind(escalate_kind).label
        _close(followup, actor=actor, closed_on=day, note=_("复查未改正，转为%(kind)s。") % {"kind": label})
        _open(
            actor=actor,
            item=followup.item_result,
            kind=escalate_kind,
            due_on=None,
            case_number=case_number,
            target_department=target_department,
            note=text,
            escalated_from=followup,
        )
    audit_record(
        actor=actor,
        action="followups.recheck.record",
        target=followup,
        after={**snapshot(recheck), "followup": snapshot(followup, fields=["status", "due_on", "closed_on"])},
        department_id=followup.department_id,
    )
    audit_change(
        actor=actor,
        action="followups.followup.update",
        target=followup,
        before=before,
        after=snapshot(followup),
        department_id=followup.department_id,
        skip_unchanged=True,
    )
    return recheck


@transaction.atomic
def notice_mark_read(*, actor: User, followup: FollowUp) -> FollowUp:
    """已阅: the target department has read the 抄告."""
    followup = _locked_followup(followup)
    access.require_notice_marker(actor, followup)
    if followup.notice_read_at is not None:
        raise ValidationError(_("该抄告已标记为已阅。"))
    before = snapshot(followup)
    followup.notice_read_at, followup.notice_read_by = timezone.now(), actor
    followup.save(update_fields=["notice_read_at", "notice_read_by"])
    audit_change(
        actor=actor,
        action="followups.notice.read",
        target=followup,
        before=before,
        after=snapshot(followup),
        department_id=followup.target_department_id,
    )
    return followup


@transaction.atomic
def notice_mark_handled(*, actor: User, followup: FollowUp, note: str = "") -> FollowUp:
    """已处理 (implies 已阅), with what the target department did."""
    followup = _locked_followup(followup)
    access.require_notice_marker(actor, followup)
    if followup.notice_handled_at is not None:
        raise ValidationError(_("该抄告已标记为已处理。"))
    before = snapshot(followup)
    now = timezone.now()
    if followup.notice_read_at is None:
        followup.notice_read_at, followup.notice_read_by = now, actor
    followup.notice_handled_at, followup.notice_handled_by = now, actor
    followup.notice_handled_note = _text(note, 255)
    followup.save(
        update_fields=[
            "notice_read_at",
            "notice_read_by",
            "notice_handled_at",
            "notice_handled_by",
            "notice_handled_note",
        ]
    )
    audit_change(
        actor=actor,
        action="followups.notice.handled",
        target=followup,
        before=before,
        after=snapshot(followup),
        department_id=followup.target_department_id,
    )
    return followup
