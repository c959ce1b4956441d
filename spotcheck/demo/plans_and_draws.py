"""The demo's annual plans (年度抽查计划) and draws (双随机), made through the real services with the
demo accounts as actors, so a newcomer finds records that went through every step a user takes.

Plans: 市场监管, 卫健, 消防救援, 应急管理 and 公安 each get a department plan for the anchor's year (default credit
strata on every entry), written by the department admin, approved by its approver, filed on time
with the coordinator and published; the coordinator makes the region's joint plan with one 联合
entry of 市场监管 and 卫健.

Draws: tasks copy an entry's items, scope and strata; teams are a 组长 slot and a member slot.
The roster decides which entries can be staffed (at small sizes some departments have no one
who may lead), and the cap follows from the pool and the roster so that the match cannot fail
whatever the seed. Two single-department draws, one joint draw, 消防's draw of public places
(else 公安's of hotels; the joint task covers those objects too, so the platform proposes
merged visits), and one task left announced for the ceremony in the UI. The second draw is
cancelled and drawn again (重新抽取, demo14): the department names the cancelled task and the
reason, the joint office's coordinator approves, the new task goes through the ceremony in the
next block; both task notices stay public and link each other. Witness inputs come
from the demo seed; the server secret is random by design, so the drawn lists differ between
loads while everything else is repeatable.

Merges (合并检查): the coordinator confirms one proposal, declines one and leaves the rest open
(/inspections/merges/). Proposals of objects both tasks draw whole (the D-credit strata, ratio 1) exist
whatever the secret and are decided first.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import scope_for
from spotcheck.catalog.models import InspectionItem
from spotcheck.demo.clock import InspectionDays, PlanMoments, Story, TaskMoments, clock_at
from spotcheck.demo.data.departments import JOINT_OFFICE_CODE
from spotcheck.demo.references import Frame
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.object_filter import object_filter_q, validate_scope
from spotcheck.directory.services import object_change_level
from spotcheck.draws.frequency import frequency_rule_set
from spotcheck.draws.models import Task, VisitMember
from spotcheck.draws.pool import LEAD_QUAL, filter_q, proposed_cap
from spotcheck.draws.services import (
    task_announce,
    task_cancel,
    task_create,
    task_draw,
    task_freeze,
    task_redraw_approve,
    task_update,
    witness_input_add,
)
from spotcheck.drawspec import engine
from spotcheck.inspections.selectors import MergeProposal, merge_proposals
from spotcheck.inspections.services import merge_proposal_decline, merged_visit_confirm
from spotcheck.inspectors.models import Inspector, Recusal
from spotcheck.planning.models import AnnualPlan, PlanEntry
from spotcheck.planning.services import (
    entry_add,
    entry_add_default_strata,
    plan_approve,
    plan_create,
    plan_file,
    plan_publish,
    plan_submit,
)

User = get_user_model()
LEAD_SLOT = "组长"
MEMBER_SLOT = "组员"
GENERAL_QUALIFICATION = "general_enforcement"  # 行政执法资格（综合）
# How long the windows of the tasks still open run after the load day (calendar days).
TASK_WINDOW_DAYS = 60


@dataclass(frozen=True)
class DemoEntry:
    code: str  # within the plan; the year is prefixed
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class DemoPlan:
    department: str
    entries: tuple[DemoEntry, ...]


DEMO_YEARLY_CAP = 2  # draws per object per year, all departments together

# In order of preference for a draw: the first entries of a department that the roster can
# staff are drawn (the first single-department plans) or left announced.
DEPARTMENT_PLANS: tuple[DemoPlan, ...] = (
    DemoPlan(
        "SCJG",
        (
            DemoEntry("01", "药品零售企业监督检查", ("SCJG-005",)),
            DemoEntry("02", "食品销售者监督检查", ("SCJG-001",)),
            DemoEntry("03", "企业公示信息抽查", ("SCJG-011",)),
        ),
    ),
    DemoPlan(
        "WSJK",
        (
            DemoEntry("01", "医疗机构依法执业监督检查", ("WSJK-002",)),
            DemoEntry("02", "公共场所卫生监督检查", ("WSJK-001",)),
        ),
    ),
    DemoPlan(
        "XF",
        (
            DemoEntry("01", "消防安全重点单位监督检查", ("XF-001",)),
            DemoEntry("02", "人员密集场所消防安全检查", ("XF-002",)),
        ),
    ),
    DemoPlan(
        "YJGL",
        (
            DemoEntry("01", "危险化学品经营企业安全生产检查", ("YJGL-001",)),
            DemoEntry("02", "工贸企业安全生产检查", ("YJGL-002",)),
        ),
    ),
    DemoPlan("GA", (DemoEntry("01", "旅馆业治安管理检查", ("GA-001",)),)),
)
JOINT_ENTRY = DemoEntry("01", "餐饮服务和公共场所食品安全与卫生联合抽查", ("SCJG-002", "WSJK-001"))
# The joint plan's second entry: its task is made and frozen, not yet announced, so its page
# shows the freeze's match check (匹配可行性检查) before the notice goes public.
JOINT_FROZEN_ENTRY = DemoEntry("02", "商场超市食品安全和公共场所卫生联合抽查", ("SCJG-001", "WSJK-001"))
JOINT_ENTRIES = (JOINT_ENTRY, JOINT_FROZEN_ENTRY)
JOINT_DEPARTMENTS = ("SCJG", "WSJK")
JOINT_WITNESSES = ("witness", "wsjk_witness")  # from two departments, as a joint draw requires
WITNESSES = ("witness", "witness2")
# Drawn to show 合并检查 (进一次门，查多项事), the first one the roster can staff: 消防's check of
# public places (XF-002), else 公安's of hotels (GA-001), both covering objects the joint
# 市场监管–卫健 task covers too, with items that task does not have (the frequency cap only
# removes objects drawn for the same item). Both tasks draw their D-credit stratum at ratio 1,
# so every active D-credit object of both pools is drawn by both, whatever the server secret:
# those proposals exist on every load of the same seed and size.
MERGE_ENTRIES = (("XF", "02"), ("GA", "01"))
MERGE_CONFIRM_NOTE = "%s同日进场，一次完成各自的抽查事项（进一次门，查多项事）。"
CANCEL_UNSTAFFABLE = "按冻结的名单，检查组岗位无法保证配齐检查人员，取消后另行安排。"
# The redraw (重新抽取, demo14): the department cancels a drawn task and asks to draw again; the
# joint office approves; the new task goes through the whole ceremony. Both stay public, linked.
REDRAW_CANCEL_REASON = "对象库冻结时遗漏了本年度新纳入监管的对象，抽取名单不完整，经研究取消本次抽取。"
REDRAW_REASON = "原任务冻结对象库时遗漏了本年度新纳入监管的对象，补正对象库后重新抽取。"
# Minutes after the cancelled task's draw that it is cancelled (before the next task is made).
REDRAW_CANCEL_AFTER = dt.timedelta(minutes=5)
# Minutes after the redraw is asked for that the joint office approves it (before its freeze).
REDRAW_APPROVE_AFTER = dt.timedelta(minutes=10)
MERGE_DECLINE_REASON = "各部门检查所需的专业设备和检查时段不同，经协调由各部门分别安排进场。"
# gaps14 (issue 14, item 10): an enterprise with results of two departments on every load. The
# joint draw and the draw overlapping it take their D-credit strata whole, so an active D-credit
# object in both pools is drawn by both whatever the secret. A small directory may have none
# there: before the first task, the credit reference system then downgrades one object of both
# pools (through the directory's level service, as a user would), and the draws do the rest.
SHARED_CREDIT_REASON = "被列入严重违法失信名单，信用风险分类调整为D类（高风险）。"
SHARED_CREDIT_SOURCE = "国家企业信用信息公示系统"
SHARED_CREDIT_BEFORE_TASKS = dt.timedelta(minutes=20)


def witness_value(seed: object, task_code: str, position: int) -> str:
    """A witness input from the demo seed: like a dice roll, 12 decimal digits."""
    digest = hashlib.sha256(f"{seed}:{task_code}:{position}".encode()).hexdigest()
    return str(int(digest, 16))[:12]


# ----------------------------------------------------------------------------------- plans


def _publish_all(plans: list[tuple[AnnualPlan, Any, Any]], *, coordinator: Any, moments: PlanMoments) -> None:
    """``plans`` as (plan, writer, approver): each submitted by its writer, approved by another
    user (four eyes), filed and published by the joint office, every plan taking one step
    before any takes the next, at the story's moments (so the audit trail reads in time order)."""
    steps = (
        ("submitted", lambda plan, writer, approver, when: plan_submit(actor=writer, plan=plan, at=when)),
        ("approved", lambda plan, writer, approver, when: plan_approve(actor=approver, plan=plan, at=when)),
        ("filed", lambda plan, writer, approver, when: plan_file(actor=coordinator, plan=plan, at=when)),
        ("published", lambda plan, writer, approver, when: plan_publish(actor=coordinator, plan=plan, at=when)),
    )
    for name, step in steps:
        for position, (plan, writer, approver) in enumerate(plans):
            with clock_at(moments.step(name, position)) as when:
                plans[position] = (step(plan, writer, approver, when), writer, approver)


