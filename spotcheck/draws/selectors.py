"""Reading tasks: what a user may see, the pool explanation and the published record."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import Scope
from spotcheck.audit.models import AuditEntry
from spotcheck.directory.filters import object_text_q
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.exclusions import ExcludedObjects, exclusion_counts
from spotcheck.draws.idlist import IdList
from spotcheck.draws.models import FrozenStratum, PoolExclusionGroup, Task, Visit, VisitMember, WitnessInput
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Inspector, Qualification
from spotcheck.planning.models import AnnualPlan, PlanEntry

Role = Membership.Role


def tasks_for_scope(scope: Scope) -> QuerySet[Task]:
    """Tasks led or joined by a department the scope reads as staff (joint tasks are visible to
    every participant), and those it witnesses in a department where it is only a witness
    (``witnessed_tasks``)."""
    tasks = Task.objects.select_related("lead_department")
    if scope.reads_all:
        return tasks
    departments = scope.data_read_departments or frozenset()
    readable = Q(lead_department_id__in=departments) | Q(participating_departments__in=departments)
    if scope.witness_only_departments:
        readable |= witnessed_tasks(scope)
    return tasks.filter(readable).distinct()


def witnessed_tasks(scope: Scope) -> Q:
    """The tasks a witness reads where it holds no other role (issue 11, item 4: a witness is
    often an outsider): those waiting for witness input in which it may enter its own —
    announced, led or joined by a department where it is a witness, the match not failed — and
    those it entered its input for. A draft or frozen task is not public yet; a task drawn
    without it is on the portal like any other."""
    return _open_for_witness_input(scope) | _own_input(scope)


def _open_for_witness_input(scope: Scope) -> Q:
    departments = scope.departments_with_role(Role.WITNESS)
    return Q(
        Q(lead_department_id__in=departments) | Q(participating_departments__in=departments),
        status=Task.Status.ANNOUNCED,
        match_failed_at__isnull=True,
    )


def _own_input(scope: Scope) -> Exists:
    return Exists(WitnessInput.objects.filter(task=OuterRef("pk"), witness_user_id=scope.user_id))


def tasks_awaiting_witness(scope: Scope) -> QuerySet[Task]:
    """The home page's 待见证: announced tasks waiting for the scope's own witness input,
    oldest notice first."""
    if not scope.has_role(Role.WITNESS):
        return Task.objects.none()
    return (
        Task.objects.filter(_open_for_witness_input(scope) & ~_own_input(scope))
        .select_related("lead_department")
        .distinct()
        .order_by("created_at", "pk")
    )


def pool_exclusions(task: Task, reason: str | None = None) -> ExcludedObjects:
    """Every object left out of the task's pool (or those of one reason), with its reason and
    detail, by reason and then in the order of public codes; a sequence the paginators slice,
    each page read by itself (a province's pool leaves out millions)."""
    return ExcludedObjects(task, reason)


def stratum_members(task: Task) -> dict[str, IdList]:
    """Who is in each stratum of the frozen pool (public ids in byte order); {} before freezing."""
    frozen = getattr(task, "frozen_pool", None)
    return frozen.pool() if frozen is not None else {}


def notice_for(task: Task) -> dict[str, Any]:
    """抽查任务公告: what is public from the announcement on — the input (strata counts and
    digests, slots, cap, roster and exclusion digests), its digest, the pool digest and the
    server's commitment."""
    draw = task.draw
    return {
        "spec": engine.SPEC,
        "task": task.code,
        "input": draw.input,
        "input_digest": draw.input_digest,
        "pool_digest": draw.pool_digest,
        "commitment": draw.commitment,
    }


def full_record(task: Task) -> dict[str, Any]:
    """The SC-DRAW-1 record (§9) of a drawn task, exclusions included."""
    draw, frozen = task.draw, task.frozen_pool
    return {
        "spec": engine.SPEC,
        "input": draw.input,
        "input_digest": draw.input_digest,
        "pool_digest": draw.pool_digest,
        "commitment": draw.commitment,
        "server_secret": draw.server_secret,
        "witnesses": list(task.witness_inputs.order_by("position").values_list("value", flat=True)),
        "seed": draw.seed,
        "pool": {name: list(ids) for name, ids in frozen.pool().items()},
        "roster": frozen.roster,
        "exclusions": [list(pair) for pair in frozen.exclusion_pairs()],
        "result": draw.result,
    }


def record_for(task: Task, *, public: bool) -> dict[str, Any] | None:
    """The record as a reader gets it. Internal readers: the full record once drawn, else the
    notice. The public: nothing before the announcement; the notice until the task is drawn
    and its list published; then the record without the exclusions (who is conflicted with
    whom is not public). A cancelled task shows what it had reached."""
    draw = getattr(task, "draw", None)
    if draw is None:
        return None
    if not draw.commitment:  # frozen, not yet announced: only staff see the input
        return None if public else {"spec": engine.SPEC, "task": task.code, "input": draw.input}
    if not draw.is_drawn:
        return notice_for(task)
    if not public:
        return full_record(task)
    if task.list_published_at is None:
        return notice_for(task)
    return engine.public_copy(full_record(task))


def task_list(scope: Scope, *, status: str | None = None, year: int | None = None) -> QuerySet[Task]:
    """The list page: tasks the scope reads, with the pool size and number of targets."""
    tasks = tasks_for_scope(scope)
    if status:
        tasks = tasks.filter(status=status)
    if year:
        tasks = tasks.filter(window_start__year=year)
    tasks = tasks.select_related("replaces")  # the API's list names the task a redraw replaces
    return tasks.annotate(pool_count=F("frozen_pool__member_count"), target_count=_visit_count()).order_by(
        "-created_at", "-id"
    )


def _visit_count() -> Coalesce:
    """A task's number of visits as a correlated subquery: counted for the rows a page shows
    (PostgreSQL evaluates it after the LIMIT), not a join and GROUP BY over every visit of
    every task (10^5 per province task)."""
    counted = Visit.objects.filter(task=OuterRef("pk")).order_by().values("task").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def pool_exclusion_counts(task: Task) -> list[dict[str, Any]]:
    """How many objects each reason left out of the pool, in the order of the reasons."""
    counts = exclusion_counts(task)
    return [
        {"reason": value, "label": label, "count": counts[value]}
        for value, label in PoolExclusionGroup.Reason.choices
        if counts.get(value)
    ]


def task_visits(task: Task) -> QuerySet[Visit]:
    """The drawn targets in list order (stratum name, rank) with their teams."""
    return (
        Visit.objects.filter(task=task)
        .select_related("inspection_object", "stratum")
        .prefetch_related(
            Prefetch("members", queryset=VisitMember.objects.select_related("inspector").order_by("position"))
        )
        .order_by("stratum__name", "rank")
    )


def filter_visits(
    visits: QuerySet[Visit], *, stratum: str = "", query: str = "", inspector_id: int | None = None
) -> QuerySet[Visit]:
    """Narrow a task's visits to one stratum (by name), to the visits of one inspector (the
    teams are not public: only staff pages pass it) and to a search as the directory searches
    (``object_text_q``): any part of the object's name, or the start of its public code."""
    if stratum:
        visits = visits.filter(stratum__name=stratum)
    if inspector_id is not None:
        visits = visits.filter(Exists(VisitMember.objects.filter(visit=OuterRef("pk"), inspector_id=inspector_id)))
    query = query.strip()
    if query:
        visits = visits.filter(object_text_q(query, via="inspection_object__"))
    return visits


def task_visit_list(
    task: Task, *, stratum: str = "", query: str = "", inspector_id: int | None = None
) -> QuerySet[Visit]:
    """The task page's list of targets: ``task_visits`` narrowed by ``filter_visits``. Page it:
    the teams are prefetched for the rows of the page only."""
    return filter_visits(task_visits(task), stratum=stratum, query=query, inspector_id=inspector_id)


def task_inspectors(task: Task) -> QuerySet[Inspector]:
    """The inspectors matched to the task's visits (the inspector filter's choices), by
    department and name."""
    matched = VisitMember.objects.filter(visit__task=task).values("inspector_id")
    return (
        Inspector.objects.filter(pk__in=matched)
        .select_related("department")
        .only("name", "department", "department__short_name", "department__sort_order")
        .order_by("department__sort_order", "department_id", "name", "pk")
    )


def task_visit_count(task: Task) -> int:
    return Visit.objects.filter(task=task).count()


class VisitPages:
    """A visit query for ``Paginator``, each page read in two steps: the page's ids are sorted
    alone (a narrow sort of the task's 10^5 rows), then only those visits are loaded with what
    the query selects and prefetches (objects, strata, teams). In one query PostgreSQL may
    join every object before sorting when its statistics lag behind a fresh draw."""

    def __init__(self, visits: QuerySet[Visit]) -> None:
        self._visits = visits

    def count(self) -> int:
        return self._visits.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Visit]:
        if not isinstance(index, slice):
            raise TypeError("VisitPages is read a page (a slice) at a time")
        ids = list(self._visits.prefetch_related(None).values_list("pk", flat=True)[index])
        loaded = {visit.pk: visit for visit in self._visits.filter(pk__in=ids)}
        return [loaded[pk] for pk in ids if pk in loaded]


