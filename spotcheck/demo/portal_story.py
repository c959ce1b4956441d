"""The demo's living portal (issue 14, item 10): after the inspections' story
(``inspections_story``), results are published, one corrected and one withdrawn, every step
through the publication and result services with the demo accounts as actors, on the last
working day before the load day (after the inspections' steps of that day, so the audit trail
still reads in time order):

- an enterprise inspected by 市场监管 (a task it leads) and by another department (a task that
  department leads): preferably one both tasks drew (the full demo's joint task and the
  overlapping 消防/公安 draw share the objects both draw whole), else the other department's
  first visits (a small demo has a shared one only when its draws happen to share an object);
- more results of 市场监管's story task published on time; one of the story's results
  confirmed long ago published late (逾期) — only when enough of those remain for the deadline
  dashboard (``inspections_story.EARLY_CONFIRMED``: at least two stay overdue);
- a published result corrected (saved with a reason, confirmed by both officers, published with
  a note) and another withdrawn with a note.

The results due soon and overdue of the story (``inspections_story``) stay unpublished, so the
deadline dashboard still lists them on the load day.

An enterprise attaches a statement (企业说明) with its 检查码 and the department accepts it
(``enterprise_statement``); ``demo_data`` then writes the open-data files (bulkdata).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef

from spotcheck.accounts.models import User
from spotcheck.demo.clock import InspectionDays, at, clock_at
from spotcheck.demo.inspections_story import DEMO_DEPARTMENT, _result_data
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections.models import VisitApproval, VisitCode
from spotcheck.inspections.services import visits_approve
from spotcheck.publication.models import PublishedResult
from spotcheck.publication.services import result_publication_correct, result_publication_withdraw, results_publish
from spotcheck.replies.models import EnterpriseReply
from spotcheck.replies.services import reply_accept, reply_submit
from spotcheck.results.models import VisitResult
from spotcheck.results.services import result_confirm, result_save

# Results of 市场监管's tasks published on time besides the shared enterprise's (one of them is
# then corrected, another withdrawn).
SCJG_ON_TIME = 3
# Results of the other department's task published.
OTHER_ON_TIME = 2
# The story's results overdue for publication that must stay unpublished (deadline dashboard).
KEEP_OVERDUE = 2
CORRECTION_REASON = "补充检查情况说明：现场复核后更正检查结果。"
CORRECTION_NOTE = "经复核，原公示的检查结果有误，现予更正。"
WITHDRAWAL_NOTE = "该检查结果所依据的处理决定已被依法撤销，撤下原公示内容。"


class _Moments:
    """The portal story's moments: from 14:00 of its day, three minutes apart (after the
    inspections' steps of the morning)."""

    STEP = dt.timedelta(minutes=3)

    def __init__(self, day: dt.date) -> None:
        self.moment = at(day, 14, 0) - self.STEP

    def next(self) -> dt.datetime:
        self.moment += self.STEP
        return self.moment


@dataclass
class PortalStory:
    """What the story published (for the hooks and the counts)."""

    published: list[PublishedResult] = field(default_factory=list)
    shared_object_id: int | None = None
    corrected: PublishedResult | None = None
    withdrawn: PublishedResult | None = None
    statement: EnterpriseReply | None = None

    def counts(self) -> dict[str, int]:
        departments = {p.notice.department_id for p in self.published}
        return {
            "results_published": len(self.published),
            "results_published_late": sum(1 for p in self.published if not p.on_time),
            "result_notice_departments": len(departments),
            "results_publication_corrected": int(self.corrected is not None),
            "results_withdrawn": int(self.withdrawn is not None),
            "enterprises_with_two_departments": int(self.shared_object_id is not None),
            "enterprise_statements_accepted": int(self.statement is not None),
        }


def _officers(visit: Visit, day: dt.date) -> list[User]:
    """The logins of the visit's first two officers with a login and a certificate valid on
    ``day`` (both confirm its result), or [] when there are fewer."""
    members = [m.inspector for m in visit.members.select_related("inspector__user").order_by("position")]
    users = [i.user for i in members if i.user_id is not None and i.certificate_valid_on(day)]
    return users[:2] if len(users) >= 2 else []


def _open_visits(task: Task, day: dt.date) -> list[tuple[Visit, list[User]]]:
    """The task's visits without a result whose teams can enter and confirm one, in rank order."""
    rows = (
        Visit.objects.filter(task=task)
        .exclude(Exists(VisitResult.objects.filter(visit=OuterRef("pk"))))
        .select_related("task", "inspection_object")
        .order_by("rank", "pk")
    )
    return [(visit, users) for visit in rows if (users := _officers(visit, day))]