def shared_scope(items: Sequence[InspectionItem]) -> dict[str, list[str]]:
    """An entry scope holding every object of its items' scopes: the keys all of them restrict,
    each with the codes of any of them. Besides saying what the entry covers, it keeps the
    frozen pool's list of excluded objects to that range instead of the whole directory."""
    scopes = [item.current_version.scope for item in items]
    keys = set.intersection(*(set(scope) for scope in scopes)) if scopes else set()
    return {key: sorted({code for scope in scopes for code in scope[key]}) for key in sorted(keys)}


def _add_entry(
    *, actor: Any, plan: AnnualPlan, spec: DemoEntry, prefix: str, year: int, kind: str, lead: Department, others=()
) -> PlanEntry:
    items = list(InspectionItem.objects.filter(code__in=spec.items).select_related("current_version").order_by("code"))
    entry = entry_add(
        actor=actor,
        plan=plan,
        code=f"{prefix}-{year}-{spec.code}",
        name=spec.name,
        kind=kind,
        items=items,
        lead_department=lead,
        participating_departments=others,
        window_start=dt.date(year, 1, 1),
        window_end=dt.date(year, 12, 31),
        scope=shared_scope(items),
    )
    entry_add_default_strata(actor=actor, entry=entry)
    return entry


def create_plans(
    *, frame: Frame, actors: dict[str, Any], year: int, moments: PlanMoments
) -> tuple[dict[str, list[PlanEntry]], list[PlanEntry]]:
    """The department plans and the joint plan, published; returns the entries per department
    (in preference order) and the joint plan's entries."""
    coordinator = actors["coordinator"]
    entries: dict[str, list[PlanEntry]] = {}
    drafted: list[tuple[AnnualPlan, Any, Any]] = []
    for position, spec in enumerate(DEPARTMENT_PLANS):
        department = frame.departments[spec.department]
        admin = actors[f"{spec.department.lower()}_admin"]
        with clock_at(moments.step("drafted", position)) as when:
            plan = plan_create(
                actor=admin,
                year=year,
                title=f"{department.short_name}{year}年度双随机抽查计划",
                department=department,
                at=when,
            )
            entries[spec.department] = [
                _add_entry(
                    actor=admin,
                    plan=plan,
                    spec=entry,
                    prefix=spec.department,
                    year=year,
                    kind=PlanEntry.Kind.ROUTINE,
                    lead=department,
                )
                for entry in spec.entries
            ]
        drafted.append((plan, admin, actors[f"{spec.department.lower()}_approver"]))
    lead, *others = (frame.departments[code] for code in JOINT_DEPARTMENTS)
    with clock_at(moments.step("drafted", len(drafted))) as when:
        joint_plan = plan_create(
            actor=coordinator,
            year=year,
            title=f"{frame.county.name}{year}年度部门联合抽查计划",
            region=frame.county,
            at=when,
        )
        joint_entries = [
            _add_entry(
                actor=coordinator,
                plan=joint_plan,
                spec=spec,
                prefix="LH",
                year=year,
                kind=PlanEntry.Kind.JOINT,
                lead=lead,
                others=others,
            )
            for spec in JOINT_ENTRIES
        ]
    # The coordinator made and submitted the joint plan: the 分管领导 of the department hosting
    # the joint office approves it.
    drafted.append((joint_plan, coordinator, actors[f"{JOINT_OFFICE_CODE.lower()}_approver"]))
    _publish_all(drafted, coordinator=coordinator, moments=moments)
    return entries, joint_entries