# ------------------------------------------------------------------- an object's draws


OBJECT_DRAWS_MAX = 100  # the yearly cap keeps an object's draws to a few a year


@dataclass(frozen=True)
class ObjectDraw:
    """One draw an object was in (抽查记录), as the object's page lists it."""

    task: Task
    departments: list[str]  # the lead department first
    stratum: str
    drawn_at: dt.datetime | None
    # Where the task may be opened: "staff" (the task page), "public" (the portal) or "".
    link: str


def _draws_visible_to(scope: Scope) -> Q:
    """The visits of an object the scope may learn of: those of tasks it reads as a department's
    staff (as ``tasks_for_scope``, but never as a witness only: a witness is told no more than
    the portal tells) and those the portal lists (an announced task whose list is public)."""
    public = Q(task__announced_at__isnull=False, task__list_published_at__isnull=False)
    if scope.reads_all:
        return Q()
    departments = scope.data_read_departments or frozenset()
    joined = Task.participating_departments.through.objects.filter(
        task_id=OuterRef("task_id"), department_id__in=departments
    )
    return Q(task__lead_department_id__in=departments) | Q(Exists(joined)) | public


def object_draws(scope: Scope, obj: InspectionObject, *, limit: int = OBJECT_DRAWS_MAX) -> list[ObjectDraw]:
    """抽查记录: the tasks whose draws ``obj`` was in, newest draw first, as far as ``scope``
    may know of them, each with the page it may open (three queries)."""
    visits = list(
        Visit.objects.filter(_draws_visible_to(scope), inspection_object=obj)
        .select_related("task__lead_department", "stratum")
        .prefetch_related(
            Prefetch("task__participating_departments", queryset=Department.objects.order_by("sort_order", "pk"))
        )
        .annotate(drawn_at=F("task__draw__drawn_at"))
        .order_by(F("drawn_at").desc(nulls_last=True), "-task_id")[:limit]
    )
    task_ids = {v.task_id for v in visits}
    readable = set(tasks_for_scope(scope).filter(pk__in=task_ids).values_list("pk", flat=True)) if task_ids else set()
    rows = []
    for visit in visits:
        task = visit.task
        lead = task.lead_department
        others = [d.short_name for d in task.participating_departments.all() if d.pk != lead.pk]
        if task.pk in readable:
            link = "staff"
        elif task.announced_at is not None and task.list_published_at is not None:
            link = "public"
        else:
            link = ""
        rows.append(ObjectDraw(task, [lead.short_name, *others], visit.stratum.name, visit.drawn_at, link))
    return rows


