"""合并检查 reads: the proposals a user may see, merged visits, declines, and the counts and
lookups other pages show (the task page's notice, a visit's merged visit)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import ChecklistQuestion, ItemVersion
from spotcheck.directory.models import ObjectLicence
from spotcheck.draws.models import Task, Visit, VisitMember
from spotcheck.inspections.access import involves, involving, merged_visits_for_scope
from spotcheck.inspections.merging import (
    Group,
    all_groups,
    candidate_visits,
    find_candidates,
)
from spotcheck.inspections.models import (
    EmergencyStart,
    MergeDecline,
    MergedVisit,
    MergedVisitMember,
    VisitApproval,
    VisitCheckIn,
    VisitCode,
    VisitFeedback,
)

Status = Task.Status


@dataclass
class MergeProposal:
    """合并建议: visits of one object that could be carried out together, in the window common
    to their tasks. ``visits`` come with their task (lead department, participating departments,
    items), stratum and team (``members``)."""

    inspection_object: Any
    visits: list[Visit]
    window_start: dt.date
    window_end: dt.date
    # A proposal to add visits to a merged visit already confirmed: ``visits`` holds its members
    # too, and ``joining`` the visits that would join it.
    merged_visit: MergedVisit | None = None
    joining: frozenset[int] = frozenset()

    @property
    def visit_ids(self) -> list[int]:
        return [v.pk for v in self.visits]

    @property
    def key(self) -> str:
        """How a form names the proposal (``proposal_key``)."""
        return proposal_key(self.visit_ids, self.merged_visit.pk if self.merged_visit else None)

    @property
    def can_leave_out(self) -> bool:
        """Whether a visit may be left out and a merge still be made of the others: three
        visits or more to merge, or two or more to join a merged visit."""
        return len(self.free_visits) >= (2 if self.merged_visit is not None else 3)

    @property
    def free_visits(self) -> list[Visit]:
        """The visits the decision is about: all of them, or those that would join the merged
        visit."""
        if self.merged_visit is None:
            return self.visits
        return [v for v in self.visits if v.pk in self.joining]

    @property
    def lead_departments(self) -> list[Department]:
        return [v.task.lead_department for v in self.visits]


def _proposal_groups(
    scope: Scope, task: Task | None = None, *, with_departments: bool = True
) -> tuple[list[Group], dict[int, set[int]]]:
    """The groups the scope sees, and the departments (lead and participating) of their tasks
    (read when the scope is not region-wide or ``with_departments``)."""
    candidates = find_candidates(candidate_visits(task))
    if not candidates:
        return [], {}
    groups = all_groups(candidates)
    if scope.reads_all and not with_departments:
        return groups, {}
    task_ids = set().union(*(g.task_ids for g in groups))
    task_departments: dict[int, set[int]] = defaultdict(set)
    for task_id, lead_id in Task.objects.filter(pk__in=task_ids).values_list("pk", "lead_department_id"):
        task_departments[task_id].add(lead_id)
    through = Task.participating_departments.through
    for task_id, department_id in through.objects.filter(task_id__in=task_ids).values_list("task_id", "department_id"):
        task_departments[task_id].add(department_id)
    if not scope.reads_all:
        groups = [g for g in groups if involves(scope, _departments_of(g, task_departments))]
    return groups, task_departments


def _departments_of(group: Group, task_departments: dict[int, set[int]]) -> set[int]:
    return set().union(*(task_departments[t] for t in group.task_ids))


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

    def __init__(self, groups: list[Group]) -> None:
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
    def _hydrate(groups: list[Group]) -> list[MergeProposal]:
        if not groups:
            return []
        visits = {v.pk: v for v in visits_with_context({v for g in groups for v in g.visit_ids})}
        merged_visits = MergedVisit.objects.in_bulk({g.merged_visit_id for g in groups if g.merged_visit_id})
        members = set(
            MergedVisitMember.objects.filter(merged_visit_id__in=merged_visits, is_active=True).values_list(
                "visit_id", flat=True
            )
        )
        return [
            MergeProposal(
                inspection_object=visits[g.visit_ids[0]].inspection_object,
                visits=sorted((visits[v] for v in g.visit_ids), key=lambda v: (v.task.window_start, v.task.code)),
                window_start=g.start,
                window_end=g.end,
                merged_visit=merged_visits.get(g.merged_visit_id) if g.merged_visit_id else None,
                joining=frozenset(v for v in g.visit_ids if v not in members) if g.merged_visit_id else frozenset(),
            )
            for g in groups
        ]


def proposal_key(visit_ids: Iterable[int], merged_visit_id: int | None = None) -> str:
    """A proposal in a form: its visits' ids in order, joined by "-", and "@" the merged visit
    it would extend ("12-34", "12-34-56@7")."""
    key = "-".join(str(pk) for pk in sorted(visit_ids))
    return f"{key}@{merged_visit_id}" if merged_visit_id is not None else key


_KEY = re.compile(r"^([0-9]{1,18}(?:-[0-9]{1,18}){1,49})(?:@([0-9]{1,18}))?$")


def parse_proposal_key(raw: str) -> tuple[list[int], int | None] | None:
    """``proposal_key`` read back: (visit ids, merged visit id), or None for anything else."""
    match = _KEY.match((raw or "").strip())
    if match is None:
        return None
    ids = sorted({int(pk) for pk in match.group(1).split("-")})
    return ids, int(match.group(2)) if match.group(2) else None


@dataclass
class ProposalSearch:
    """合并建议 narrowed by the merge page's filters, with what the filters offer: the tasks and
    the departments of every proposal the scope sees."""

    proposals: ProposalList
    task_ids: set[int]
    department_ids: set[int]


def merge_proposal_search(
    scope: Scope,
    *,
    task: Task | None = None,
    department_id: int | None = None,
    window_from: dt.date | None = None,
    window_to: dt.date | None = None,
) -> ProposalSearch:
    """The proposals the scope reads, only those with a visit of ``task``, a task led or joined
    by ``department_id``, and a common window that overlaps ``window_from`` – ``window_to``."""
    groups, task_departments = _proposal_groups(scope, task)
    task_ids = set().union(*(g.task_ids for g in groups)) if groups else set()
    department_ids = set().union(*(task_departments[t] for t in task_ids)) if task_ids else set()
    if task is not None:
        groups = [g for g in groups if task.pk in g.task_ids]
    if department_id is not None:
        groups = [g for g in groups if department_id in _departments_of(g, task_departments)]
    if window_from is not None:
        groups = [g for g in groups if g.end >= window_from]
    if window_to is not None:
        groups = [g for g in groups if g.start <= window_to]
    return ProposalSearch(ProposalList(groups), task_ids, department_ids)


def merge_proposals(scope: Scope, *, task: Task | None = None) -> ProposalList:
    """合并建议 the scope may read (all for region-wide readers; otherwise those with a task the
    scope's departments lead or join), optionally only those with a visit of ``task``."""
    return merge_proposal_search(scope, task=task).proposals


def merge_proposal_count(scope: Scope) -> int:
    """The open proposals the scope reads (the coordinator's 待办)."""
    return len(_proposal_groups(scope, with_departments=False)[0])


def merged_visit_list(scope: Scope, *, task: Task | None = None) -> QuerySet[MergedVisit]:
    """The confirmed merged visits first (newest first), then the dissolved ones, with their
    object, people and member visits (task, departments, items, team)."""
    merged_visits = merged_visits_for_scope(scope)
    if task is not None:
        merged_visits = merged_visits.filter(
            Exists(MergedVisitMember.objects.filter(merged_visit=OuterRef("pk"), visit__task=task))
        )
    visit_queryset = Visit.objects.select_related("task__lead_department", "stratum").prefetch_related(
        Prefetch("members", queryset=VisitMember.objects.select_related("inspector").order_by("position")),
        Prefetch("task__items", queryset=ItemVersion.objects.select_related("item").order_by("item__code")),
    )
    return (
        merged_visits.select_related("inspection_object", "confirmed_by", "dissolved_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=MergedVisitMember.objects.order_by("id").prefetch_related(
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
            involving(scope, "visit")
        )
        declines = declines.filter(Exists(visits))
    if task is not None:
        declines = declines.filter(
            Exists(MergeDecline.visits.through.objects.filter(mergedecline_id=OuterRef("pk"), visit__task=task))
        )
    return (
        declines.select_related("inspection_object", "declined_by", "merged_visit")
        .prefetch_related(
            Prefetch("visits", queryset=Visit.objects.select_related("task__lead_department").order_by("task__code"))
        )
        .order_by("-declined_at", "-id")
    )


def active_merged_visits_by_visit(visit_ids: Iterable[int]) -> dict[int, MergedVisit]:
    """For pages listing visits: the active merged visit of each visit that has one."""
    rows = MergedVisitMember.objects.filter(visit_id__in=list(visit_ids), is_active=True).select_related("merged_visit")
    return {row.visit_id: row.merged_visit for row in rows}


def merged_visit_of(visit: Visit) -> MergedVisit | None:
    """The active merged visit a visit is carried out in, if any."""
    return active_merged_visits_by_visit([visit.pk]).get(visit.pk)


def task_merge_counts(task: Task) -> dict[str, int]:
    """For the task page: how many of the task's visits are in an active merged visit, and how
    many more appear in open proposals (a visit with a partner whose pair was not declined).
    Counted in the database; only the few declined visits are looked at in Python."""
    merged = MergedVisitMember.objects.filter(visit__task=task, is_active=True).count()
    proposed = 0
    if task.status == Status.DRAWN:
        with_partner, joining = candidate_visits()
        proposed = with_partner.filter(task=task).count()
        # Visits that could join a merged visit are few (merged visits are): counted by id.
        if extra := set(joining.filter(task=task).values_list("pk", flat=True)):
            proposed += len(extra - set(with_partner.filter(pk__in=extra).values_list("pk", flat=True)))
        through = MergeDecline.visits.through
        declined = set(through.objects.filter(visit__task=task).values_list("visit_id", flat=True))
        if proposed and declined:
            objects = Visit.objects.filter(pk__in=declined).values("inspection_object_id")
            rows = find_candidates((with_partner, joining), inspection_object_id__in=objects)
            still = {v for g in all_groups(rows) for v in g.visit_ids}
            proposed -= len({r.visit_id for r in rows if r.task_id == task.pk} & declined - still)
    return {"merged": merged, "proposed": proposed}


# ---------------------------------------------------------------------------
# 审批 (approval before the visit; issue 13, item 2)
# ---------------------------------------------------------------------------


class ApprovalState(NamedTuple):
    """Where a visit stands: ``approved`` (``approval`` set), ``emergency`` (started before
    approval, awaiting it; ``emergency`` set) or ``waiting`` (not approved)."""

    state: str
    approval: VisitApproval | None
    emergency: EmergencyStart | None

    @property
    def approved(self) -> bool:
        return self.state == "approved"

    @property
    def may_proceed(self) -> bool:
        return self.state in ("approved", "emergency")


def approval_states(visits: Iterable[Visit | int]) -> dict[int, ApprovalState]:
    """The approval state of each visit, by visit id, in two queries."""
    ids = {v if isinstance(v, int) else v.pk for v in visits}
    approvals = {
        a.visit_id: a
        for a in VisitApproval.objects.filter(visit_id__in=ids, withdrawn_at__isnull=True).select_related("approved_by")
    }
    emergencies = {e.visit_id: e for e in EmergencyStart.objects.filter(visit_id__in=ids).select_related("started_by")}
    states = {}
    for pk in ids:
        approval, emergency = approvals.get(pk), emergencies.get(pk)
        state = "approved" if approval else "emergency" if emergency else "waiting"
        states[pk] = ApprovalState(state, approval, emergency)
    return states


def approval_state(visit: Visit | int) -> ApprovalState:
    pk = visit if isinstance(visit, int) else visit.pk
    return approval_states([pk])[pk]


def task_approval_counts(task: Task) -> dict[str, int]:
    """How many of the task's visits are approved and how many wait (an emergency start waits
    for its 事后补批 too); one query."""
    approved = Exists(VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True))
    started = Exists(EmergencyStart.objects.filter(visit=OuterRef("pk")))
    counts = Visit.objects.filter(task=task).aggregate(
        total=Count("pk"), approved=Count("pk", filter=approved), emergency=Count("pk", filter=started & ~approved)
    )
    return counts | {"waiting": counts["total"] - counts["approved"]}


def require_approved_or_emergency(visit: Visit | int) -> ApprovalState:
    """For result entry: a visit is worked on only once approved, or started in an emergency
    (then approved afterwards)."""
    state = approval_state(visit)
    if not state.may_proceed:
        raise ValidationError(
            _(
                "检查尚未审批：需由发起部门的主体负责人审批后才能录入检查结果；紧急情况下可先登记紧急先行检查，事后补批。"
            ),
            code="not_approved",
        )
    return state


def tasks_awaiting_approval(scope: Scope) -> QuerySet[Task]:
    """Drawn tasks of the departments where the scope approves that have a visit without a
    current approval (the approver's 待办)."""
    departments = scope.departments_with_role(Membership.Role.APPROVER)
    current = VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True)
    unapproved = Visit.objects.filter(task=OuterRef("pk")).exclude(Exists(current))
    return Task.objects.filter(lead_department_id__in=departments, status=Task.Status.DRAWN).filter(Exists(unapproved))