# ----------------------------------------------------------------------------------- tasks


@dataclass
class TaskDesign:
    """What task_create needs beyond the entry: the team and a cap the match check passes."""

    slots: list[dict[str, Any]]
    cap: int


def _task_strata(entry: PlanEntry) -> list[dict[str, Any]]:
    """The entry's strata as task strata (a plan stratum's filter is a task stratum's too)."""
    strata = []
    for stratum in entry.strata.filter(retired_at__isnull=True).order_by("position"):
        strata.append(
            {
                "name": stratum.name,
                "filter": dict(stratum.filter),
                "ratio": stratum.ratio,
                "minimum": stratum.min_count,
                "maximum": stratum.max_count,
            }
        )
    return strata


def _entry_objects(entry: PlanEntry) -> QuerySet[InspectionObject]:
    """The active objects of the entry's scope and of one of its items' scopes: its pool before
    the frequency cap (which only removes)."""
    universe = InspectionObject.objects.filter(object_filter_q(validate_scope(entry.scope))).filter(
        retired_at__isnull=True, status=InspectionObject.Status.ACTIVE
    )
    in_scope = universe.none()
    for item in entry.items.select_related("current_version"):
        in_scope = in_scope | universe.filter(object_filter_q(validate_scope(item.current_version.scope)))
    return in_scope


