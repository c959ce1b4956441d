"""Every step of a task and its seed ceremony (SC-DRAW-1, shared/DRAW-SPEC.md): one service per
step, each checked against the actor's scope, validated and audited in its transaction.

    task_create → task_freeze → task_announce → witness_input_add (≥ 2) → task_draw
    a redraw (a task drawing again what a cancelled drawn task drew) is created "requested" and
    frozen only after task_redraw_approve (the coordinator, not the requester); task_redraw_refuse
    task_cancel at any time (a drawn task keeps its record); task_publish_list when the list
    is published after the visits; task_update / task_unfreeze until the notice (a frozen
    task's freeze is discarded, on record).

The freeze checks that the teams can be filled whatever the seed (engine.match_feasibility)
and the notice is refused while they cannot: a ceremony that has gone public cannot fail its
match. Only a task announced before that check existed still can.

A failed match saves nothing of the draw: the task stays announced with the same committed
secret and the same witness inputs, so a retry would give the same failure. The attempt is
recorded (``match_failed_at`` and an audit entry) and no more witness inputs are taken — adding
one would change the seed and let an operator re-roll until a result pleased them. The only
way forward is to cancel the task and create a new one (another cap, roster or slots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import require_write, scope_for
from spotcheck.accounts.selectors import departments_of, role_holders
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.catalog.models import ItemVersion
from spotcheck.core.codes import next_number
from spotcheck.core.params import FIRST_YEAR, LAST_YEAR
from spotcheck.core.reasons import clean_reason
from spotcheck.core.text import normalise_name
from spotcheck.core.updates import model_update
from spotcheck.directory.object_filter import validate_object_filter, validate_scope
from spotcheck.draws import access, publish_checks, selectors, signals
from spotcheck.draws.draw_writer import DrawWriter
from spotcheck.draws.models import (
    Draw,
    FrozenPool,
    FrozenStratum,
    PoolExclusionGroup,
    Task,
    TaskStratum,
    WitnessInput,
)
from spotcheck.draws.pool import freeze_pool
from spotcheck.draws.selectors import record_for
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Qualification
from spotcheck.planning.models import AnnualPlan, PlanEntry
from spotcheck.planning.services import MAX_FREQUENCY_CAP_DAYS

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Status = Task.Status
MIN_TEAM_SIZE = 2
# A task's strata (a plan's credit bands and flags are a handful; a hundred would be a typo).
MAX_STRATA = 50


def _invalid(error: engine.DrawInputError) -> ValidationError:
    return ValidationError(str(error), code="draw_input")


def _canonical(value: Any, what: str) -> str:
    try:
        return engine.check_canonical(value, what)
    except engine.DrawInputError as e:
        raise _invalid(e) from None


def _locked(task: Task) -> Task:
    """The task row, locked until the transaction ends: ceremony steps of one task run one
    after the other, so two operators pressing 'draw' at once give one draw."""
    return Task.objects.select_for_update().get(pk=task.pk)


def _require_status(task: Task, *statuses: str) -> None:
    if task.status not in statuses:
        raise ValidationError(
            _("任务“%(code)s”当前状态为“%(status)s”，不能进行此操作。")
            % {"code": task.code, "status": task.get_status_display()},
            code="bad_status",
        )


def require_redraw_approved(task: Task) -> None:
    """A redraw is not frozen (and so never announced or drawn) until the joint office approves it."""
    if task.awaits_redraw_approval:
        raise ValidationError(
            _("任务“%(code)s”是对任务“%(old)s”的重新抽取，%(state)s：经联席办批准后才能冻结对象库。")
            % {"code": task.code, "old": task.replaces.code, "state": task.get_redraw_status_display()},
            code="redraw_not_approved",
        )


def _next_code(department: Department, year: int) -> str:
    prefix = f"{department.code}-{year}"
    return f"{prefix}-{next_number(f'task:{prefix}'):04d}"


# ---------------------------------------------------------------------------------- creating


def _check_bounds(window_start: Any, window_end: Any, frequency_cap_days: Any) -> None:
    """What a task's numbers and dates may be: refused here, with the field, rather than
    overflowing a column or a date at the freeze."""
    errors: dict[str, list[str]] = {}
    for field, day in (("window_start", window_start), ("window_end", window_end)):
        if not isinstance(day, dt.date) or not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[field] = [
                _("检查时间应在 %(first)s 年至 %(last)s 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
    if not errors and window_end < window_start:
        errors["window_end"] = [_("截止日期不能早于开始日期。")]
    if (
        isinstance(frequency_cap_days, bool)
        or not isinstance(frequency_cap_days, int)
        or not 0 <= frequency_cap_days <= MAX_FREQUENCY_CAP_DAYS
    ):
        errors["frequency_cap_days"] = [_("同一事项免检期应在 0 到 %(max)s 天之间。") % {"max": MAX_FREQUENCY_CAP_DAYS}]
    if errors:
        raise ValidationError(errors)


def _clean_strata(strata: Iterable[Mapping[str, Any]]) -> list[TaskStratum]:
    rows: list[TaskStratum] = []
    names: dict[str, str] = {}  # normalised → as first written
    strata = list(strata)
    if len(strata) > MAX_STRATA:
        raise ValidationError(_("分层不能超过 %(n)s 个。") % {"n": MAX_STRATA})
    for position, raw in enumerate(strata, start=1):
        name = _canonical(raw.get("name"), _("分层名称"))
        # "一般" and "一般" with a zero-width space, or "C类" and "Ｃ类", read as one name.
        key = normalise_name(name)
        if key in names:
            raise ValidationError(_("分层名称“%(name)s”重复。") % {"name": names[key]})
        names[key] = name
        ratio = raw.get("ratio")
        minimum, maximum = raw.get("minimum"), raw.get("maximum")
        if isinstance(minimum, int) and isinstance(maximum, int) and minimum > maximum:
            raise ValidationError(
                _("分层“%(name)s”的最少抽取数不能大于最多抽取数。") % {"name": name}, code="minimum_above_maximum"
            )
        try:
            engine.sample_size(0, ratio, minimum, maximum)  # validates ratio, minimum and maximum
        except engine.DrawInputError as e:
            raise _invalid(e) from None
        label = _("分层“%(name)s”的条件") % {"name": name}
        rows.append(
            TaskStratum(
                position=position,
                name=name,
                filter=validate_object_filter(raw.get("filter"), label=label),
                ratio=ratio,
                minimum=minimum,
                maximum=maximum,
            )
        )
    if not rows:
        raise ValidationError(_("至少需要一个分层。"))
    return rows


def _clean_slots(
    slots: Iterable[Mapping[str, Any]], lead_slot: str, departments: list[Department], versions: list[ItemVersion]
) -> list[dict[str, Any]]:
    """The slots as stored and drawn (department and qualification codes); every refusal names
    departments and qualifications as a person reads them, and carries the code ``slots`` so a
    page shows it beside its slot rows (the API shows it as any other)."""
    clean: list[dict[str, Any]] = []
    codes = {d.code for d in departments}
    qual_names = dict(Qualification.objects.values_list("code", "name"))
    for raw in slots:
        name = _canonical(raw.get("name"), _("岗位名称"))
        dept = raw.get("dept")
        if dept not in codes:
            named = Department.objects.filter(code=dept).values_list("short_name", flat=True).first() if dept else None
            raise ValidationError(
                _("岗位“%(name)s”的部门“%(dept)s”不是参与部门。") % {"name": name, "dept": named or dept},
                code="slots",
            )
        quals = sorted(set(raw.get("quals") or []))
        if unknown := [q for q in quals if q not in qual_names]:
            raise ValidationError(
                _("岗位“%(name)s”的资格“%(q)s”不存在。") % {"name": name, "q": "、".join(unknown)},
                code="slots",
            )
        clean.append({"name": name, "dept": dept, "quals": quals})
    try:
        engine.input_document("T", [], clean, 1, "", "")  # names distinct and canonical, quals canonical
    except engine.DrawInputError as e:
        raise ValidationError(str(e), code="slots") from None
    if len(clean) < MIN_TEAM_SIZE:
        raise ValidationError(_("每个检查组至少需要 %(n)s 名检查人员（岗位）。") % {"n": MIN_TEAM_SIZE}, code="slots")
    if lead_slot not in {s["name"] for s in clean}:
        raise ValidationError(_("组长岗位“%(name)s”不在岗位列表中。") % {"name": lead_slot}, code="slots")
    for department in departments:
        held = {q for s in clean if s["dept"] == department.code for q in s["quals"]}
        if not any(s["dept"] == department.code for s in clean):
            raise ValidationError(_("参与部门“%(dept)s”没有岗位。") % {"dept": department.short_name}, code="slots")
        for version in versions:
            if version.item.department_id != department.pk:
                continue
            needed = {q.code for q in version.required_qualifications.all()}
            if missing := sorted(needed - held):
                raise ValidationError(
                    _("事项“%(item)s”要求资格“%(q)s”，但%(dept)s的岗位都不要求该资格。")
                    % {
                        "item": version.name,
                        "q": "、".join(qual_names.get(q, q) for q in missing),
                        "dept": department.short_name,
                    },
                    code="slots",
                )
    return clean


def _check_redraw(
    *,
    lead_department: Department,
    plan_entry: PlanEntry | None,
    scope: dict[str, Any],
    versions: list[ItemVersion],
    window_start: dt.date,
    window_end: dt.date,
    replaces: Task | None,
    redraw_reason: str,
) -> tuple[Task | None, str, str]:
    """Whether a new task draws again what a drawn task drew (same entry, or same scope and
    items, same department, overlapping window): then it must name that task, cancelled, and
    a reason, and it waits for the coordinator (RedrawStatus.REQUESTED). Cancelling a drawn task
    and making another until the list suits someone is exactly what this platform prevents, so
    it is refused when done without saying so. Returns (replaces, reason, redraw status)."""
    predecessors = selectors.redraw_predecessors(
        lead_department_id=lead_department.pk,
        plan_entry_id=plan_entry.pk if plan_entry is not None else None,
        scope=scope,
        item_ids={v.item_id for v in versions},
        window_start=window_start,
        window_end=window_end,
    )
    live = [t.code for t in predecessors if t.status != Status.CANCELLED]
    if live:
        raise ValidationError(
            {
                "replaces": [
                    _(
                        "任务“%(code)s”已抽取且尚未取消：同一计划条目（或相同对象范围和抽查事项）在重叠的检查时间内"
                        "重新抽取，须先取消原任务，在新任务中注明被替代的任务和原因，并经联席办批准。"
                    )
                    % {"code": "、".join(live)}
                ]
            },
            code="redraw_of_live_task",
        )
    if replaces is None:
        if not predecessors:
            return None, "", Task.RedrawStatus.NONE
        raise ValidationError(
            {
                "replaces": [
                    _(
                        "同一计划条目（或相同对象范围和抽查事项）在重叠的检查时间内已有抽取后取消的任务“%(code)s”："
                        "这是重新抽取，须选择被替代的任务并填写重新抽取原因，经联席办批准后才能冻结对象库。"
                    )
                    % {"code": "、".join(t.code for t in predecessors)}
                ]
            },
            code="redraw_unnamed",
        )
    if replaces.pk not in {t.pk for t in predecessors}:
        raise ValidationError(
            {
                "replaces": [
                    _(
                        "任务“%(code)s”不是本部门同一计划条目（或相同对象范围和抽查事项）、检查时间重叠的已抽取任务，"
                        "不能作为被重新抽取的任务。"
                    )
                    % {"code": replaces.code}
                ]
            },
            code="redraw_not_a_predecessor",
        )
    reason = clean_reason(
        redraw_reason,
        field="redraw_reason",
        label=_("重新抽取原因"),
        max_length=Task._meta.get_field("redraw_reason").max_length,
    )
    return replaces, reason, Task.RedrawStatus.REQUESTED


@transaction.atomic
def task_create(
    *,
    actor: User,
    lead_department: Department,
    title: str,
    items: Iterable[ItemVersion],
    window_start: dt.date,
    window_end: dt.date,
    strata: Iterable[Mapping[str, Any]],
    slots: Iterable[Mapping[str, Any]],
    lead_slot: str,
    max_visits_per_inspector: int,
    kind: str = Task.Kind.ROUTINE,
    participating_departments: Iterable[Department] = (),
    scope: Mapping[str, Any] | None = None,
    frequency_cap_days: int = 365,
    pool_filter: Mapping[str, Any] | None = None,
    list_publication: str = Task.ListPublication.WITH_NOTICE,
    cross_office: bool = False,
    exclude_last_inspector: bool = True,
    plan_entry: PlanEntry | None = None,
    replaces: Task | None = None,
    redraw_reason: str = "",
) -> Task:
    """A draft task. Items are published item versions, frozen here; the participating
    departments always include the lead; a joint task has at least two. A redraw names the
    drawn and cancelled task it replaces and a reason (``_check_redraw``)."""
    require_write(actor, lead_department.pk)
    departments = list(dict.fromkeys([lead_department, *participating_departments]))
    if kind == Task.Kind.JOINT and len(departments) < 2:
        raise ValidationError(_("联合抽查任务至少需要两个参与部门。"))
    if kind != Task.Kind.JOINT and len(departments) > 1:
        raise ValidationError(_("多个部门参与的任务应为联合抽查任务。"))
    versions = list(ItemVersion.objects.filter(pk__in=[v.pk for v in items]).select_related("item"))
    if not versions:
        raise ValidationError(_("至少需要一个抽查事项。"))
    for version in versions:
        if version.status != ItemVersion.Status.PUBLISHED:
            raise ValidationError(_("事项版本“%(v)s”不是现行公布的版本。") % {"v": version})
        if version.item.department_id not in {d.pk for d in departments}:
            raise ValidationError(_("事项“%(v)s”的所属部门不是参与部门。") % {"v": version.name})
    _check_bounds(window_start, window_end, frequency_cap_days)
    strata_rows = _clean_strata(strata)
    clean_slots = _clean_slots(slots, lead_slot, departments, versions)
    if type(max_visits_per_inspector) is not int or max_visits_per_inspector < 1:
        raise ValidationError(_("每名检查人员的任务上限必须是正整数。"))
    clean_scope = validate_scope(scope)
    replaces, redraw_reason, redraw_status = _check_redraw(
        lead_department=lead_department,
        plan_entry=plan_entry,
        scope=clean_scope,
        versions=versions,
        window_start=window_start,
        window_end=window_end,
        replaces=replaces,
        redraw_reason=redraw_reason,
    )
    task = Task(
        code=_next_code(lead_department, window_start.year),
        title=(title or "").strip(),
        kind=kind,
        lead_department=lead_department,
        window_start=window_start,
        window_end=window_end,
        scope=clean_scope,
        frequency_cap_days=frequency_cap_days,
        pool_filter=validate_object_filter(pool_filter, label=_("对象库筛选条件")),
        list_publication=list_publication,
        cross_office=cross_office,
        exclude_last_inspector=exclude_last_inspector,
        max_visits_per_inspector=max_visits_per_inspector,
        slots=clean_slots,
        lead_slot=lead_slot,
        plan_entry=plan_entry,
        replaces=replaces,
        redraw_reason=redraw_reason,
        redraw_status=redraw_status,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    task.participating_departments.set(departments)
    task.items.set(versions)
    for row in strata_rows:
        row.task = task
        row.full_clean()
    TaskStratum.objects.bulk_create(strata_rows)
    audit_record(
        actor=actor,
        action="draws.task.create",
        target=task,
        after=snapshot(task) | {"strata": [snapshot(s) for s in task.strata.all()]},
        department_id=lead_department.pk,
    )
    return task


# ---------------------------------------------------------------------------------- freezing


@transaction.atomic
def task_freeze(*, actor: User, task: Task) -> Task:
    """Build the pool, the roster and the exclusions, store them with their digests and the
    input document. Nothing about the draw can change after this."""
    require_write(actor, task.lead_department_id)
    task = _locked(task)
    _require_status(task, Status.DRAFT)
    require_redraw_approved(task)
    now = timezone.now()
    built = freeze_pool(task, now)
    strata = {s.name: s for s in task.strata.all()}
    try:
        summaries = []
        for name, count, digest in built.strata:
            stratum = strata[name]
            stratum.count, stratum.digest = count, digest
            stratum.save(update_fields=["count", "digest"])
            summaries.append(
                {
                    "name": name,
                    "count": count,
                    "digest": digest,
                    "ratio": stratum.ratio,
                    "min": stratum.minimum,
                    "max": stratum.maximum,
                }
            )
        doc = engine.input_document(
            task.code,
            summaries,
            built.slots,
            task.max_visits_per_inspector,
            engine.roster_digest(built.roster),
            engine.exclusions_digest(built.pairs),
        )
    except engine.DrawInputError as e:
        raise _invalid(e) from None
    # A province's directory holds millions of deregistered (注销/吊销) objects: one row per
    # reason and detail, holding the objects' keys (PoolExclusionGroup), not one per object.
    groups = PoolExclusionGroup.objects.bulk_create(
        PoolExclusionGroup(
            task=task,
            reason=reason,
            detail=detail,
            count=len(blob) // PoolExclusionGroup.ID_BYTES,
            object_ids=blob,
        )
        for reason, detail, blob in built.excluded
    )
    FrozenPool.objects.create(
        task=task,
        member_count=built.member_count,
        roster=built.roster,
        exclusions=FrozenPool.pack_exclusions(built.pairs),
        exclusion_count=len(built.pairs),
        frozen_on=timezone.localdate(now),
    )
    draw = Draw(
        task=task,
        input=doc,
        input_digest=engine.input_digest(doc),
        pool_digest=engine.pool_digest((s["name"], s["count"], s["digest"]) for s in summaries),
        match_check=_match_check(doc, built.roster, built.pairs),
    )
    draw.full_clean(exclude=["task"])
    draw.save()
    before = snapshot(task, ["status", "frozen_at"])
    task.status, task.frozen_at = Status.FROZEN, now
    task.save(update_fields=["status", "frozen_at"])
    audit_change(
        actor=actor,
        action="draws.task.freeze",
        target=task,
        before=before,
        after=snapshot(task, ["status", "frozen_at"])
        | {
            "input_digest": draw.input_digest,
            "pool_digest": draw.pool_digest,
            "pool_count": built.member_count,
            "excluded_count": sum(group.count for group in groups),
            "match_feasible": draw.match_check["feasible"],
            "suggested_cap": draw.match_check["suggested_cap"],
        },
        department_id=task.lead_department_id,
    )
    return task


def _match_check(doc: Mapping[str, Any], roster: list[dict[str, Any]], pairs: Iterable[Any]) -> dict[str, Any]:
    """Whether the frozen input's teams can be filled whatever the seed (engine.match_feasibility),
    for the number of targets the frozen counts give."""
    try:
        targets = sum(engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]) for s in doc["strata"])
        return engine.match_feasibility(targets, doc["match"]["slots"], roster, pairs, doc["match"]["cap"])
    except engine.DrawInputError as e:
        raise _invalid(e) from None


def infeasible_message(check: Mapping[str, Any]) -> str:
    """Why a frozen task may not be announced, naming the slots and the cap that would do."""
    short = "、".join(f"“{row['slot']}”" for row in check["slots"] if not row["ok"])
    if check["suggested_cap"] is None:
        return _(
            "按冻结的名单，岗位%(slots)s在最不利的情况下可能配不齐检查人员，提高任务上限也无法解决："
            "请增加符合条件的检查人员，或调整岗位要求、回避名单后重新冻结。"
        ) % {"slots": short}
    return _(
        "按冻结的名单，岗位%(slots)s在最不利的情况下可能配不齐检查人员（每名检查人员的任务上限为 %(cap)s）。"
        "请将任务上限调整为 %(suggested)s 后重新冻结。"
    ) % {"slots": short, "cap": check["cap"], "suggested": check["suggested_cap"]}


def _discard_freeze(actor: User, task: Task, reason: str) -> None:
    """Back to a draft: the frozen pool, roster, exclusions and input go (nothing was public
    yet), their digests stay in the audit trail. ``task`` is locked and FROZEN."""
    draw = Draw.objects.get(task=task)
    before = snapshot(task, ["status", "frozen_at"]) | {
        "input_digest": draw.input_digest,
        "pool_digest": draw.pool_digest,
        "match_check": draw.match_check,
    }
    draw.delete()
    FrozenPool.objects.filter(task=task).delete()
    FrozenStratum.objects.filter(task=task).delete()
    PoolExclusionGroup.objects.filter(task=task).delete()
    task.strata.update(count=None, digest="")
    task.status, task.frozen_at = Status.DRAFT, None
    task.save(update_fields=["status", "frozen_at"])
    audit_change(
        actor=actor,
        action="draws.task.unfreeze",
        target=task,
        before=before,
        after=snapshot(task, ["status", "frozen_at"]) | {"reason": reason},
        department_id=task.lead_department_id,
    )


@transaction.atomic
def task_unfreeze(*, actor: User, task: Task) -> Task:
    """Discard the freeze of a task not yet announced, to edit it or freeze it again (e.g. with
    the roster as it is now); recorded in the audit trail with the discarded digests."""
    require_write(actor, task.lead_department_id)
    task = _locked(task)
    _require_status(task, Status.FROZEN)
    _discard_freeze(actor, task, "unfreeze")
    return task


# Fields of a task that may change until it is announced (the strata, items and departments
# come with the task or its plan entry).
EDITABLE_FIELDS = (
    "title",
    "window_start",
    "window_end",
    "slots",
    "lead_slot",
    "max_visits_per_inspector",
    "list_publication",
    "cross_office",
    "exclude_last_inspector",
)


@transaction.atomic
def task_update(*, actor: User, task: Task, **changes: Any) -> Task:
    """Edit a draft or frozen task that is not yet announced (``changes``: EDITABLE_FIELDS). A
    frozen task's freeze is discarded first (audited): it is frozen again afterwards."""
    require_write(actor, task.lead_department_id)
    if unknown := sorted(set(changes) - set(EDITABLE_FIELDS)):
        raise ValidationError(_("不能修改：%(fields)s。") % {"fields": "、".join(unknown)})
    task = _locked(task)
    _require_status(task, Status.DRAFT, Status.FROZEN)
    data = {field: getattr(task, field) for field in EDITABLE_FIELDS} | changes
    _check_bounds(data["window_start"], data["window_end"], task.frequency_cap_days)
    if task.plan_entry_id is not None:
        entry = task.plan_entry
        if data["window_start"] < entry.window_start or data["window_end"] > entry.window_end:
            raise ValidationError(
                _("任务的检查时间应在计划条目“%(code)s”的时间（%(start)s 至 %(end)s）之内。")
                % {"code": entry.code, "start": entry.window_start, "end": entry.window_end}
            )
    departments = list(task.participating_departments.all())
    versions = list(task.items.select_related("item").prefetch_related("required_qualifications"))
    data["slots"] = _clean_slots(data["slots"], data["lead_slot"], departments, versions)
    cap = data["max_visits_per_inspector"]
    if type(cap) is not int or cap < 1:
        raise ValidationError({"max_visits_per_inspector": [_("每名检查人员的任务上限必须是正整数。")]})
    data["title"] = (data["title"] or "").strip()
    if task.status == Status.FROZEN:
        _discard_freeze(actor, task, "edit")
    task, before, after = model_update(task, data)
    audit_record(
        actor=actor,
        action="draws.task.update",
        target=task,
        before=before,
        after=after,
        department_id=task.lead_department_id,
    )
    return task


