"""合并检查 (进一次门，查多项事): when drawn tasks of different departments with overlapping
time windows drew the same object, the platform proposes to carry their visits out together;
the joint office's coordinator confirms (a ``JointVisit``) or declines (a ``MergeDecline``,
never proposed again). A joint visit is dissolved with a reason, never deleted; cancelling a
task dissolves the joint visits of its visits.

A proposal is a maximal group of visits on one object, from drawn tasks, where every two
visits come from tasks of different lead departments whose windows overlap and whose pair was
not declined, and no visit is in an active joint visit. By the interval property, pairwise
overlapping windows share a common window: the planned window of the joint visit. Only visits
whose task's window has not ended are proposed (and merged): a common window that is over
plans no visit, and a province's past years of visits stay out of every proposal query.

Reads: ``merge_proposals``, ``joint_visit_list``, ``merge_declines``, ``task_merge_counts``,
``joint_visit_of``/``active_joint_visits_by_visit``; access: ``get_merge_visits_for_user``,
``get_joint_visit_for_user``; writes: ``joint_visit_confirm``, ``joint_visit_extend``,
``joint_visit_dissolve``, ``merge_proposal_decline`` (coordinator only) and
``joint_visits_dissolve_for_task`` (called by ``task_cancel``).

A confirmed joint visit stays open to more departments: when a third department's task draws
its object in the shared window, the proposal is to add that visit to it (``joint_visit_extend``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.catalog.models import ItemVersion
from spotcheck.draws.models import (
    JointVisit,
    JointVisitMember,
    MergeDecline,
    Task,
    TaskCodeCounter,
    Visit,
    VisitMember,
)

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role
Status = Task.Status
REASON_MAX_LENGTH = 255


# ---------------------------------------------------------------------------------- permissions


def can_view_merges(scope: Scope) -> bool:
    """The merge page: region-wide readers (coordinator, auditor, system admin) see every
    proposal; department admins and approvers see those involving their department."""
    return scope.reads_all or scope.has_role(Role.DEPT_ADMIN, Role.APPROVER)


def can_decide_merges(scope: Scope) -> bool:
    """Only the joint office's coordinator confirms, declines and dissolves."""
    return scope.has_role(Role.COORDINATOR)


def _require_coordinator(actor: User) -> Scope:
    scope = require_staff(actor)
    if not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    return scope


def _involves(scope: Scope, department_ids: set[int]) -> bool:
    return scope.reads_all or scope.can_read_any(department_ids)


# ---------------------------------------------------------------------------------- proposals


class _Candidate(NamedTuple):
    """One row of the candidate query (a county draws 10^4–10^5 visits: tuples, not models)."""

    visit_id: int
    object_id: int
    task_id: int
    lead_id: int
    start: dt.date
    end: dt.date
    public_id: str


class _Group(NamedTuple):
    object_id: int
    visit_ids: tuple[int, ...]
    task_ids: frozenset[int]
    start: dt.date
    end: dt.date
    public_id: str
    joint_visit_id: int | None = None  # set: the visits not in it would join this joint visit


class _Anchor(NamedTuple):
    """An active joint visit, which more visits of its object may join."""

    joint_visit_id: int
    object_id: int
    visit_ids: tuple[int, ...]
    task_ids: frozenset[int]
    lead_ids: frozenset[int]
    start: dt.date
    end: dt.date


@dataclass
class MergeProposal:
    """合并建议: visits of one object that could be carried out together, in the window common
    to their tasks. ``visits`` come with their task (lead department, participating departments,
    items), stratum and team (``members``)."""

    inspection_object: Any
    visits: list[Visit]
    window_start: dt.date
    window_end: dt.date
    # A proposal to add visits to a joint visit already confirmed: ``visits`` holds its members
    # too, and ``joining`` the visits that would join it.
    joint_visit: JointVisit | None = None
    joining: frozenset[int] = frozenset()

    @property
    def visit_ids(self) -> list[int]:
        return [v.pk for v in self.visits]

    @property
    def lead_departments(self) -> list[Department]:
        return [v.task.lead_department for v in self.visits]