def _most_targets(entry: PlanEntry, strata: list[dict[str, Any]], now: dt.datetime) -> int:
    """An upper bound of the draw's size: the pool before the frequency cap (which only removes)."""
    in_scope = _entry_objects(entry)
    placed: set[int] = set()
    total = 0
    for stratum in strata:
        ids = set(in_scope.filter(filter_q(stratum["filter"], now)).values_list("pk", flat=True)) - placed
        placed |= ids
        total += engine.sample_size(len(ids), stratum["ratio"], stratum["minimum"], stratum["maximum"])
    return total


def _roster(departments: Sequence[str], day: dt.date) -> list[tuple[int, str, set[str]]]:
    """(pk, department code, qualifications as the draw sees them) of the matchable inspectors."""
    people = (
        Inspector.objects.filter(Inspector.matchable_q(day), department__code__in=departments)
        .select_related("department")
        .prefetch_related("qualifications")
    )
    return [
        (p.pk, p.department.code, {q.code for q in p.qualifications.all()} | ({LEAD_QUAL} if p.can_lead else set()))
        for p in people
    ]


def _excluded_per_object(entry: PlanEntry) -> dict[int, set[int]]:
    """Inspectors a drawn object may not get: recusals and the last team for the same items."""
    excluded: dict[int, set[int]] = defaultdict(set)
    for object_id, inspector_id in Recusal.objects.filter(ended_at__isnull=True).values_list(
        "inspection_object_id", "inspector_id"
    ):
        excluded[object_id].add(inspector_id)
    # Objects drawn for the same items within the frequency cap are not in the pool at all.
    item_ids = list(entry.items.values_list("pk", flat=True))
    for object_id, inspector_id in VisitMember.objects.filter(
        visit__task__status=Task.Status.DRAWN,
        visit__task__items__item_id__in=item_ids,
        visit__task__draw__drawn_at__lt=timezone.now() - dt.timedelta(days=entry.frequency_cap_days),
    ).values_list("visit__inspection_object_id", "inspector_id"):
        excluded[object_id].add(inspector_id)
    return excluded


def _fewest_left(
    slots: list[dict[str, Any]], roster: list[tuple[int, str, set[str]]], excluded: dict[int, set[int]]
) -> int:
    """The fewest inspectors any slot can still choose from on its worst target."""
    fewest = len(roster)
    for position, slot in enumerate(slots):
        wanted = set(slot["quals"]) | ({LEAD_QUAL} if slot["name"] == LEAD_SLOT else set())
        eligible = {pk for pk, dept, held in roster if dept == slot["dept"] and wanted <= held}
        earlier = sum(1 for s in slots[:position] if s["dept"] == slot["dept"])
        worst = max((len(eligible & people) for people in excluded.values()), default=0)
        fewest = min(fewest, len(eligible) - earlier - worst)
    return fewest


def _candidate_teams(entry: PlanEntry, needed: dict[str, set[str]]) -> list[list[dict[str, Any]]]:
    """Teams to try, best first. A single department's task: 组长 and 组员 both qualified for
    the items; else one of them with the general enforcement qualification only. A joint task:
    a qualified 组长 of the lead department and one inspector of each other department; else a
    组长 with the general qualification and a qualified inspector of the lead department."""
    lead = entry.lead_department
    quals = sorted(needed[lead.code])
    general = sorted(set(quals) & {GENERAL_QUALIFICATION})

    def slot(name: str, dept: str, wanted: list[str]) -> dict[str, Any]:
        return {"name": name, "dept": dept, "quals": wanted}

    if entry.kind != PlanEntry.Kind.JOINT:
        code = lead.code
        teams = [[slot(LEAD_SLOT, code, quals), slot(MEMBER_SLOT, code, quals)]]
        if general != quals:
            teams.append([slot(LEAD_SLOT, code, quals), slot(MEMBER_SLOT, code, general)])
            teams.append([slot(LEAD_SLOT, code, general), slot(MEMBER_SLOT, code, quals)])
        return teams
    others = [
        slot(f"{d.short_name}检查员", d.code, sorted(needed[d.code]))
        for d in entry.participating_departments.order_by("code")
    ]
    teams = [[slot(LEAD_SLOT, lead.code, quals), *others]]
    if general != quals:
        teams.append([slot(LEAD_SLOT, lead.code, general), slot(f"{lead.short_name}检查员", lead.code, quals), *others])
    return teams