@dataclass(frozen=True)
class PoolMember:
    position: int  # 1-based, in the stratum's byte order
    public_id: str
    name: str


@dataclass(frozen=True)
class StratumMemberPage:
    """One page of a frozen stratum's members, with the position a code search landed on."""

    stratum: str
    page: Page
    members: list[PoolMember]
    found: int | None  # position of the first member whose code starts with the query


def stratum_member_page(
    task: Task, stratum: str, *, page: Any = None, per_page: int = 100, query: str = ""
) -> StratumMemberPage | None:
    """A page of the members of one frozen stratum, or None when the task has no such frozen
    stratum. Only that stratum's text is read, and only the page's ids are cut out of it
    (``IdList``); their names come from one query. A code search jumps to the page holding the
    first member whose public code starts with ``query`` (the ids are in byte order: bisect)."""
    ids = FrozenStratum.id_lists(task.pk, stratum).get(stratum)
    if ids is None:
        return None
    paginator = Paginator(ids, per_page)
    found = None
    query = query.strip().upper()
    if query:
        index = bisect_left(ids, query)
        if index < len(ids) and ids[index].startswith(query):
            found = index + 1
            page = index // per_page + 1
    page_obj = paginator.get_page(page)
    codes = list(page_obj.object_list)
    names = dict(InspectionObject.objects.filter(public_code__in=codes).values_list("public_code", "name"))
    members = [
        PoolMember(page_obj.start_index() + offset, code, names.get(code, "")) for offset, code in enumerate(codes)
    ]
    return StratumMemberPage(stratum, page_obj, members, found)