def _not_in_active_joint_visit() -> Exists:
    return ~Exists(JointVisitMember.objects.filter(visit=OuterRef("pk"), is_active=True))


def _candidate_visits(task: Task | None = None) -> tuple[QuerySet[Visit], QuerySet[Visit]]:
    """Visits of drawn tasks, not in an active joint visit: those with at least one such visit
    of another lead department's task on the same object in an overlapping window (the visits
    joined to each other by object, an EXISTS on the object's index), and those whose object
    has an active joint visit holding another department's visit, which they might join
    (``_groups`` checks the rest). Two queries, not one OR of the two EXISTS: with an OR,
    PostgreSQL tests both for every visit in the database (seconds at a province's 10^6). Only
    visits of tasks whose window has not ended: the current tasks' visits, not every year's."""
    today = timezone.localdate()
    free = (
        Visit.objects.filter(task__status=Status.DRAWN, task__window_end__gte=today)
        .filter(_not_in_active_joint_visit())
        .order_by()
    )
    partner = free.filter(
        inspection_object_id=OuterRef("inspection_object_id"),
        task__window_start__lte=OuterRef("task__window_end"),
        task__window_end__gte=OuterRef("task__window_start"),
    ).exclude(task__lead_department_id=OuterRef("task__lead_department_id"))
    joint = (
        JointVisitMember.objects.filter(
            is_active=True,
            visit__inspection_object_id=OuterRef("inspection_object_id"),
            joint_visit__planned_start__lte=OuterRef("task__window_end"),
            joint_visit__planned_end__gte=OuterRef("task__window_start"),
        )
        .filter(joint_visit__planned_end__gte=today)
        .exclude(visit__task__lead_department_id=OuterRef("task__lead_department_id"))
    )
    with_partner, joining = free.filter(Exists(partner)), free.filter(Exists(joint))
    if task is not None:
        objects = Visit.objects.filter(task=task).values("inspection_object_id")
        with_partner = with_partner.filter(inspection_object_id__in=objects)
        joining = joining.filter(inspection_object_id__in=objects)
    return with_partner, joining


def _candidates(querysets: Iterable[QuerySet[Visit]], **filters: Any) -> list[_Candidate]:
    """The rows of the candidate queries, each visit once."""
    found: dict[int, _Candidate] = {}
    for visits in querysets:
        for row in _candidate_rows(visits.filter(**filters)):
            found.setdefault(row[0], _Candidate._make(row))
    return list(found.values())


def _candidate_rows(visits: QuerySet[Visit]) -> QuerySet[Visit, tuple[Any, ...]]:
    return visits.values_list(
        "pk",
        "inspection_object_id",
        "task_id",
        "task__lead_department_id",
        "task__window_start",
        "task__window_end",
        "public_id",
    )


def _declined_pairs() -> set[frozenset[int]]:
    """Pairs of visits a coordinator decided to keep apart (declines are few: one per decision).
    A decline of joining a joint visit does not part the joint visit's own members."""
    through = MergeDecline.visits.through
    by_decline: dict[int, list[int]] = defaultdict(list)
    joint_visit_of: dict[int, int] = {}
    rows = through.objects.filter(visit__task__status=Status.DRAWN).values_list(
        "mergedecline_id", "visit_id", "mergedecline__joint_visit_id"
    )
    for decline_id, visit_id, joint_visit_id in rows:
        by_decline[decline_id].append(visit_id)
        if joint_visit_id is not None:
            joint_visit_of[decline_id] = joint_visit_id
    members: dict[int, set[int]] = defaultdict(set)
    for joint_visit_id, visit_id in JointVisitMember.objects.filter(
        joint_visit_id__in=set(joint_visit_of.values())
    ).values_list("joint_visit_id", "visit_id"):
        members[joint_visit_id].add(visit_id)
    pairs = set()
    for decline_id, ids in by_decline.items():
        kept = members.get(joint_visit_of.get(decline_id, 0), set())
        pairs |= {frozenset((a, b)) for a, b in combinations(ids, 2) if not (a in kept and b in kept)}
    return pairs


