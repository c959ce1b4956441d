"""无事不扰 per body: the yearly cap on ON-SITE inspections of one object by one department
(RULES.md, "Yearly cap"), beside the joint office's cap on draws (``frequency.py``).

What is counted: ``OnSiteInspection`` rows (现场检查记录) that count toward the cap (a 个案 from
投诉举报/数据监测 and a 专项 ordered from above do not) and are not withdrawn, in the 365 days
before a moment. The cap: ``SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR`` for every department, or the
department's own set by the region's coordinator (``DepartmentOnSiteCap``, ``onsite_cap_set``).

Where it applies: the check-in records a visit's on-site inspections
(``onsite_inspection_record``, one row per department of the visit's task) and asks for a
reason when a department goes over its cap — the row is flagged to the coordinator; the freeze
leaves out objects at a department's cap for a task of that department (pool.py, reason
``onsite_cap``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.core.reasons import clean_reason
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.access import can_review_over_cap, can_set_onsite_cap
from spotcheck.draws.models import DepartmentOnSiteCap, OnSiteInspection, Task, Visit

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

YEAR = dt.timedelta(days=365)
MAX_ONSITE_PER_YEAR = 52
# A check-in's time may run ahead of the server's clock by this much (a phone's clock).
CLOCK_SKEW = dt.timedelta(minutes=10)


class CapReached(NamedTuple):
    """A department at (or over) its cap for one object: its count in the year and its cap."""

    department: Department
    count: int
    cap: int


# ------------------------------------------------------------------------------------ caps


def default_cap() -> int | None:
    """The platform's cap for every department without its own; 0 in the setting: none."""
    return settings.SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR or None


def caps_for(department_ids: Iterable[int]) -> dict[int, int | None]:
    """Department id → its cap (None: no cap), in one query."""
    ids = list(department_ids)
    fallback = default_cap()
    own = {
        row.department_id: row.max_per_year
        for row in DepartmentOnSiteCap.objects.filter(department_id__in=ids, follows_default=False)
    }
    return {pk: own.get(pk, fallback) for pk in ids}


def cap_of(department: Department) -> int | None:
    return caps_for([department.pk])[department.pk]


@transaction.atomic
def onsite_cap_set(
    *, actor: User, department: Department, max_per_year: int | None, follows_default: bool = False
) -> DepartmentOnSiteCap:
    """Set a department's own cap (None: no cap), or put it back on the platform's default
    (``follows_default``). Applies to check-ins and pools frozen from now on."""
    scope = require_staff(actor)
    if not can_set_onsite_cap(scope, department):
        raise PermissionDenied(_("只有本地区联席会议办公室协调员可以设置部门的现场检查年度上限。"))
    if follows_default:
        max_per_year = None
    elif max_per_year is not None and (
        isinstance(max_per_year, bool)
        or not isinstance(max_per_year, int)
        or not 1 <= max_per_year <= MAX_ONSITE_PER_YEAR
    ):
        raise ValidationError(
            {"max_per_year": _("每年最多现场检查次数应为 1 到 %(max)s 之间的整数。") % {"max": MAX_ONSITE_PER_YEAR}}
        )
    row = DepartmentOnSiteCap.objects.select_for_update().filter(department=department).first()
    fields = ["follows_default", "max_per_year"]
    before = snapshot(row, fields) if row is not None else {"follows_default": True, "max_per_year": None}
    if row is None:
        row = DepartmentOnSiteCap(department=department)
    row.follows_default, row.max_per_year = follows_default, max_per_year
    row.updated_by, row.updated_at = actor, timezone.now()
    row.full_clean()
    row.save()
    audit_change(
        actor=actor,
        action="draws.onsite_cap.set",
        target=row,
        before=before,
        after=snapshot(row, fields),
        department_id=department.pk,
    )
    return row


# -------------------------------------------------------------------------------- counting


def counted_rows() -> QuerySet:
    """The rows the cap counts: not withdrawn, of a kind that counts."""
    return OnSiteInspection.objects.filter(counts_toward_cap=True, withdrawn_at__isnull=True)


def onsite_count(inspection_object: InspectionObject | int, department: Department | int, at: dt.datetime) -> int:
    """How many on-site inspections of the object by the department count toward its cap in
    the 365 days before ``at``."""
    return (
        counted_rows()
        .filter(
            inspection_object=inspection_object,
            department=department,
            inspected_at__gte=at - YEAR,
            inspected_at__lte=at,
        )
        .count()
    )