@transaction.atomic
def task_announce(*, actor: User, task: Task) -> Task:
    """Take the server secret, publish the notice with the digests and the commitment."""
    require_write(actor, task.lead_department_id)
    task = _locked(task)
    _require_status(task, Status.FROZEN)
    draw = Draw.objects.select_for_update().get(task=task)
    if draw.server_secret:  # write-once; never reached through the status check
        raise ValidationError(_("服务器密钥已生成，不能更换。"))
    if draw.match_check is None:  # frozen before the check existed: check the frozen input now
        frozen = task.frozen_pool
        draw.match_check = _match_check(draw.input, frozen.roster, frozen.exclusion_pairs())
        draw.save(update_fields=["match_check"])
    if not draw.match_check["feasible"]:
        # Once the notice is public a failed match could only be undone by a public redraw.
        raise ValidationError(infeasible_message(draw.match_check), code="infeasible")
    draw.server_secret = engine.new_server_secret()
    draw.commitment = engine.commitment(draw.server_secret)
    draw.save(update_fields=["server_secret", "commitment"])
    now = timezone.now()
    task.status, task.announced_at = Status.ANNOUNCED, now
    update = ["status", "announced_at"]
    if task.list_publication == Task.ListPublication.WITH_NOTICE:
        # The list itself appears once drawn; "published with the notice" means no later step.
        task.list_published_at = now
        update.append("list_published_at")
    task.save(update_fields=update)
    # The secret stays out of the audit trail until the draw reveals it.
    audit_record(
        actor=actor,
        action="draws.task.announce",
        target=task,
        after={"status": task.status, "commitment": draw.commitment, "input_digest": draw.input_digest},
        department_id=task.lead_department_id,
    )
    return task