def _anchors(object_ids: Iterable[int]) -> dict[int, list[_Anchor]]:
    """The active joint visits of these objects, by object."""
    rows = (
        JointVisitMember.objects.filter(is_active=True, visit__inspection_object_id__in=set(object_ids))
        .order_by("joint_visit_id", "visit_id")
        .values_list(
            "joint_visit_id",
            "visit__inspection_object_id",
            "visit_id",
            "visit__task_id",
            "visit__task__lead_department_id",
            "joint_visit__planned_start",
            "joint_visit__planned_end",
        )
    )
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        members[row[0]].append(row)
    anchors: dict[int, list[_Anchor]] = defaultdict(list)
    for joint_visit_id, rows_of in members.items():
        first = rows_of[0]
        anchors[first[1]].append(
            _Anchor(
                joint_visit_id=joint_visit_id,
                object_id=first[1],
                visit_ids=tuple(r[2] for r in rows_of),
                task_ids=frozenset(r[3] for r in rows_of),
                lead_ids=frozenset(r[4] for r in rows_of),
                start=first[5],
                end=first[6],
            )
        )
    return anchors


def _maximal_cliques(nodes: list[int], edges: dict[int, set[int]]) -> Iterator[set[int]]:
    """Bron–Kerbosch with pivoting; an object is drawn by a handful of tasks at most."""

    def expand(r: set[int], p: set[int], x: set[int]) -> Iterator[set[int]]:
        if not p and not x:
            yield r
            return
        pivot = max(p | x, key=lambda n: len(edges[n] & p))
        for node in sorted(p - edges[pivot]):
            yield from expand(r | {node}, p & edges[node], x & edges[node])
            p = p - {node}
            x = x | {node}

    yield from expand(set(), set(nodes), set())


def _linked(a: _Candidate, b: _Candidate, declined: set[frozenset[int]]) -> bool:
    return (
        a.lead_id != b.lead_id
        and a.start <= b.end
        and b.start <= a.end
        and (not declined or frozenset((a.visit_id, b.visit_id)) not in declined)
    )


def _group(members: list[_Candidate]) -> _Group:
    members = sorted(members)
    return _Group(
        object_id=members[0].object_id,
        visit_ids=tuple(m.visit_id for m in members),
        task_ids=frozenset(m.task_id for m in members),
        start=max(m.start for m in members),
        end=min(m.end for m in members),
        public_id=members[0].public_id,
    )


def _joins(c: _Candidate, anchor: _Anchor, declined: set[frozenset[int]]) -> bool:
    return (
        c.lead_id not in anchor.lead_ids
        and c.start <= anchor.end
        and anchor.start <= c.end
        and not any(frozenset((c.visit_id, v)) in declined for v in anchor.visit_ids)
    )


def _extensions(visits: list[_Candidate], anchor: _Anchor, declined: set[frozenset[int]]) -> list[_Group]:
    """The groups of free visits that could join ``anchor``: maximal sets of them that may be
    merged with each other and with it (a single visit is the usual case)."""
    of = {c.visit_id: c for c in visits if _joins(c, anchor, declined)}
    if not of:
        return []
    edges: dict[int, set[int]] = {n: set() for n in of}
    for a, b in combinations(of.values(), 2):
        if _linked(a, b, declined):
            edges[a.visit_id].add(b.visit_id)
            edges[b.visit_id].add(a.visit_id)
    groups = []
    for clique in _maximal_cliques(list(of), edges):
        joining = [of[n] for n in clique]
        groups.append(
            _Group(
                object_id=anchor.object_id,
                visit_ids=tuple(sorted((*anchor.visit_ids, *clique))),
                task_ids=anchor.task_ids | {c.task_id for c in joining},
                start=max(anchor.start, *(c.start for c in joining)),
                end=min(anchor.end, *(c.end for c in joining)),
                public_id=joining[0].public_id,
                joint_visit_id=anchor.joint_visit_id,
            )
        )
    return groups