def waiting_counts(tasks: Iterable[Task]) -> dict[int, int]:
    """How many visits of each task wait for approval (one query)."""
    current = VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True)
    rows = (
        Visit.objects.filter(task__in=[t.pk for t in tasks])
        .exclude(Exists(current))
        .values("task_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["task_id"]: row["n"] for row in rows}


# ------------------------------------------------------------------ 我的检查 and the visit page
# (issue 13, item 1)


class MyVisitState:
    """The states 我的检查 filters by, one per visit, the first that holds: 已完成 (the result is
    confirmed or approved), 结果待确认 (a result entered, its current revision not yet confirmed
    by two officers), 已到场 (checked in, no result yet), 已过期 (the window ended with neither),
    待实施 (may go ahead) and 待审批 (neither approved nor started in an emergency)."""

    WAITING = "waiting"
    PENDING = "pending"
    CHECKED_IN = "checked_in"
    TO_CONFIRM = "to_confirm"
    DONE = "done"
    EXPIRED = "expired"

    @staticmethod
    def choices() -> list[tuple[str, str]]:
        return [
            (MyVisitState.WAITING, _("待审批")),
            (MyVisitState.PENDING, _("待实施")),
            (MyVisitState.CHECKED_IN, _("已到场")),
            (MyVisitState.TO_CONFIRM, _("结果待确认")),
            (MyVisitState.DONE, _("已完成")),
            (MyVisitState.EXPIRED, _("已过期")),
        ]


# The results app (a layer above) hangs its VisitResult on the visit as ``result``; its status is
# read here by that name (a LEFT JOIN in the same query), not imported.
_RESULT_ENTERED = "entered"


def _state_annotations() -> dict[str, Any]:
    """Of the visit's own row (no query more per page): approved, started in an emergency,
    checked in, and its result's status (None without a result)."""
    return {
        "is_approved": Exists(VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True)),
        "is_emergency": Exists(EmergencyStart.objects.filter(visit=OuterRef("pk"))),
        "is_checked_in": Exists(VisitCheckIn.objects.filter(visit=OuterRef("pk"))),
        "result_status": F("result__status"),
    }


def my_visit_state(visit: Visit, today: dt.date) -> str:
    """The state of a visit of ``my_visits`` (annotated there)."""
    if visit.result_status is not None:
        return MyVisitState.TO_CONFIRM if visit.result_status == _RESULT_ENTERED else MyVisitState.DONE
    if visit.is_checked_in:
        return MyVisitState.CHECKED_IN
    if visit.task.window_end < today:
        return MyVisitState.EXPIRED
    return MyVisitState.PENDING if visit.is_approved or visit.is_emergency else MyVisitState.WAITING


def _team_queryset() -> QuerySet[VisitMember]:
    return VisitMember.objects.select_related("inspector__department").order_by("position")


def _filter_state(visits: QuerySet[Visit], state: str | None) -> QuerySet[Visit]:
    """``visits`` (annotated with ``_state_annotations``) in ``state`` (one of MyVisitState)."""
    today = timezone.localdate()
    may_proceed = Q(is_approved=True) | Q(is_emergency=True)
    no_result = Q(result_status__isnull=True)
    if state == MyVisitState.WAITING:
        visits = visits.filter(~may_proceed, no_result, is_checked_in=False, task__window_end__gte=today)
    elif state == MyVisitState.PENDING:
        visits = visits.filter(may_proceed, no_result, is_checked_in=False, task__window_end__gte=today)
    elif state == MyVisitState.CHECKED_IN:
        visits = visits.filter(no_result, is_checked_in=True)
    elif state == MyVisitState.TO_CONFIRM:
        visits = visits.filter(result_status=_RESULT_ENTERED)
    elif state == MyVisitState.DONE:
        visits = visits.filter(result_status__isnull=False).exclude(result_status=_RESULT_ENTERED)
    elif state == MyVisitState.EXPIRED:
        visits = visits.filter(no_result, is_checked_in=False, task__window_end__lt=today)
    return visits


def my_visits(
    scope: Scope,
    *,
    state: str | None = None,
    window_from: dt.date | None = None,
    window_to: dt.date | None = None,
) -> QuerySet[Visit]:
    """The visits of the teams the scope's user is on (through ``Inspector.user``), newest
    window first, with their object, task and team; ``state`` one of ``MyVisitState``, the
    dates keep the visits whose window overlaps them."""
    if scope.user_id is None:
        return Visit.objects.none()
    visits = Visit.objects.filter(
        Exists(VisitMember.objects.filter(visit=OuterRef("pk"), inspector__user_id=scope.user_id))
    ).exclude(task__status=Task.Status.CANCELLED)
    visits = _filter_state(visits.annotate(**_state_annotations()), state)
    if window_from is not None:
        visits = visits.filter(task__window_end__gte=window_from)
    if window_to is not None:
        visits = visits.filter(task__window_start__lte=window_to)
    return (
        visits.select_related("task__lead_department", "inspection_object")
        .prefetch_related(Prefetch("members", queryset=_team_queryset()))
        .order_by("-task__window_start", "-task__window_end", "-task_id", "rank")
    )


def my_pending_visit_count(scope: Scope) -> int:
    """The home page's 待办: visits of the user's teams that may go ahead (approved or started
    in an emergency), not yet checked in, whose window is not over."""
    return my_visits(scope, state=MyVisitState.PENDING).count()


@dataclass
class ChecklistItem:
    version: ItemVersion
    questions: list[ChecklistQuestion]


@dataclass
class ChecklistGroup:
    """The items of one department in the visit's checklist (一表通查)."""

    department: Department
    items: list[ChecklistItem]


@dataclass
class VisitPage:
    visit: Visit
    team: list[VisitMember]
    merged_visit: MergedVisit | None
    # The other visits carried out in the same merged visit (their task, department, team).
    merged_with: list[Visit]
    checklist: list[ChecklistGroup]
    licences: list[ObjectLicence]


def checklist_for(visits: Iterable[Visit]) -> list[ChecklistGroup]:
    """一表通查: every item of the tasks of ``visits`` (a visit and those merged with it) once,
    grouped by the item's department (in the departments' order), each with its questions."""
    task_ids = {v.task_id for v in visits}
    versions = (
        ItemVersion.objects.filter(tasks__in=task_ids)
        .distinct()
        .select_related("item__department")
        .prefetch_related(Prefetch("questions", queryset=ChecklistQuestion.objects.order_by("position", "pk")))
        .order_by("item__department__sort_order", "item__department_id", "item__code")
    )
    groups: dict[int, ChecklistGroup] = {}
    for version in versions:
        department = version.item.department
        group = groups.setdefault(department.pk, ChecklistGroup(department, []))
        group.items.append(ChecklistItem(version, list(version.questions.all())))
    return list(groups.values())


def visit_page(visit: Visit) -> VisitPage:
    """What the visit page shows of ``visit`` (fetched through ``access.get_visit_for_user``):
    the team, the object's licences, the merged visit with its other visits, the checklist."""
    team = list(_team_queryset().filter(visit=visit))
    merged_visit = merged_visit_of(visit)
    merged_with: list[Visit] = []
    if merged_visit is not None:
        merged_with = list(
            Visit.objects.filter(
                merged_visit_memberships__merged_visit=merged_visit, merged_visit_memberships__is_active=True
            )
            .exclude(pk=visit.pk)
            .select_related("task__lead_department")
            .prefetch_related(
                Prefetch("members", queryset=_team_queryset()),
                Prefetch("task__participating_departments", queryset=Department.objects.order_by("sort_order", "pk")),
            )
            .order_by("task__code")
        )
    licences = list(
        ObjectLicence.objects.filter(inspection_object=visit.inspection_object, retired_at__isnull=True)
        .select_related("kind")
        .order_by("kind__name", "number")
    )
    return VisitPage(visit, team, merged_visit, merged_with, checklist_for([visit, *merged_with]), licences)


# ------------------------------------------------------------------ 检查码, 到场登记, 企业评价/投诉
# (issue 13, item 3; i13-code)


def visit_code_of(visit: Visit | int) -> VisitCode | None:
    return VisitCode.objects.filter(visit=visit).first()


def check_in_of(visit: Visit | int) -> VisitCheckIn | None:
    return VisitCheckIn.objects.filter(visit=visit).select_related("checked_in_by", "inspector").first()


def visit_feedback(visit: Visit | int) -> list[VisitFeedback]:
    """The enterprise's feedback on one visit, newest first (for those who may read it)."""
    return list(VisitFeedback.objects.filter(visit=visit).order_by("-created_at", "-id"))


class FeedbackKind:
    RATING = "rating"
    COMPLAINT = "complaint"

    @staticmethod
    def choices() -> list[tuple[str, str]]:
        return [(FeedbackKind.RATING, _("仅评价")), (FeedbackKind.COMPLAINT, _("投诉"))]


def feedback_for_departments(
    departments: frozenset[int] | None, *, department_id: int | None = None, kind: str | None = None
) -> QuerySet[VisitFeedback]:
    """Feedback on the visits of tasks that ``departments`` lead or join (``None``: all), newest
    first, with the visit's object and task; ``department_id`` narrows to one department's,
    ``kind`` to complaints (any with text) or to ratings without a complaint."""
    feedback = VisitFeedback.objects.all()
    for wanted in (departments, None if department_id is None else frozenset({department_id})):
        if wanted is None:
            continue
        through = Task.participating_departments.through
        joined = through.objects.filter(task_id=OuterRef("visit__task_id"), department_id__in=wanted)
        feedback = feedback.filter(Q(visit__task__lead_department_id__in=wanted) | Q(Exists(joined)))
    if kind == FeedbackKind.COMPLAINT:
        feedback = feedback.exclude(complaint="")
    elif kind == FeedbackKind.RATING:
        feedback = feedback.filter(complaint="")
    return feedback.select_related("visit__inspection_object", "visit__task__lead_department").order_by(
        "-created_at", "-id"
    )


# ------------------------------------------------------------------ the visits API (i13-api)


def task_visits_with_state(task: Task, *, state: str | None = None) -> QuerySet[Visit]:
    """Every visit of ``task``, annotated as ``my_visits`` is (for ``my_visit_state``; ``state``
    filters as there), with its object, task and team; for those who read the task's visits."""
    visits = Visit.objects.filter(task=task).annotate(**_state_annotations())
    if state is not None:
        visits = _filter_state(visits, state)
    return (
        visits.select_related("task__lead_department", "inspection_object")
        .prefetch_related(Prefetch("members", queryset=_team_queryset()))
        .order_by("stratum__name", "rank")
    )
