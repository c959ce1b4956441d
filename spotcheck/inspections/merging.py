"""合并检查 (进一次门，查多项事), the grouping: which drawn visits could be carried out together.

A proposal is a maximal group of visits on one object, from drawn tasks, where every two
visits come from tasks of different lead departments whose windows overlap and whose pair was
not declined, and no visit is in an active merged visit. By the interval property, pairwise
overlapping windows share a common window: the planned window of the merged visit. Only visits
whose task's window has not ended are proposed (and merged): a common window that is over
plans no visit, and a province's past years of visits stay out of every proposal query.

A confirmed merged visit stays open to more departments: when a third department's task draws
its object in the shared window, the proposal is to add that visit to it.

This module finds the groups as light rows (ids, dates); ``selectors`` turns them into the
proposals pages show, ``services`` checks the same rules again when a merge is confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from spotcheck.draws.models import Task, Visit
from spotcheck.inspections.models import MergeDecline, MergedVisitMember

Status = Task.Status


class _Candidate(NamedTuple):
    """One row of the candidate query (a county draws 10^4–10^5 visits: tuples, not models)."""

    visit_id: int
    object_id: int
    task_id: int
    lead_id: int
    start: dt.date
    end: dt.date
    public_id: str


class Group(NamedTuple):
    object_id: int
    visit_ids: tuple[int, ...]
    task_ids: frozenset[int]
    start: dt.date
    end: dt.date
    public_id: str
    merged_visit_id: int | None = None  # set: the visits not in it would join this merged visit


class _Anchor(NamedTuple):
    """An active merged visit, which more visits of its object may join."""

    merged_visit_id: int
    object_id: int
    visit_ids: tuple[int, ...]
    task_ids: frozenset[int]
    lead_ids: frozenset[int]
    start: dt.date
    end: dt.date


def _not_in_active_merged_visit() -> Exists:
    return ~Exists(MergedVisitMember.objects.filter(visit=OuterRef("pk"), is_active=True))


def candidate_visits(task: Task | None = None) -> tuple[QuerySet[Visit], QuerySet[Visit]]:
    """Visits of drawn tasks, not in an active merged visit: those with at least one such visit
    of another lead department's task on the same object in an overlapping window (the visits
    joined to each other by object, an EXISTS on the object's index), and those whose object
    has an active merged visit holding another department's visit, which they might join
    (``_groups`` checks the rest). Two queries, not one OR of the two EXISTS: with an OR,
    PostgreSQL tests both for every visit in the database (seconds at a province's 10^6). Only
    visits of tasks whose window has not ended: the current tasks' visits, not every year's."""
    today = timezone.localdate()
    free = (
        Visit.objects.filter(task__status=Status.DRAWN, task__window_end__gte=today)
        .filter(_not_in_active_merged_visit())
        .order_by()
    )
    partner = free.filter(
        inspection_object_id=OuterRef("inspection_object_id"),
        task__window_start__lte=OuterRef("task__window_end"),
        task__window_end__gte=OuterRef("task__window_start"),
    ).exclude(task__lead_department_id=OuterRef("task__lead_department_id"))
    joint = (
        MergedVisitMember.objects.filter(
            is_active=True,
            visit__inspection_object_id=OuterRef("inspection_object_id"),
            merged_visit__planned_start__lte=OuterRef("task__window_end"),
            merged_visit__planned_end__gte=OuterRef("task__window_start"),
        )
        .filter(merged_visit__planned_end__gte=today)
        .exclude(visit__task__lead_department_id=OuterRef("task__lead_department_id"))
    )
    with_partner, joining = free.filter(Exists(partner)), free.filter(Exists(joint))
    if task is not None:
        objects = Visit.objects.filter(task=task).values("inspection_object_id")
        with_partner = with_partner.filter(inspection_object_id__in=objects)
        joining = joining.filter(inspection_object_id__in=objects)
    return with_partner, joining


def find_candidates(querysets: Iterable[QuerySet[Visit]], **filters: Any) -> list[_Candidate]:
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
    A decline of joining a merged visit does not part the merged visit's own members."""
    through = MergeDecline.visits.through
    by_decline: dict[int, list[int]] = defaultdict(list)
    merged_visit_of: dict[int, int] = {}
    rows = through.objects.filter(visit__task__status=Status.DRAWN).values_list(
        "mergedecline_id", "visit_id", "mergedecline__merged_visit_id"
    )
    for decline_id, visit_id, merged_visit_id in rows:
        by_decline[decline_id].append(visit_id)
        if merged_visit_id is not None:
            merged_visit_of[decline_id] = merged_visit_id
    members: dict[int, set[int]] = defaultdict(set)
    for merged_visit_id, visit_id in MergedVisitMember.objects.filter(
        merged_visit_id__in=set(merged_visit_of.values())
    ).values_list("merged_visit_id", "visit_id"):
        members[merged_visit_id].add(visit_id)
    pairs = set()
    for decline_id, ids in by_decline.items():
        kept = members.get(merged_visit_of.get(decline_id, 0), set())
        pairs |= {frozenset((a, b)) for a, b in combinations(ids, 2) if not (a in kept and b in kept)}
    return pairs


def _anchors(object_ids: Iterable[int]) -> dict[int, list[_Anchor]]:
    """The active merged visits of these objects, by object."""
    rows = (
        MergedVisitMember.objects.filter(is_active=True, visit__inspection_object_id__in=set(object_ids))
        .order_by("merged_visit_id", "visit_id")
        .values_list(
            "merged_visit_id",
            "visit__inspection_object_id",
            "visit_id",
            "visit__task_id",
            "visit__task__lead_department_id",
            "merged_visit__planned_start",
            "merged_visit__planned_end",
        )
    )
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        members[row[0]].append(row)
    anchors: dict[int, list[_Anchor]] = defaultdict(list)
    for merged_visit_id, rows_of in members.items():
        first = rows_of[0]
        anchors[first[1]].append(
            _Anchor(
                merged_visit_id=merged_visit_id,
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


def _group(members: list[_Candidate]) -> Group:
    members = sorted(members)
    return Group(
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


def _extensions(visits: list[_Candidate], anchor: _Anchor, declined: set[frozenset[int]]) -> list[Group]:
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
            Group(
                object_id=anchor.object_id,
                visit_ids=tuple(sorted((*anchor.visit_ids, *clique))),
                task_ids=anchor.task_ids | {c.task_id for c in joining},
                start=max(anchor.start, *(c.start for c in joining)),
                end=min(anchor.end, *(c.end for c in joining)),
                public_id=joining[0].public_id,
                merged_visit_id=anchor.merged_visit_id,
            )
        )
    return groups


def _groups(
    candidates: Iterable[_Candidate],
    declined: set[frozenset[int]],
    anchors: dict[int, list[_Anchor]] | None = None,
) -> list[Group]:
    by_object: dict[int, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        by_object[c.object_id].append(c)
    groups: list[Group] = []
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


def all_groups(candidates: list[_Candidate]) -> list[Group]:
    return _groups(candidates, _declined_pairs(), _anchors({c.object_id for c in candidates}))