def _groups(
    candidates: Iterable[_Candidate],
    declined: set[frozenset[int]],
    anchors: dict[int, list[_Anchor]] | None = None,
) -> list[_Group]:
    by_object: dict[int, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        by_object[c.object_id].append(c)
    groups: list[_Group] = []
    for object_id, visits in by_object.items():
        for anchor in (anchors or {}).get(object_id, []):
            groups += _extensions(visits, anchor, declined)
        if len(visits) == 2:  # by far the most common case
            if _linked(visits[0], visits[1], declined):
                groups.append(_group(visits))
            continue
        of = {c.visit_id: c for c in visits}
        edges: dict[int, set[int]] = {c.visit_id: set() for c in visits}
        for a, b in combinations(visits, 2):
            if _linked(a, b, declined):
                edges[a.visit_id].add(b.visit_id)
                edges[b.visit_id].add(a.visit_id)
        linked = [n for n in edges if edges[n]]
        groups += [_group([of[n] for n in clique]) for clique in _maximal_cliques(linked, edges) if len(clique) > 1]
    groups.sort(key=lambda g: (g.start, g.public_id.encode(), g.visit_ids))
    return groups


def _all_groups(candidates: list[_Candidate]) -> list[_Group]:
    return _groups(candidates, _declined_pairs(), _anchors({c.object_id for c in candidates}))


def _proposal_groups(scope: Scope, task: Task | None = None) -> list[_Group]:
    candidates = _candidates(_candidate_visits(task))
    if not candidates:
        return []
    groups = _all_groups(candidates)
    if scope.reads_all:
        return groups
    task_ids = set().union(*(g.task_ids for g in groups))
    task_departments: dict[int, set[int]] = defaultdict(set)
    for task_id, lead_id in Task.objects.filter(pk__in=task_ids).values_list("pk", "lead_department_id"):
        task_departments[task_id].add(lead_id)
    through = Task.participating_departments.through
    for task_id, department_id in through.objects.filter(task_id__in=task_ids).values_list("task_id", "department_id"):
        task_departments[task_id].add(department_id)
    return [g for g in groups if _involves(scope, set().union(*(task_departments[t] for t in g.task_ids)))]


def visits_with_context(ids: Iterable[int]) -> QuerySet[Visit]:
    """Visits as the merge pages show them: object, task with its lead department, participating
    departments and items, stratum, and team."""
    return (
        Visit.objects.filter(pk__in=list(ids))
        .select_related("inspection_object", "task__lead_department", "stratum")
        .prefetch_related(
            Prefetch("members", queryset=VisitMember.objects.select_related("inspector").order_by("position")),
            Prefetch("task__items", queryset=ItemVersion.objects.select_related("item").order_by("item__code")),
            Prefetch("task__participating_departments", queryset=Department.objects.order_by("sort_order", "pk")),
        )
    )


class ProposalList(Sequence[MergeProposal]):
    """The proposals, computed as light rows; slicing loads the full visits of the slice only
    (in four queries), so a paginator over thousands of proposals stays cheap."""

    def __init__(self, groups: list[_Group]) -> None:
        self._groups = groups

    def __len__(self) -> int:
        return len(self._groups)

    @overload
    def __getitem__(self, index: int) -> MergeProposal: ...

    @overload
    def __getitem__(self, index: slice) -> list[MergeProposal]: ...

    def __getitem__(self, index: int | slice) -> MergeProposal | list[MergeProposal]:
        if isinstance(index, slice):
            return self._hydrate(self._groups[index])
        return self._hydrate([self._groups[index]])[0]

    def __iter__(self) -> Iterator[MergeProposal]:
        return iter(self[:])

    @property
    def visit_ids(self) -> set[int]:
        return {v for g in self._groups for v in g.visit_ids}

    @staticmethod
    def _hydrate(groups: list[_Group]) -> list[MergeProposal]:
        if not groups:
            return []
        visits = {v.pk: v for v in visits_with_context({v for g in groups for v in g.visit_ids})}
        joint_visits = JointVisit.objects.in_bulk({g.joint_visit_id for g in groups if g.joint_visit_id})
        members = set(
            JointVisitMember.objects.filter(joint_visit_id__in=joint_visits, is_active=True).values_list(
                "visit_id", flat=True
            )
        )
        return [
            MergeProposal(
                inspection_object=visits[g.visit_ids[0]].inspection_object,
                visits=sorted((visits[v] for v in g.visit_ids), key=lambda v: (v.task.window_start, v.task.code)),
                window_start=g.start,
                window_end=g.end,
                joint_visit=joint_visits.get(g.joint_visit_id) if g.joint_visit_id else None,
                joining=frozenset(v for v in g.visit_ids if v not in members) if g.joint_visit_id else frozenset(),
            )
            for g in groups
        ]


def merge_proposals(scope: Scope, *, task: Task | None = None) -> ProposalList:
    """合并建议 the scope may read (all for region-wide readers; otherwise those with a task the
    scope's departments lead or join), optionally only those with a visit of ``task``."""
    groups = _proposal_groups(scope, task)
    if task is not None:
        groups = [g for g in groups if task.pk in g.task_ids]
    return ProposalList(groups)


# ---------------------------------------------------------------------------------- joint visits


def _involving(scope: Scope, relation: str) -> Q:
    departments = scope.read_departments or frozenset()
    return Q(**{f"{relation}__task__lead_department_id__in": departments}) | Q(
        **{f"{relation}__task__participating_departments__in": departments}
    )


def joint_visits_for_scope(scope: Scope) -> QuerySet[JointVisit]:
    """Joint visits the scope reads: all for region-wide readers, else those with a visit of a
    task the scope's departments lead or join."""
    joint_visits = JointVisit.objects.all()
    if scope.reads_all:
        return joint_visits
    members = JointVisitMember.objects.filter(joint_visit=OuterRef("pk")).filter(_involving(scope, "visit"))
    return joint_visits.filter(Exists(members))


def joint_visit_list(scope: Scope, *, task: Task | None = None) -> QuerySet[JointVisit]:
    """The confirmed joint visits first (newest first), then the dissolved ones, with their
    object, people and member visits (task, departments, items, team)."""
    joint_visits = joint_visits_for_scope(scope)
    if task is not None:
        joint_visits = joint_visits.filter(
            Exists(JointVisitMember.objects.filter(joint_visit=OuterRef("pk"), visit__task=task))
        )
    visit_queryset = Visit.objects.select_related("task__lead_department", "stratum").prefetch_related(
        Prefetch("members", queryset=VisitMember.objects.select_related("inspector").order_by("position")),
        Prefetch("task__items", queryset=ItemVersion.objects.select_related("item").order_by("item__code")),
    )
    return (
        joint_visits.select_related("inspection_object", "confirmed_by", "dissolved_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=JointVisitMember.objects.order_by("id").prefetch_related(
                    Prefetch("visit", queryset=visit_queryset)
                ),
            )
        )
        .order_by("status", "-confirmed_at", "-id")
    )