def design_task(entry: PlanEntry, strata: list[dict[str, Any]], window_start: dt.date) -> TaskDesign | None:
    """Slots the roster can fill and the cap the task form proposes (``pool.proposed_cap``: the
    smallest with which the teams can be filled whatever the seed), or None when the roster
    cannot staff the entry or its pool is empty. The freeze checks the cap again against the
    frozen pool, roster and exclusions (``_freeze``)."""
    needed: dict[str, set[str]] = defaultdict(set)
    for item in entry.items.select_related("department", "current_version"):
        needed[item.department.code] |= {q.code for q in item.current_version.required_qualifications.all()}
    departments = [entry.lead_department.code, *(d.code for d in entry.participating_departments.all())]
    roster = _roster(departments, window_start)
    excluded = _excluded_per_object(entry)
    for slots in _candidate_teams(entry, needed):
        if _fewest_left(slots, roster, excluded) >= 1:
            break
    else:
        return None
    now = timezone.now()
    if _most_targets(entry, strata, now) == 0:
        return None
    cap = proposed_cap(scope=entry.scope, strata=strata, slots=slots, lead_slot=LEAD_SLOT, day=window_start, now=now)
    return TaskDesign(slots=slots, cap=cap)


def _task_from_entry(
    *,
    actor: Any,
    entry: PlanEntry,
    window: tuple[dt.date, dt.date],
    list_publication: str,
    replaces: Task | None = None,
    redraw_reason: str = "",
) -> Task | None:
    strata = _task_strata(entry)
    design = design_task(entry, strata, window[0])
    if design is None:
        return None
    return task_create(
        actor=actor,
        lead_department=entry.lead_department,
        title=entry.name,
        items=[item.current_version for item in entry.items.select_related("current_version").order_by("code")],
        window_start=window[0],
        window_end=window[1],
        strata=strata,
        slots=design.slots,
        lead_slot=LEAD_SLOT,
        max_visits_per_inspector=design.cap,
        kind=Task.Kind.JOINT if entry.kind == PlanEntry.Kind.JOINT else Task.Kind.ROUTINE,
        participating_departments=list(entry.participating_departments.all()),
        scope=entry.scope,
        frequency_cap_days=entry.frequency_cap_days,
        list_publication=list_publication,
        # The task says which entry it carries out: two entries with the same items and scope
        # are two inspections, not a redraw of one another (issue 11, item 1).
        plan_entry=entry,
        replaces=replaces,
        redraw_reason=redraw_reason,
    )


class Stage(enum.Enum):
    """How far a demo task's ceremony goes."""

    FROZEN = "frozen"
    ANNOUNCED = "announced"
    DRAWN = "drawn"


def _freeze(*, actor: Any, task: Task) -> Task | None:
    """Freeze; when the frozen pool, roster and exclusions need a higher cap than the form's
    (its estimate leaves the exclusions out), set the cap the page proposes and freeze again,
    as an operator would. None when no cap helps (the task is cancelled, on record)."""
    task = task_freeze(actor=actor, task=task)
    check = task.draw.match_check
    if check["feasible"]:
        return task
    if check["suggested_cap"] is None:
        task_cancel(actor=actor, task=task, reason=CANCEL_UNSTAFFABLE)
        return None
    task = task_update(actor=actor, task=task, max_visits_per_inspector=check["suggested_cap"])
    return task_freeze(actor=actor, task=task)