def _drawn(lead_scjg: bool) -> list[Task]:
    tasks = Task.objects.filter(status=Task.Status.DRAWN).select_related("lead_department", "draw")
    tasks = (
        tasks.filter(lead_department__code=DEMO_DEPARTMENT)
        if lead_scjg
        else tasks.exclude(lead_department__code=DEMO_DEPARTMENT)
    )
    return list(tasks.order_by("draw__drawn_at", "pk"))


def _choose(day: dt.date, story_task: Task | None) -> tuple[dict[Task, list], dict[Task, list], int | None]:
    """The visits to enter: per 市场监管 task and per task of another department, the shared
    enterprise's visits first (an object both drew, where both teams can confirm), then others."""
    scjg_tasks = _drawn(True)
    if story_task is not None and story_task in scjg_tasks:
        scjg_tasks.remove(story_task)
        scjg_tasks.insert(0, story_task)
    open_scjg = {task: _open_visits(task, day) for task in scjg_tasks}
    open_other = {task: _open_visits(task, day) for task in _drawn(False)}
    return _shared_first(open_scjg, open_other)


def _shared_first(open_scjg: dict[Any, list], open_other: dict[Any, list]) -> tuple[dict, dict, int | None]:
    """The first object with an open visit in a 市场监管 task and in another department's task:
    those two tasks first, each with that visit first (each visit once). Rows are (visit, users)."""
    for task, rows in open_scjg.items():
        # The rows themselves (not copies): the shared one is moved to the front by identity.
        by_object = {row[0].inspection_object_id: row for row in rows}
        for other, other_rows in open_other.items():
            match = next((row for row in other_rows if row[0].inspection_object_id in by_object), None)
            if match is None:
                continue
            first = by_object[match[0].inspection_object_id]
            scjg = {task: [first] + [r for r in rows if r is not first]} | {
                t: r for t, r in open_scjg.items() if t != task
            }
            others = {other: [match] + [r for r in other_rows if r is not match]} | {
                t: r for t, r in open_other.items() if t != other
            }
            return scjg, others, match[0].inspection_object_id
    return open_scjg, open_other, None


def _take(open_visits: dict[Task, list], wanted: int) -> list[tuple[Task, Visit, list[User]]]:
    taken = []
    for task, rows in open_visits.items():
        for visit, users in rows:
            if len(taken) == wanted:
                return taken
            taken.append((task, visit, users))
    return taken


def _enter_and_confirm(visit: Visit, users: list[User], day: dt.date, moments: _Moments) -> VisitResult:
    with clock_at(moments.next()):
        result = result_save(
            actor=users[0], visit=visit, data=_result_data(visit, day, problem=False), base_revision=None
        )
    for user in users:
        with clock_at(moments.next()):
            result_confirm(actor=user, visit_result=result, revision=result.revision)
    return VisitResult.objects.get(pk=result.pk)


def _approve(task: Task, visits: list[Visit], actors: dict[str, User], moments: _Moments) -> int:
    """The lead department's approver approves the story's visits of the task not yet approved
    (only those: a big task's other visits would add an audited approval each to the load)."""
    pending = [
        visit.pk
        for visit in Visit.objects.filter(pk__in=[v.pk for v in visits]).exclude(
            Exists(VisitApproval.objects.filter(visit=OuterRef("pk"), withdrawn_at__isnull=True))
        )
    ]
    if not pending:
        return 0
    approver = actors[f"{task.lead_department.code.lower()}_approver"]
    with clock_at(moments.next()):
        return len(visits_approve(actor=approver, task=task, visits=pending))


def _late_result(story_task: Task | None, day: dt.date, today: dt.date) -> VisitResult | None:
    """One of the story's results whose publication deadline passed before ``day``, when more
    than ``KEEP_OVERDUE`` of them are overdue on ``today`` (those stay on the dashboard)."""
    if story_task is None:
        return None
    overdue = list(
        VisitResult.objects.filter(
            visit__task=story_task,
            status=VisitResult.Status.CONFIRMED,
            publication_due_on__lt=day,
        ).order_by("publication_due_on", "pk")
    )
    return overdue[0] if len(overdue) > KEEP_OVERDUE else None