def merge_declines(scope: Scope, *, task: Task | None = None) -> QuerySet[MergeDecline]:
    """不予合并记录 the scope reads, newest first, with their visits' tasks."""
    declines = MergeDecline.objects.all()
    if not scope.reads_all:
        visits = MergeDecline.visits.through.objects.filter(mergedecline_id=OuterRef("pk")).filter(
            _involving(scope, "visit")
        )
        declines = declines.filter(Exists(visits))
    if task is not None:
        declines = declines.filter(
            Exists(MergeDecline.visits.through.objects.filter(mergedecline_id=OuterRef("pk"), visit__task=task))
        )
    return (
        declines.select_related("inspection_object", "declined_by", "joint_visit")
        .prefetch_related(
            Prefetch("visits", queryset=Visit.objects.select_related("task__lead_department").order_by("task__code"))
        )
        .order_by("-declined_at", "-id")
    )


def active_joint_visits_by_visit(visit_ids: Iterable[int]) -> dict[int, JointVisit]:
    """For pages listing visits: the active joint visit of each visit that has one."""
    rows = JointVisitMember.objects.filter(visit_id__in=list(visit_ids), is_active=True).select_related("joint_visit")
    return {row.visit_id: row.joint_visit for row in rows}


def joint_visit_of(visit: Visit) -> JointVisit | None:
    """The active joint visit a visit is carried out in, if any."""
    return active_joint_visits_by_visit([visit.pk]).get(visit.pk)