# --------------------------------------------------------------------------------- witnesses


@transaction.atomic
def witness_input_add(
    *,
    actor: User,
    task: Task,
    value: str,
    witness_user: User | None = None,
    witness_name: str = "",
    witness_department: Department | None = None,
) -> WitnessInput:
    """A witness's input, in entry order. A user with the witness role enters their own (under
    their first witness department); the operator (write access to the lead department) may
    type it for a named witness without an account, of a department of the task's region."""
    scope = scope_for(actor)
    for_witness = witness_user is not None or bool(witness_name)
    access.require_witness_entry(scope, task, for_witness=for_witness)
    if witness_department is not None and witness_department.region_id != task.lead_department.region_id:
        raise ValidationError({"witness_department": [_("见证人所在部门不属于本区划。")]})
    if not for_witness:
        department_id = scope.first_department_with_role(Membership.Role.WITNESS)
        if department_id is None:
            raise PermissionDenied(_("只有见证人可以录入自己的见证输入。"))
        user, name = actor, actor.display_name
    elif witness_user is not None:
        department_id = scope_for(witness_user).first_department_with_role(Membership.Role.WITNESS)
        if department_id is None:
            raise ValidationError(_("用户“%(name)s”没有见证人角色。") % {"name": witness_user.display_name})
        if witness_user.pk != actor.pk:
            # As with a typed name equal to theirs: the operator would speak for that person,
            # and the input would count as an independent witness's (issue 11, item 2).
            raise ValidationError(
                {
                    "witness_user": [
                        _("“%(name)s”是本平台的见证人账号，请由其本人登录录入见证人输入。")
                        % {"name": witness_user.display_name}
                    ]
                }
            )
        user, name = witness_user, witness_user.display_name
    else:
        name = normalise_name(witness_name)
        if not name:
            raise ValidationError({"witness_name": [_("请填写见证人姓名。")]})
        if witness_department is None:
            raise ValidationError(_("请选择见证人所在部门。"))
        if _is_witness_users_name(name, task.lead_department.region_id):
            # Typing it would let the operator speak for that person (and count them twice).
            raise ValidationError(
                {"witness_name": [_("“%(name)s”是本平台的见证人账号，请由其本人登录录入见证人输入。") % {"name": name}]}
            )
        user, department_id = None, witness_department.pk
    task = _locked(task)
    _require_status(task, Status.ANNOUNCED)
    if task.match_failed_at is not None:
        raise ValidationError(_("本任务匹配失败后不再接受见证人输入，请取消任务后重新创建。"))
    existing = list(task.witness_inputs.all())
    if user is not None and any(w.witness_user_id == user.pk for w in existing):
        raise ValidationError(_("见证人“%(name)s”已经录入过输入。") % {"name": name})
    if user is None and any(normalise_name(w.witness_name) == name for w in existing):
        raise ValidationError(_("见证人“%(name)s”已经录入过输入。") % {"name": name})
    position = len(existing) + 1
    try:
        value = engine.check_witness(value, position)
    except engine.DrawInputError as e:
        raise _invalid(e) from None
    row = WitnessInput(
        task=task,
        position=position,
        value=value,
        witness_user=user,
        witness_name=name,
        department_id=department_id,
        entered_by=actor,
        entered_at=timezone.now(),
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="draws.witness.add",
        target=row,
        after=snapshot(row),
        department_id=task.lead_department_id,
    )
    return row