def _counts_by_department(object_id: int, department_ids: Sequence[int], at: dt.datetime) -> Counter:
    rows = counted_rows().filter(
        inspection_object_id=object_id,
        department_id__in=list(department_ids),
        inspected_at__gte=at - YEAR,
        inspected_at__lte=at,
    )
    return Counter(dict(rows.values("department_id").annotate(n=Count("pk")).values_list("department_id", "n")))


def objects_at_onsite_cap(department_id: int, cap: int, now: dt.datetime) -> QuerySet:
    """The ids (one-column values(), as pool.objects_among takes them) of the objects the
    department inspected on site ``cap`` times or more in the 365 days before ``now``."""
    return (
        counted_rows()
        .filter(department_id=department_id, inspected_at__gte=now - YEAR, inspected_at__lte=now)
        .values("inspection_object_id")
        .annotate(times=Count("pk"))
        .filter(times__gte=cap)
        .values("inspection_object_id")
    )


def task_departments(task: Task) -> list[Department]:
    """The bodies a visit of ``task`` is an on-site inspection of: the lead department and,
    for a joint task, every participating one."""
    participants = [
        d for d in task.participating_departments.order_by("sort_order", "code") if d.pk != task.lead_department_id
    ]
    return [task.lead_department, *participants]


def onsite_cap_warning(
    visit: Visit, at: dt.datetime | None = None, merged_with: Iterable[Visit | int] = ()
) -> list[CapReached]:
    """For the check-in form: the departments of the visit's task already at or over their cap
    for its object, so the page asks for the reason before posting. None for a visit already
    recorded (recording it again changes nothing), nor for a department already recorded for
    one of ``merged_with`` (as ``onsite_inspection_record``)."""
    if OnSiteInspection.objects.filter(visit=visit, withdrawn_at__isnull=True).exists():
        return []
    at = at or timezone.now()
    already = _recorded_for(merged_with, visit.inspection_object_id)
    departments = [d for d in task_departments(visit.task) if d.pk not in already]
    caps = caps_for(d.pk for d in departments)
    counts = _counts_by_department(visit.inspection_object_id, [d.pk for d in departments], at)
    return [
        CapReached(d, counts[d.pk], caps[d.pk])
        for d in departments
        if caps[d.pk] is not None and counts[d.pk] >= caps[d.pk]
    ]


def _recorded_for(visits: Iterable[Visit | int], object_id: int) -> set[int]:
    """The departments recorded (not withdrawn) for one of ``visits`` of the object."""
    ids = [v.pk if isinstance(v, Visit) else v for v in visits]
    if not ids:
        return set()
    rows = OnSiteInspection.objects.filter(visit_id__in=ids, inspection_object_id=object_id, withdrawn_at__isnull=True)
    return set(rows.values_list("department_id", flat=True))


def over_cap_message(reached: Sequence[CapReached]) -> str:
    parts = [
        _("%(department)s 近 365 天已现场检查 %(count)s 次，上限 %(cap)s 次")
        % {"department": r.department.short_name, "count": r.count, "cap": r.cap}
        for r in reached
    ]
    return _("本次检查将超过现场检查年度上限（无事不扰）：%(list)s。请填写超上限原因。") % {"list": "；".join(parts)}


# -------------------------------------------------------------------------------- services