def task_merge_counts(task: Task) -> dict[str, int]:
    """For the task page: how many of the task's visits are in an active joint visit, and how
    many more appear in open proposals (a visit with a partner whose pair was not declined).
    Counted in the database; only the few declined visits are looked at in Python."""
    merged = JointVisitMember.objects.filter(visit__task=task, is_active=True).count()
    proposed = 0
    if task.status == Status.DRAWN:
        with_partner, joining = _candidate_visits()
        proposed = with_partner.filter(task=task).count()
        # Visits that could join a joint visit are few (joint visits are): counted by id.
        if extra := set(joining.filter(task=task).values_list("pk", flat=True)):
            proposed += len(extra - set(with_partner.filter(pk__in=extra).values_list("pk", flat=True)))
        through = MergeDecline.visits.through
        declined = set(through.objects.filter(visit__task=task).values_list("visit_id", flat=True))
        if proposed and declined:
            objects = Visit.objects.filter(pk__in=declined).values("inspection_object_id")
            rows = _candidates((with_partner, joining), inspection_object_id__in=objects)
            still = {v for g in _all_groups(rows) for v in g.visit_ids}
            proposed -= len({r.visit_id for r in rows if r.task_id == task.pk} & declined - still)
    return {"merged": merged, "proposed": proposed}


# ---------------------------------------------------------------------------------- access


def get_merge_visits_for_user(user: User, ids: Iterable[int], write: bool = False) -> list[Visit]:
    """The visits of a proposal named in a request. A reader sees a proposal when one of its
    visits belongs to a task their department leads or joins; otherwise 404 (nothing about the
    visits is revealed). Writing is for the coordinator: 403 for every other reader."""
    scope = require_staff(user)
    wanted = set(ids)
    visits = list(Visit.objects.filter(pk__in=wanted).select_related("task"))
    if not wanted or len(visits) != len(wanted):
        raise Http404(_("没有找到所选的检查。"))
    if not scope.reads_all:
        task_ids = {v.task_id for v in visits}
        departments = {v.task.lead_department_id for v in visits} | set(
            Task.participating_departments.through.objects.filter(task_id__in=task_ids).values_list(
                "department_id", flat=True
            )
        )
        if not scope.can_read_any(departments):
            raise Http404(_("没有找到所选的检查。"))
    if write and not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    if not can_view_merges(scope):
        raise PermissionDenied(_("您的角色不能查看合并检查。"))
    return visits


def get_joint_visit_for_user(user: User, pk: int, write: bool = False) -> JointVisit:
    """Another department's joint visit is a 404; a reader who may not decide gets a 403."""
    scope = require_staff(user)
    joint_visit = joint_visits_for_scope(scope).filter(pk=pk).first()
    if joint_visit is None:
        raise Http404(_("没有找到该合并检查。"))
    if write and not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    if not can_view_merges(scope):
        raise PermissionDenied(_("您的角色不能查看合并检查。"))
    return joint_visit


# ---------------------------------------------------------------------------------- services


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


def _already_merged(visits: list[Visit], joint_visit: JointVisit | None = None) -> list[str]:
    """Problems for the visits already in an active joint visit (other than ``joint_visit``)."""
    rows = JointVisitMember.objects.filter(visit__in=visits, is_active=True).select_related(
        "joint_visit", "visit__task"
    )
    if joint_visit is not None:
        rows = rows.exclude(joint_visit=joint_visit)
    return [
        _("任务“%(task)s”对该对象的检查已在合并检查“%(code)s”中。")
        % {"task": row.visit.task.code, "code": row.joint_visit.code}
        for row in rows
    ]