def _ceremony(
    *, actor: Any, task: Task, seed: object, witnesses: Sequence[Any], stage: Stage, moments: TaskMoments
) -> Task | None:
    """The ceremony up to ``stage``, each step at its moment of the story."""
    with clock_at(moments.frozen):
        task = _freeze(actor=actor, task=task)
    if task is None or stage == Stage.FROZEN:
        return task
    with clock_at(moments.announced):
        task = task_announce(actor=actor, task=task)
    if stage == Stage.ANNOUNCED:
        return task
    for position, (witness, when) in enumerate(zip(witnesses, moments.inputs, strict=True), start=1):
        with clock_at(when):
            witness_input_add(actor=witness, task=task, value=witness_value(seed, task.code, position))
    with clock_at(moments.drawn):
        return task_draw(actor=actor, task=task)


def _window(start: dt.date, end: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """``start``–``end`` kept within the plan's year (its entries' window)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = min(max(start, first), last)
    return start, min(max(end, start), last)


@dataclass(frozen=True)
class Windows:
    """The tasks' inspection windows (``clock.InspectionDays``): the drawn tasks' start after the
    last draw; the first one's has just ended on the load day (its visits not done are late),
    the joint task's ends within the warning days, the others' run on; the tasks not drawn yet
    start after the load day."""

    first: tuple[dt.date, dt.date]
    joint: tuple[dt.date, dt.date]
    running: tuple[dt.date, dt.date]
    later: tuple[dt.date, dt.date]
    # A second round of a drawn entry: after every window above (else it would be a redraw).
    after: tuple[dt.date, dt.date]

    @classmethod
    def of(cls, days: InspectionDays, year: int) -> Windows:
        ahead = days.today + dt.timedelta(days=TASK_WINDOW_DAYS)
        return cls(
            first=_window(days.start, days.last, year),
            joint=_window(days.start, days.soon_end, year),
            running=_window(days.start, ahead, year),
            later=_window(days.today + dt.timedelta(days=1), ahead, year),
            after=_window(ahead + dt.timedelta(days=1), ahead + dt.timedelta(days=1 + TASK_WINDOW_DAYS), year),
        )


# ----------------------------------------------------------------------------------- merges

# Proposals are looked at a page at a time (a large demo has thousands).
_PROPOSAL_PAGE = 100


def _drawn_whatever_the_secret(proposal: MergeProposal) -> bool:
    """Every visit of the proposal comes from a stratum drawn whole (ratio 1, no maximum)."""
    return all(v.stratum.ratio == "1" and v.stratum.maximum is None for v in proposal.visits)


def _proposals_to_decide(coordinator: Any, wanted: int) -> tuple[list[MergeProposal], int]:
    """Up to ``wanted`` proposals, those whose visits were certain to be drawn first (so the
    same objects are confirmed and declined on every load of a seed), then the others, each
    group in the page's order; and how many proposals there are."""
    proposals = merge_proposals(scope_for(coordinator))
    certain: list[MergeProposal] = []
    others: list[MergeProposal] = []
    for start in range(0, len(proposals), _PROPOSAL_PAGE):
        for proposal in proposals[start : start + _PROPOSAL_PAGE]:
            (certain if _drawn_whatever_the_secret(proposal) else others).append(proposal)
        if len(certain) >= wanted:
            break
    return (certain + others)[:wanted], len(proposals)


def _departments(proposal: MergeProposal) -> str:
    """The departments of a proposal's tasks, leads first: “市场监管、卫健、消防救援”."""
    names = dict.fromkeys(
        department.short_name
        for visit in proposal.visits
        for department in (visit.task.lead_department, *visit.task.participating_departments.all())
    )
    return "、".join(names)


def _drawn_whole(entry: PlanEntry) -> list[dict[str, Any]]:
    """The filters of the entry's strata drawn whole (ratio 1, no maximum)."""
    return [s["filter"] for s in _task_strata(entry) if str(s["ratio"]) in ("1", "1.0") and s["maximum"] is None]


def ensure_drawn_by_both(
    *, actor: Any, joint: PlanEntry, overlapping: Sequence[PlanEntry], when: dt.datetime
) -> list[int]:
    """Make sure that for each of ``overlapping`` an active object in its pool and the joint
    entry's falls in a stratum both draw whole (see ``SHARED_CREDIT_REASON``): where none does,
    the object of both pools with the smallest id (an enterprise, preferably in every pool) gets
    the joint entry's whole-drawn credit level. Returns the ids of the objects changed."""
    whole = [f for f in _drawn_whole(joint) if set(f) == {"credit_levels"} and len(f["credit_levels"]) == 1]
    if not whole:
        return []
    level = whole[0]["credit_levels"][0]
    joint_pool = _entry_objects(joint)
    missing = []
    for entry in overlapping:
        if whole[0] not in _drawn_whole(entry):
            continue
        both = joint_pool.filter(pk__in=_entry_objects(entry).values("pk"))
        if not both.filter(credit_level=level).exists():
            missing.append(both)
    changed: list[int] = []
    enterprise = InspectionObject.Kind.ENTERPRISE
    while missing:
        # An object in as many of the missing intersections as there are, then the first.
        common = missing[0]
        for both in missing[1:]:
            narrower = common.filter(pk__in=both.values("pk"))
            if narrower.exists():
                common = narrower
        obj = common.filter(kind=enterprise).order_by("pk").first() or common.order_by("pk").first()
        if obj is None:
            missing.pop(0)
            continue
        with clock_at(when):
            object_change_level(
                actor=actor,
                obj=obj,
                field="credit_level",
                new_value=level,
                effective_on=timezone.localdate(when),
                reason=SHARED_CREDIT_REASON,
                source=SHARED_CREDIT_SOURCE,
            )
        changed.append(obj.pk)
        missing = [both for both in missing if not both.filter(pk=obj.pk).exists()]
    return changed


def review_merges(*, coordinator: Any) -> dict[str, int]:
    """联席办 reviews the merge proposals (合并建议): confirms one (a merged visit), declines one
    with a reason and leaves the rest open, so the merges page shows all three. With fewer
    proposals (a small demo), at least one is left open: two give a confirmation and an open
    one, one stays open."""
    chosen, total = _proposals_to_decide(coordinator, 2)
    confirmed = declined = 0
    if total >= 2:
        note = MERGE_CONFIRM_NOTE % _departments(chosen[0])
        merged_visit_confirm(actor=coordinator, visits=chosen[0].visit_ids, note=note)
        confirmed = 1
    if total >= 3:
        merge_proposal_decline(actor=coordinator, visits=chosen[1].visit_ids, reason=MERGE_DECLINE_REASON)
        declined = 1
    still_open = len(merge_proposals(scope_for(coordinator))) if confirmed else total
    return {"merged_visits": confirmed, "merge_declines": declined, "merge_proposals_open": still_open}


def create_plans_and_draws(
    *, seed: object, frame: Frame, users: dict[str, int], anchor: dt.date, story: Story
) -> dict[str, int]:
    """Plans for the anchor's year, then the tasks: two single-department draws (the second
    publishes its list after the visits), one joint draw, a draw overlapping the joint one, one
    task waiting for witnesses and one joint task left frozen; then the coordinator's decisions
    on the merge proposals. Each step at its moment of ``story``."""
    year = anchor.year
    actors = User.objects.in_bulk(list(users.values()))
    actors = {name: actors[pk] for name, pk in users.items()}
    entries, joint_entries = create_plans(frame=frame, actors=actors, year=year, moments=story.plans)
    windows = Windows.of(story.inspections, year)
    counts = {
        "plans": len(DEPARTMENT_PLANS) + 1,
        "plan_entries": sum(map(len, entries.values())) + len(joint_entries),
    }
    reached = dict.fromkeys(Stage, 0)
    blocks = list(story.tasks)  # each task created takes the next one
    made: list[Task] = []

    def run(
        entry: PlanEntry, publication: str, witnesses: Sequence[str], stage: Stage, when: tuple[dt.date, dt.date]
    ) -> bool:
        if not blocks:
            return False
        admin = actors[f"{entry.lead_department.code.lower()}_admin"]
        moments = blocks[0]
        with clock_at(moments.created):
            task = _task_from_entry(actor=admin, entry=entry, window=when, list_publication=publication)
        if task is None:
            return False
        blocks.pop(0)
        people = [actors[name] for name in witnesses]
        done = _ceremony(actor=admin, task=task, seed=seed, witnesses=people, stage=stage, moments=moments)
        if done is None:
            return False
        reached[stage] += 1
        made.append(done)
        return True

    def redraw(entry: PlanEntry, publication: str, when: tuple[dt.date, dt.date]) -> bool:
        """The task just drawn from ``entry`` cancelled and drawn again (重新抽取): the department
        cancels it and makes the redraw naming it with the reason, the joint office approves, the
        ceremony runs in the next block. The drawn count stays (one drawn task replaces another)."""
        old = made[-1] if made else None
        if not blocks or old is None or old.plan_entry_id != entry.pk:
            return False
        if design_task(entry, _task_strata(entry), when[0]) is None:
            return False
        admin = actors[f"{entry.lead_department.code.lower()}_admin"]
        moments = blocks[0]
        drawn_at = Task.objects.select_related("draw").get(pk=old.pk).draw.drawn_at
        with clock_at(drawn_at + REDRAW_CANCEL_AFTER):
            task_cancel(actor=admin, task=old, reason=REDRAW_CANCEL_REASON)
        with clock_at(moments.created):
            task = _task_from_entry(
                actor=admin,
                entry=entry,
                window=when,
                list_publication=publication,
                replaces=old,
                redraw_reason=REDRAW_REASON,
            )
        if task is None:
            return False
        blocks.pop(0)
        with clock_at(moments.created + REDRAW_APPROVE_AFTER):
            task = task_redraw_approve(actor=actors["coordinator"], task=task)
        people = [actors[name] for name in WITNESSES]
        done = _ceremony(actor=admin, task=task, seed=seed, witnesses=people, stage=Stage.DRAWN, moments=moments)
        if done is not None:
            made.append(done)
        return done is not None

    with_notice, after_visits = Task.ListPublication.WITH_NOTICE, Task.ListPublication.AFTER_VISITS
    used: set[int] = set()
    by_code = {entry.code: entry for department in entries.values() for entry in department}
    overlapping = [by_code[f"{department}-{year}-{code}"] for department, code in MERGE_ENTRIES]
    if blocks:
        # gaps14: the enterprise with results of two departments, on every load.
        changed = ensure_drawn_by_both(
            actor=actors["coordinator"],
            joint=joint_entries[0],
            overlapping=overlapping,
            when=blocks[0].created - SHARED_CREDIT_BEFORE_TASKS,
        )
        counts["objects_downgraded_for_joint_overlap"] = len(changed)

    def first(
        candidates: list[PlanEntry],
        publication: str,
        witnesses: Sequence[str],
        stage: Stage,
        when: tuple[dt.date, dt.date],
    ) -> PlanEntry | None:
        for entry in candidates:
            if entry.pk not in used and run(entry, publication, witnesses, stage, when):
                used.add(entry.pk)
                return entry
        return None

    # Two single-department draws, 市场监管's first, the second of another department if its
    # roster can staff one; then the joint draw; then one task left announced.
    singles = [entry for spec in DEPARTMENT_PLANS for entry in entries[spec.department]]
    drawn = Stage.DRAWN
    done = first(singles, with_notice, WITNESSES, drawn, windows.first)
    other_first = sorted(singles, key=lambda e: done is not None and e.lead_department_id == done.lead_department_id)
    second = first(other_first, after_visits, WITNESSES, drawn, windows.running)
    # demo14: the second draw is cancelled and drawn again, so the portal shows a redraw.
    redrawn = second is not None and redraw(second, after_visits, windows.running)
    first(joint_entries[:1], with_notice, JOINT_WITNESSES, drawn, windows.joint)
    # Another department's draw over objects the joint task covers, for merge proposals
    # (unless one was drawn above already).
    if not any(e.pk in used for e in overlapping):
        first(overlapping, with_notice, WITNESSES, drawn, windows.running)
    # Preferably an entry not drawn yet; else a second round of a drawn one (its drawn objects
    # are out of the pool: 无事不扰), in the window after: in the same window it would be a
    # redraw, which needs the first task cancelled and the joint office's approval.
    latest_end = max(windows.first[1], windows.joint[1], windows.running[1], windows.later[1])
    if first(singles, with_notice, (), Stage.ANNOUNCED, windows.later) is None and windows.after[0] > latest_end:
        used.clear()
        first(singles, with_notice, (), Stage.ANNOUNCED, windows.after)
    # The joint plan's other entry, made and frozen: its page shows the match check.
    first(joint_entries[1:], with_notice, (), Stage.FROZEN, windows.later)
    counts.update(
        {
            "tasks_drawn": reached[Stage.DRAWN],
            "tasks_announced": reached[Stage.ANNOUNCED],
            "tasks_frozen": reached[Stage.FROZEN],
            "tasks_redrawn": int(redrawn),
        }
    )
    with clock_at(story.merges):
        counts.update(review_merges(coordinator=actors["coordinator"]))
    # 无事不扰: the joint office's yearly cap, set last so the draws above are the same with or
    # without it; it shows on the rule page and the portal, and applies to later freezes.
    with clock_at(story.rule):
        frequency_rule_set(actor=actors["coordinator"], max_draws_per_year=DEMO_YEARLY_CAP)
    return counts