def witness_inputs(task: Task) -> QuerySet[WitnessInput]:
    return WitnessInput.objects.filter(task=task).select_related("department", "entered_by").order_by("position")


def match_failure(task: Task) -> dict[str, Any] | None:
    """The target, slot and suggested cap of the task's failed match (kept in its audit entry)."""
    if task.match_failed_at is None:
        return None
    entry = (
        AuditEntry.objects.filter(action="draws.task.match_failed", target_type="draws.task", target_id=str(task.pk))
        .order_by("-seq")
        .first()
    )
    return entry.after if entry is not None else {}


def entries_for_new_task(scope: Scope) -> QuerySet[PlanEntry]:
    """Live entries of published plans whose lead department the scope writes."""
    entries = PlanEntry.objects.filter(
        retired_at__isnull=True, plan__status=AnnualPlan.Status.PUBLISHED, plan__retired_at__isnull=True
    ).select_related("plan", "lead_department")
    if not scope.writes_all:
        entries = entries.filter(lead_department_id__in=scope.write_departments or frozenset())
    return entries.order_by("-plan__year", "plan_id", "position", "pk")


def visit_mismatches(task: Task, result: dict[str, Any]) -> list[str]:
    """Where the task's saved visits and teams differ from its draw result: each visit must be
    a drawn target (stratum, rank, id) whose object exists, each team the drawn team."""
    wanted = {(t["stratum"], t["rank"], t["id"]) for t in result["targets"]}
    # Inner joins: a visit whose object or stratum row is missing drops out and is reported.
    saved = set(
        Visit.objects.filter(task=task, inspection_object__public_code=F("public_id")).values_list(
            "stratum__name", "rank", "public_id"
        )
    )
    problems = [f"抽中的对象 {t[2]}（{t[0]} 第 {t[1]} 位）没有对应的检查" for t in sorted(wanted - saved)]
    problems += [f"检查 {t[2]}（{t[0]} 第 {t[1]} 位）不在抽取结果中" for t in sorted(saved - wanted)]
    teams: dict[str, list[tuple[str, str]]] = {}
    members = VisitMember.objects.filter(visit__task=task).order_by("visit_id", "position")
    for public_id, slot, code in members.values_list("visit__public_id", "slot", "inspector__code"):
        teams.setdefault(public_id, []).append((slot, code))
    for target, team in sorted(result["teams"].items()):
        if teams.get(target, []) != [(m["slot"], m["inspector"]) for m in team]:
            problems.append(f"对象 {target} 的检查组与抽取结果不一致")
    return problems


# ---------------------------------------------------------------------------------- redraws