def _is_witness_users_name(name: str, region_id: int) -> bool:
    """Whether ``name`` (normalised) is the name of an active user holding the witness role in
    a department of the region. Witness accounts are few: compared in Python, normalised."""
    holders = role_holders(Membership.Role.WITNESS).filter(department__region_id=region_id)
    return any(normalise_name(m.user.display_name) == name for m in holders)


def independent_witnesses(
    witnesses: Iterable[WitnessInput], own_departments: Mapping[int, set[int]] | None = None
) -> list[WitnessInput]:
    """The inputs that count towards a joint task's "witnesses from two departments": those the
    witness entered themselves, and those typed for a department the typist does not belong to.
    An operator typing names for their own department would otherwise meet the rule alone.
    ``own_departments`` (typist → departments, ``departments_of``) when read for many tasks at once."""
    witnesses = list(witnesses)
    if own_departments is None:
        own_departments = departments_of({w.entered_by_id for w in witnesses})
    return [
        w
        for w in witnesses
        if (w.witness_user_id is not None and w.witness_user_id == w.entered_by_id)
        or w.department_id not in own_departments.get(w.entered_by_id, set())
    ]


# ------------------------------------------------------------------------------------ drawing


def task_draw(*, actor: User, task: Task) -> Task:
    """Reveal the secret, compute the seed, draw the targets and match the teams, all or
    nothing. On a failed match nothing of the draw is saved; the attempt is recorded and a
    ValidationError names the target, the slot and a cap that would work."""
    require_write(actor, task.lead_department_id)
    try:
        return _draw(actor, task)
    except engine.MatchError as failure:
        _record_match_failure(actor, task, failure)
        raise ValidationError(str(failure), code="match_failed") from None