def _merge_window(visits: list[Visit], joint_visit: JointVisit | None = None) -> tuple[dt.date, dt.date]:
    """Check every rule of a merge and return the common window; all problems are reported.
    With ``joint_visit``, the visits are its members and those joining it."""
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
    problems += _already_merged(visits, joint_visit)
    if problems:
        raise ValidationError(problems, code="not_mergeable")
    return start, end


def _next_code(year: int) -> str:
    counter, _created = TaskCodeCounter.objects.select_for_update().get_or_create(prefix=f"合并检查-{year}")
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"HB-{year}-{counter.last_value:04d}"


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("请填写原因。")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({field: _("原因不能超过 %(n)s 个字。") % {"n": REASON_MAX_LENGTH}})
    return reason


def _visit_facts(visits: Iterable[Visit]) -> list[dict[str, Any]]:
    return [
        {"visit": v.pk, "task": v.task.code, "lead_department": v.task.lead_department_id, "public_id": v.public_id}
        for v in visits
    ]


def _add_members(joint_visit: JointVisit, visits: list[Visit]) -> None:
    try:
        with transaction.atomic():
            JointVisitMember.objects.bulk_create(JointVisitMember(joint_visit=joint_visit, visit=v) for v in visits)
    except IntegrityError:  # a visit merged by someone else in the meantime
        raise ValidationError(_("所选检查中有检查刚刚被合并，请刷新后重试。"), code="merged_meanwhile") from None