def redraw_predecessors(
    *,
    lead_department_id: int,
    plan_entry_id: int | None,
    scope: dict[str, Any],
    item_ids: set[int],
    window_start: dt.date,
    window_end: dt.date,
) -> list[Task]:
    """The drawn tasks (still drawn, or cancelled after their draw) that a new task of these
    particulars would draw again: same lead department, a window overlapping this one, and the
    same plan entry — or, unless both come from different entries, the same scope and the same
    items. Oldest first."""
    candidates = (
        Task.objects.filter(
            lead_department_id=lead_department_id,
            window_start__lte=window_end,
            window_end__gte=window_start,
        )
        .filter(draw__drawn_at__isnull=False)
        .prefetch_related("items")
        .order_by("created_at", "pk")
    )
    found = []
    for task in candidates:
        if plan_entry_id is not None and task.plan_entry_id == plan_entry_id:
            found.append(task)
        elif plan_entry_id is not None and task.plan_entry_id is not None:
            continue  # two entries of a published plan are two announced inspections
        elif task.scope == scope and {v.item_id for v in task.items.all()} == item_ids:
            found.append(task)
    return found


def redraw_candidates_for_entry(entry: PlanEntry) -> list[Task]:
    """The cancelled drawn tasks a new task of ``entry`` (in any window of it) may name as the
    task it draws again: what the task form offers."""
    return [
        task
        for task in redraw_predecessors(
            lead_department_id=entry.lead_department_id,
            plan_entry_id=entry.pk,
            scope=entry.scope,
            item_ids=set(entry.items.values_list("pk", flat=True)),
            window_start=entry.window_start,
            window_end=entry.window_end,
        )
        if task.status == Task.Status.CANCELLED
    ]


def redraws_awaiting_approval(scope: Scope) -> QuerySet[Task]:
    """The redraws waiting for the joint office (the coordinator's 待办), oldest first."""
    return (
        tasks_for_scope(scope)
        .filter(redraw_status=Task.RedrawStatus.REQUESTED, status=Task.Status.DRAFT)
        .select_related("replaces", "created_by")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class RedrawCount:
    department: str
    year: int
    count: int


def redraw_counts(tasks: QuerySet[Task]) -> list[RedrawCount]:
    """重新抽取次数: how many of ``tasks`` are approved redraws (tasks replacing a drawn and
    cancelled task), per lead department and year of the window's start. The portal counts its
    public tasks, the staff pages the tasks their scope reads (the assessment of departments
    is to count the same way); a request waiting or refused is no redraw (yet)."""
    rows = (
        tasks.filter(replaces__isnull=False, redraw_status=Task.RedrawStatus.APPROVED)
        .order_by()
        .values("lead_department__short_name", "lead_department__sort_order", "lead_department_id")
        .annotate(year=ExtractYear("window_start"), count=Count("pk", distinct=True))
        .order_by("-year", "lead_department__sort_order", "lead_department_id")
    )
    return [RedrawCount(r["lead_department__short_name"], r["year"], r["count"]) for r in rows]


def slots_described(task: Task) -> list[dict[str, Any]]:
    """The task's team slots as a person reads them: the department's short name and the
    qualifications' names, not their codes (two queries)."""
    codes = {q for slot in task.slots for q in slot.get("quals", [])}
    qual_names = dict(Qualification.objects.filter(code__in=codes).values_list("code", "name"))
    dept_names = dict(
        Department.objects.filter(code__in={slot["dept"] for slot in task.slots}).values_list("code", "short_name")
    )
    return [
        {
            "name": slot["name"],
            "department": dept_names.get(slot["dept"], slot["dept"]),
            "qualifications": [qual_names.get(code, code) for code in slot.get("quals", [])],
            "is_lead": slot["name"] == task.lead_slot,
        }
        for slot in task.slots
    ]


def slot_qualifications(department_ids: Iterable[int], also: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The qualifications a task's slot may ask for, as (code, name): those an inspector of the
    task's departments holds (a slot asking for one nobody holds could never be filled), and
    ``also`` (what the items require, what the slots already ask for). A short list to tick,
    not the region's thirty-odd; one query."""
    held = Q(inspectors__department_id__in=list(department_ids), inspectors__retired_at__isnull=True)
    rows = Qualification.objects.filter(held | Q(code__in=list(also))).values_list("code", "name").distinct()
    return sorted(rows)