@transaction.atomic
def _draw(actor: User, task: Task) -> Task:
    task = _locked(task)
    draw = Draw.objects.select_for_update().get(task=task) if hasattr(task, "draw") else None
    if draw is not None and draw.is_drawn:
        raise ValidationError(_("任务“%(code)s”已经抽取，不能再次抽取。") % {"code": task.code}, code="drawn")
    _require_status(task, Status.ANNOUNCED)
    witnesses = list(task.witness_inputs.order_by("position"))
    if len(witnesses) < engine.MIN_WITNESSES:
        raise ValidationError(_("至少需要 %(n)s 名见证人的输入才能抽取。") % {"n": engine.MIN_WITNESSES})
    if task.is_joint and len({w.department_id for w in independent_witnesses(witnesses)}) < 2:
        raise ValidationError(
            _("联合抽查任务的见证人至少应来自两个部门（发起部门代为录入的本部门见证人不计入，请其本人登录录入）。")
        )
    frozen = task.frozen_pool
    pool = frozen.pool()
    pairs = frozen.exclusion_pairs()
    doc = draw.input
    try:
        seed = engine.seed(draw.input_digest, draw.server_secret, [w.value for w in witnesses])
        sizes = {s["name"]: engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]) for s in doc["strata"]}
        targets = engine.draw_targets([(name, pool[name], sizes[name]) for name in pool], seed)
        # The visits are written while the inspectors are matched, the members while the
        # record is saved (draw_writer.py). A failed match raises once the writing has
        # stopped, and the transaction takes back everything written.
        with DrawWriter(task, targets) as writer:
            teams = engine.match_inspectors(
                [t["id"] for t in targets], doc["match"]["slots"], frozen.roster, pairs, doc["match"]["cap"], seed
            )
            result = {"targets": targets, "teams": engine.teams_document(teams)}
            writer.write_members(result["teams"])
            draw.seed, draw.result, draw.drawn_at, draw.drawn_by = seed, result, timezone.now(), actor
            draw.save(update_fields=["seed", "result", "drawn_at", "drawn_by"])
    except engine.MatchError:
        raise
    except engine.DrawInputError as e:
        raise _invalid(e) from None
    before = snapshot(task, ["status"])
    task.status = Status.DRAWN
    task.save(update_fields=["status"])
    audit_change(
        actor=actor,
        action="draws.task.draw",
        target=task,
        before=before,
        after=snapshot(task, ["status"])
        | {
            "server_secret": draw.server_secret,
            "witnesses": [w.value for w in witnesses],
            "seed": seed,
            "targets": len(result["targets"]),
        },
        department_id=task.lead_department_id,
    )
    return task