def create_portal(*, users: dict[str, int], days: InspectionDays, story_task: Task | None) -> dict[str, int]:
    """Publish, correct and withdraw results on the last working day before the load day (see the
    module's docstring). Returns counts."""
    actors = User.objects.in_bulk(list(users.values()))
    actors = {name: actors[pk] for name, pk in users.items()}
    day = days.last
    moments = _Moments(day)
    story = PortalStory()
    open_scjg, open_other, shared = _choose(day, story_task)
    scjg_rows = _take(open_scjg, SCJG_ON_TIME + (1 if shared else 0))
    other_rows = _take(open_other, OTHER_ON_TIME)
    if not scjg_rows:
        return {}
    approvals = 0
    by_task: dict[Task, list[Visit]] = {}
    for task, visit, _users in scjg_rows + other_rows:
        by_task.setdefault(task, []).append(visit)
    for task, visits in by_task.items():
        approvals += _approve(task, visits, actors, moments)
    entered: dict[Task, list[int]] = {}
    for task, visit, officers in scjg_rows + other_rows:
        entered.setdefault(task, []).append(_enter_and_confirm(visit, officers, day, moments).pk)
    late = _late_result(story_task, day, days.today)
    if late is not None:
        entered.setdefault(late.visit.task, []).insert(0, late.pk)
    for task, ids in entered.items():
        publisher = actors[f"{task.lead_department.code.lower()}_admin"]
        with clock_at(moments.next()):
            story.published += results_publish(actor=publisher, task=task, result_ids=ids)
    story.shared_object_id = shared if other_rows and shared else None
    _correct_and_withdraw(story, scjg_rows, actors, day, moments)
    # Hooks for features other helpers build; the lead wires them (issue 14, item 10).
    enterprise_statement(story=story, actors=actors, moment=moments.next())
    return {**story.counts(), "portal_visits_approved": approvals}


def _correct_and_withdraw(
    story: PortalStory, rows: list[tuple[Task, Visit, list[User]]], actors: dict[str, User], day, moments: _Moments
) -> None:
    """The last two of 市场监管's on-time results: the second last corrected (saved again with a
    reason, confirmed by both officers, published with a note), the last withdrawn with a note.
    The shared enterprise's result (the first) is left as published."""
    candidates = rows[1:] if story.shared_object_id else rows
    if len(candidates) < 2:
        return
    (task, visit, officers), (withdrawn_task, withdrawn_visit, _) = candidates[-2], candidates[-1]
    publisher = actors[f"{task.lead_department.code.lower()}_admin"]
    result = VisitResult.objects.get(visit=visit)
    with clock_at(moments.next()):
        result = result_save(
            actor=officers[0],
            visit=visit,
            data=_result_data(visit, day, problem=True, note="复核发现未按规定公示年度报告信息。"),
            base_revision=result.revision,
            reason=CORRECTION_REASON,
        )
    for user in officers:
        with clock_at(moments.next()):
            result_confirm(actor=user, visit_result=result, revision=result.revision)
    with clock_at(moments.next()):
        story.corrected = result_publication_correct(
            actor=publisher, visit_result=VisitResult.objects.get(pk=result.pk), reason=CORRECTION_NOTE
        )
    shown = PublishedResult.objects.get(visit_result__visit=withdrawn_visit, state=PublishedResult.State.CURRENT)
    with clock_at(moments.next()):
        withdrawer = actors[f"{withdrawn_task.lead_department.code.lower()}_admin"]
        story.withdrawn = result_publication_withdraw(actor=withdrawer, published=shown, reason=WITHDRAWAL_NOTE)


# ----------------------------------------------------------------------------------- hooks


def enterprise_statement(*, story: PortalStory, actors: dict[str, User], moment: dt.datetime) -> None:
    """The enterprise of a published result (the one with results of two departments where there
    is one) attaches a statement with its visit's 检查码, and the lead department accepts it: the
    portal shows it beside the result (企业说明（已审核）)."""
    current = list(
        PublishedResult.objects.filter(pk__in=[p.pk for p in story.published], state=PublishedResult.State.CURRENT)
        .select_related("notice__department", "visit_result")
        .order_by("pk")
    )
    shared = [p for p in current if p.inspection_object_id == story.shared_object_id]
    row = (shared or current or [None])[0]
    if row is None:
        return
    code = VisitCode.objects.get(visit_id=row.visit_result.visit_id).code
    reviewer = actors[f"{row.notice.department.code.lower()}_admin"]
    with clock_at(moment):
        reply = reply_submit(
            published=row,
            code=code,
            kind=EnterpriseReply.Kind.STATEMENT,
            text="本企业已于检查后完善进货查验记录，相关台账可供查阅。",
        )
        reply_accept(actor=reviewer, reply=reply)
    story.statement = reply