@transaction.atomic
def joint_visit_confirm(*, actor: User, visits: Iterable[Visit | int], note: str = "") -> JointVisit:
    """确认合并: the coordinator groups visits of one object from drawn tasks of different lead
    departments, whose windows overlap and none of which is merged yet, into one joint visit
    planned in the common window. All or nothing."""
    _require_coordinator(actor)
    note = (note or "").strip()
    locked = _locked_visits(visits)
    start, end = _merge_window(locked)
    joint_visit = JointVisit(
        code=_next_code(start.year),
        inspection_object_id=locked[0].inspection_object_id,
        planned_start=start,
        planned_end=end,
        note=note,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    joint_visit.full_clean()
    joint_visit.save()
    _add_members(joint_visit, locked)
    audit_record(
        actor=actor,
        action="draws.joint_visit.confirm",
        target=joint_visit,
        after=snapshot(joint_visit) | {"visits": _visit_facts(locked)},
    )
    return joint_visit


def _locked_joint_visit(
    joint_visit: JointVisit, visits: Iterable[Visit | int]
) -> tuple[JointVisit, list[Visit], list[Visit]]:
    """The active joint visit locked, and the visits of a proposal to join it, locked: its
    members and the others (at least one)."""
    joint_visit = JointVisit.objects.select_for_update().get(pk=joint_visit.pk)
    if not joint_visit.is_active:
        raise ValidationError(_("合并检查“%(code)s”已经解除。") % {"code": joint_visit.code}, code="dissolved")
    member_ids = set(
        JointVisitMember.objects.filter(joint_visit=joint_visit, is_active=True).values_list("visit_id", flat=True)
    )
    wanted = {v if isinstance(v, int) else v.pk for v in visits} - member_ids
    if not wanted:
        raise ValidationError(_("请选择要加入合并检查的检查。"), code="too_few")
    locked = _locked_visits(member_ids | wanted)
    return joint_visit, [v for v in locked if v.pk in member_ids], [v for v in locked if v.pk in wanted]


@transaction.atomic
def joint_visit_extend(
    *, actor: User, joint_visit: JointVisit, visits: Iterable[Visit | int], note: str = ""
) -> JointVisit:
    """加入合并检查: another department's task drew the object of a confirmed joint visit; the
    coordinator adds its visit (or several) to it, under the same rules as a merge, and the
    planned window narrows to what all the tasks share. All or nothing."""
    _require_coordinator(actor)
    joint_visit, members, joining = _locked_joint_visit(joint_visit, visits)
    if any(v.inspection_object_id != joint_visit.inspection_object_id for v in joining):
        raise ValidationError(_("所选检查不是同一检查对象，不能合并。"), code="different_objects")
    start, end = _merge_window(members + joining, joint_visit)
    fields = ["planned_start", "planned_end"]
    before = snapshot(joint_visit, fields) | {"visits": _visit_facts(members)}
    joint_visit.planned_start, joint_visit.planned_end = start, end
    joint_visit.full_clean()
    joint_visit.save(update_fields=fields)
    _add_members(joint_visit, joining)
    audit_change(
        actor=actor,
        action="draws.joint_visit.extend",
        target=joint_visit,
        before=before,
        after=snapshot(joint_visit, fields) | {"visits": _visit_facts(members + joining), "note": (note or "").strip()},
    )
    return joint_visit


def _dissolve(actor: User, joint_visit: JointVisit, reason: str) -> JointVisit:
    joint_visit = JointVisit.objects.select_for_update().get(pk=joint_visit.pk)
    if joint_visit.status != JointVisit.Status.CONFIRMED:
        raise ValidationError(_("合并检查“%(code)s”已经解除。") % {"code": joint_visit.code}, code="dissolved")
    fields = ["status", "dissolved_at", "dissolved_by", "dissolved_reason"]
    before = snapshot(joint_visit, fields)
    joint_visit.status = JointVisit.Status.DISSOLVED
    joint_visit.dissolved_at = timezone.now()
    joint_visit.dissolved_by = actor
    joint_visit.dissolved_reason = reason[:REASON_MAX_LENGTH]
    joint_visit.full_clean()
    joint_visit.save(update_fields=fields)
    JointVisitMember.objects.filter(joint_visit=joint_visit, is_active=True).update(is_active=False)
    audit_change(
        actor=actor,
        action="draws.joint_visit.dissolve",
        target=joint_visit,
        before=before,
        after=snapshot(joint_visit, fields),
    )
    return joint_visit


@transaction.atomic
def joint_visit_dissolve(*, actor: User, joint_visit: JointVisit, reason: str) -> JointVisit:
    """解除合并: the joint visit and its members stay on record; its visits are carried out
    separately again (and can be proposed again)."""
    _require_coordinator(actor)
    return _dissolve(actor, joint_visit, _clean_reason(reason))


@transaction.atomic
def joint_visits_dissolve_for_task(*, actor: User, task: Task) -> list[JointVisit]:
    """A cancelled task's visits are not carried out: dissolve the joint visits holding them.
    Called by ``task_cancel`` (which checked the actor may cancel the task)."""
    reason = _("任务“%(code)s”已取消：%(reason)s") % {"code": task.code, "reason": task.cancelled_reason}
    joint_visits = JointVisit.objects.filter(
        status=JointVisit.Status.CONFIRMED,
        pk__in=JointVisitMember.objects.filter(visit__task=task, is_active=True).values("joint_visit_id"),
    ).order_by("pk")
    return [_dissolve(actor, joint_visit, reason) for joint_visit in joint_visits]


@transaction.atomic
def merge_proposal_decline(
    *, actor: User, visits: Iterable[Visit | int], reason: str, joint_visit: JointVisit | None = None
) -> MergeDecline:
    """不予合并: the coordinator keeps these visits of one object apart; the decision and its
    reason are recorded and none of their pairs is proposed again. With ``joint_visit``: the
    visits are not to join it (its members stay together)."""
    _require_coordinator(actor)
    reason = _clean_reason(reason)
    if joint_visit is not None:
        joint_visit, members, joining = _locked_joint_visit(joint_visit, visits)
        locked = sorted(members + joining, key=lambda v: v.pk)
    else:
        locked = _locked_visits(visits)
    _same_object(locked)
    if problems := _already_merged(locked, joint_visit):
        raise ValidationError(problems, code="merged")
    decline = MergeDecline(
        inspection_object_id=locked[0].inspection_object_id,
        joint_visit=joint_visit,
        reason=reason,
        declined_by=actor,
        declined_at=timezone.now(),
    )
    decline.full_clean()
    decline.save()
    decline.visits.set(locked)
    audit_record(
        actor=actor,
        action="draws.merge_proposal.decline",
        target=decline,
        after=snapshot(decline) | {"visits": _visit_facts(locked)},
    )
    return decline