@transaction.atomic
def _record_match_failure(actor: User, task: Task, failure: engine.MatchError) -> None:
    task = _locked(task)
    task.match_failed_at = timezone.now()
    task.save(update_fields=["match_failed_at"])
    audit_record(
        actor=actor,
        action="draws.task.match_failed",
        target=task,
        after={"target": failure.target, "slot": failure.slot, "suggested_cap": failure.suggested_cap},
        department_id=task.lead_department_id,
    )


# ------------------------------------------------------------------------- after the draw


@transaction.atomic
def task_cancel(*, actor: User, task: Task, reason: str) -> Task:
    """Cancel a task in any state; everything it had (a draw included) stays on record."""
    require_write(actor, task.lead_department_id)
    reason = clean_reason(reason, label=_("取消原因"), max_length=Task._meta.get_field("cancelled_reason").max_length)
    task = _locked(task)
    if task.status == Status.CANCELLED:
        raise ValidationError(_("任务“%(code)s”已经取消。") % {"code": task.code})
    task, before, after = model_update(
        task, {"status": Status.CANCELLED, "cancelled_at": timezone.now(), "cancelled_reason": reason}
    )
    audit_record(
        actor=actor,
        action="draws.task.cancel",
        target=task,
        before=before,
        after=after,
        department_id=task.lead_department_id,
    )
    signals.task_cancelled.send(sender=Task, actor=actor, task=task)  # e.g. its merged visits are dissolved
    return task