@transaction.atomic
def onsite_inspection_record(
    *,
    actor: User,
    visit: Visit,
    inspected_at: dt.datetime,
    over_cap_reason: str = "",
    merged_with: Iterable[Visit | int] = (),
) -> list[OnSiteInspection]:
    """Record the check-in of ``visit`` as one on-site inspection per department of its task.

    The caller (the check-in) has checked that ``actor`` may check in. A second call for the same
    visit returns the rows already recorded. A department that would go over its cap with this
    inspection needs ``over_cap_reason`` (ValidationError code ``over_cap`` on the field,
    naming each department with its count and cap); its row is flagged ``over_cap`` for the
    coordinator. ``merged_with``: the other visits of the visit's merged visit (合并检查; the
    check-in knows the merge, this app does not) — a department already recorded for one of
    them (a joint task merged with that department's own task) entered once and is not counted
    again."""
    task = Task.objects.select_related("lead_department").get(pk=visit.task_id)
    if task.status != Task.Status.DRAWN:
        raise ValidationError(_("只有已抽取且未取消的任务的检查才记录现场检查。"), code="task_not_drawn")
    if not isinstance(inspected_at, dt.datetime) or timezone.is_naive(inspected_at):
        raise ValidationError({"inspected_at": _("检查时间应为带时区的日期时间。")}, code="invalid")
    if inspected_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"inspected_at": _("检查时间不能晚于当前时间。")}, code="future")
    # One object's counts are read and written by one check-in at a time.
    list(InspectionObject.objects.select_for_update().filter(pk=visit.inspection_object_id).values_list("pk"))
    recorded = list(
        OnSiteInspection.objects.filter(visit=visit, withdrawn_at__isnull=True).select_related("department")
    )
    if recorded:
        return recorded
    departments = task_departments(task)
    already = _recorded_for(merged_with, visit.inspection_object_id)
    departments = [d for d in departments if d.pk not in already]
    caps = caps_for(d.pk for d in departments)
    counts = _counts_by_department(visit.inspection_object_id, [d.pk for d in departments], inspected_at)
    over = {
        d.pk: CapReached(d, counts[d.pk], caps[d.pk])
        for d in departments
        if caps[d.pk] is not None and counts[d.pk] + 1 > caps[d.pk]
    }
    reason = ""
    if over:
        if not (over_cap_reason or "").strip():
            raise ValidationError(
                {"over_cap_reason": [ValidationError(over_cap_message(list(over.values())), code="over_cap")]}
            )
        reason = clean_reason(over_cap_reason, field="over_cap_reason", label=_("超上限原因"))
    now = timezone.now()
    rows = []
    for department in departments:
        row = OnSiteInspection(
            inspection_object_id=visit.inspection_object_id,
            department=department,
            kind=OnSiteInspection.Kind.ROUTINE,
            trigger=OnSiteInspection.Trigger.NONE,
            counts_toward_cap=OnSiteInspection.counts(OnSiteInspection.Kind.ROUTINE, OnSiteInspection.Trigger.NONE),
            visit=visit,
            inspected_at=inspected_at,
            recorded_by=actor,
            recorded_at=now,
            over_cap=department.pk in over,
            over_cap_reason=reason if department.pk in over else "",
        )
        row.full_clean(validate_constraints=False)  # the partial unique constraint: checked by the database
        row.save()
        audit_record(
            actor=actor, action="draws.onsite.record", target=row, after=snapshot(row), department_id=department.pk
        )
        if row.over_cap:
            reached = over[department.pk]
            audit_record(
                actor=actor,
                action="draws.onsite.over_cap",
                target=row,
                after={"count": reached.count, "cap": reached.cap, "over_cap_reason": reason},
                department_id=department.pk,
            )
        rows.append(row)
    return rows


@transaction.atomic
def onsite_inspection_withdraw(*, actor: User, row: OnSiteInspection, reason: str) -> OnSiteInspection:
    """A check-in recorded by mistake: the row stays, withdrawn with a reason, and no longer
    counts. By those who write the department's rows (its admin; the coordinator)."""
    scope = require_staff(actor)
    if not scope.can_write_department(row.department_id):
        raise PermissionDenied(_("只有该部门的管理员可以撤回现场检查记录。"))
    row = OnSiteInspection.objects.select_for_update().get(pk=row.pk)
    if row.withdrawn_at is not None:
        raise ValidationError(_("该现场检查记录已撤回。"), code="withdrawn")
    text = clean_reason(reason, label=_("撤回原因"))
    fields = ["withdrawn_at", "withdrawn_by", "withdrawn_reason"]
    before = snapshot(row, fields)
    row.withdrawn_at, row.withdrawn_by, row.withdrawn_reason = timezone.now(), actor, text
    row.save(update_fields=fields)
    audit_change(
        actor=actor,
        action="draws.onsite.withdraw",
        target=row,
        before=before,
        after=snapshot(row, fields),
        department_id=row.department_id,
    )
    return row


@transaction.atomic
def onsite_over_cap_review(*, actor: User, row: OnSiteInspection) -> OnSiteInspection:
    """The coordinator has read an over-cap inspection (it leaves the home page's 待办)."""
    scope = require_staff(actor)
    if not can_review_over_cap(scope, row):
        raise PermissionDenied(_("只有本地区联席会议办公室协调员可以处理超上限提示。"))
    row = OnSiteInspection.objects.select_for_update().get(pk=row.pk)
    if not row.over_cap:
        raise ValidationError(_("该现场检查未超过年度上限。"), code="not_over_cap")
    if row.reviewed_at is not None:
        raise ValidationError(_("该超上限提示已阅。"), code="reviewed")
    fields = ["reviewed_at", "reviewed_by"]
    before = snapshot(row, fields)
    row.reviewed_at, row.reviewed_by = timezone.now(), actor
    row.save(update_fields=fields)
    audit_change(
        actor=actor,
        action="draws.onsite.review",
        target=row,
        before=before,
        after=snapshot(row, fields),
        department_id=row.department_id,
    )
    return row