@transaction.atomic
def task_publish_list(*, actor: User, task: Task) -> Task:
    """Publish the drawn list (and with it the full record) of a task that chose to publish it
    after the visits."""
    require_write(actor, task.lead_department_id)
    task = _locked(task)
    _require_status(task, Status.DRAWN)
    if task.list_published_at is not None:
        raise ValidationError(_("抽取名单已经公布。"))
    # e.g. the deadlines app: a list published after the visits waits until every visit is done.
    publish_checks.run_list_publish_checks(task)
    task.list_published_at = timezone.now()
    task.save(update_fields=["list_published_at"])
    audit_record(
        actor=actor,
        action="draws.task.publish_list",
        target=task,
        after=snapshot(task, ["list_published_at"]),
        department_id=task.lead_department_id,
    )
    return task


# ---------------------------------------------------------------------------------- redraws


def _redraw_decision(actor: User, task: Task) -> Task:
    """The task locked, once the actor is found to be the region's coordinator (not the one who
    asked for the redraw: four eyes) and the redraw still awaits a decision."""
    scope = scope_for(actor)
    if not scope.can_read_department(task.lead_department_id):
        raise Http404
    if not access.can_decide_redraw(scope, task):
        raise PermissionDenied(_("只有联席会议办公室协调员可以审批重新抽取。"))
    task = _locked(task)
    if task.created_by_id == actor.pk:
        raise PermissionDenied(_("不能批准自己提出的重新抽取，须由另一名协调员审批。"))
    if task.redraw_status != Task.RedrawStatus.REQUESTED or task.status != Status.DRAFT:
        raise ValidationError(
            _("任务“%(code)s”没有待审批的重新抽取申请。") % {"code": task.code}, code="no_redraw_request"
        )
    return task


@transaction.atomic
def task_redraw_approve(*, actor: User, task: Task) -> Task:
    """The coordinator approves a redraw: from now on the task goes through the ceremony."""
    return _record_redraw_decision(actor, task, Task.RedrawStatus.APPROVED, {})


@transaction.atomic
def task_redraw_refuse(*, actor: User, task: Task, reason: str) -> Task:
    """The coordinator refuses a redraw, with the reason: the task is never frozen; the
    department cancels it."""
    reason = clean_reason(
        reason, label=_("不同意的原因"), max_length=Task._meta.get_field("redraw_decision_reason").max_length
    )
    return _record_redraw_decision(actor, task, Task.RedrawStatus.REFUSED, {"redraw_decision_reason": reason})


def _record_redraw_decision(actor: User, task: Task, status: str, extra: dict[str, Any]) -> Task:
    task = _redraw_decision(actor, task)
    task, before, after = model_update(
        task,
        {"redraw_status": status, "redraw_decided_by": actor, "redraw_decided_at": timezone.now(), **extra},
    )
    action = "draws.task.redraw_approve" if status == Task.RedrawStatus.APPROVED else "draws.task.redraw_refuse"
    audit_record(
        actor=actor,
        action=action,
        target=task,
        before=before,
        after=after | {"replaces": task.replaces_id},
        department_id=task.lead_department_id,
    )
    return task


# ------------------------------------------------------------------------- from a plan entry


@transaction.atomic
def task_create_from_entry(
    *,
    actor: User,
    entry: PlanEntry,
    slots: Iterable[Mapping[str, Any]],
    lead_slot: str,
    max_visits_per_inspector: int,
    list_publication: str,
    title: str | None = None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
    cross_office: bool = False,
    exclude_last_inspector: bool = True,
    replaces: Task | None = None,
    redraw_reason: str = "",
) -> Task:
    """A draft task made from a live entry of a published plan: departments, items (their
    published version now), scope, frequency cap and strata come from the entry; the window
    defaults to the entry's. The lead department's admin (or the coordinator) makes it."""
    require_write(actor, entry.lead_department_id)
    entry = PlanEntry.objects.select_related("plan").get(pk=entry.pk)
    if entry.plan.status != AnnualPlan.Status.PUBLISHED or entry.plan.retired_at is not None:
        raise ValidationError(_("只能从已公布的年度抽查计划的条目创建抽查任务。"))
    if entry.retired_at is not None:
        raise ValidationError(_("计划条目“%(code)s”已撤销，不能创建抽查任务。") % {"code": entry.code})
    versions: list[ItemVersion] = []
    for item in entry.items.select_related("current_version").order_by("code"):
        if item.current_version_id is None or item.retired_at is not None:
            raise ValidationError(_("事项“%(code)s”没有现行公布的版本或已停用。") % {"code": item.code})
        versions.append(item.current_version)
    start, end = window_start or entry.window_start, window_end or entry.window_end
    if start < entry.window_start or end > entry.window_end:
        # The published plan promised this window to the public: a task outside it needs the
        # entry adjusted first (with its reason on record), not a quiet exception here.
        raise ValidationError(
            _("任务的检查时间应在计划条目“%(code)s”的时间（%(start)s 至 %(end)s）之内。")
            % {"code": entry.code, "start": entry.window_start, "end": entry.window_end}
        )
    strata = [
        {
            "name": s.name,
            "filter": s.filter,  # the same language: checked again as a task stratum
            "ratio": s.ratio,
            "minimum": s.min_count,
            "maximum": s.max_count,
        }
        for s in entry.strata.filter(retired_at__isnull=True).order_by("position", "pk")
    ]
    return task_create(
        actor=actor,
        lead_department=entry.lead_department,
        title=(title or "").strip() or entry.name,
        items=versions,
        window_start=start,
        window_end=end,
        strata=strata,
        slots=slots,
        lead_slot=lead_slot,
        max_visits_per_inspector=max_visits_per_inspector,
        kind=Task.Kind.JOINT if entry.kind == PlanEntry.Kind.JOINT else entry.kind,
        participating_departments=list(entry.participating_departments.all()),
        scope=entry.scope,
        frequency_cap_days=entry.frequency_cap_days,
        list_publication=list_publication,
        cross_office=cross_office,
        exclude_last_inspector=exclude_last_inspector,
        plan_entry=entry,
        replaces=replaces,
        redraw_reason=redraw_reason,
    )


def task_record_download(*, actor: User, task: Task, full: bool) -> dict[str, Any] | None:
    """The draw record ``actor`` takes away: the full copy (with the exclusions, which name
    recusals) or the public one. A sensitive read, so it lands in the audit trail; None before
    the pool is frozen. The caller has decided, through the access helper, which copy is due."""
    record = record_for(task, public=False)
    if record is None:
        return None
    if not full:
        record = engine.public_copy(record)
    audit_record(
        actor=actor,
        action="draws.record.download",
        target=task,
        department_id=task.lead_department_id,
        after={"copy": "full" if full else "public", "status": task.status},
    )
    return record
