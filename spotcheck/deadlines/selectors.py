"""The deadline dashboard's lists (期限看板, issue 13 item 10), for a set of departments (None:
all). Their counts stop at ``COUNT_CAP`` ("1,000+", ``core.counting``) and the lists page
through their first ``COUNT_CAP`` rows.

Queries, and the indexes they stand on (PostgreSQL, 10^6 visits and results,
``bench/bench_inspections.py``):
- visits not done: the drawn tasks whose window ends by the horizon (the task table is small:
  thousands of rows), then their visits through ``visit_task_result_idx`` (task, the visit's
  copy of its result's status), both columns as conditions, so that only the visits not done
  are read however many are done;
- results due or overdue: ``result_final_due_idx`` (deadline, id; confirmed or approved
  results), read in the lists' order, so that a page or a capped count stops early; the
  department filter and the approval rule join visit → task → department by primary keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from spotcheck.core.counting import CappedCount, planned_for_capped_counts
from spotcheck.deadlines.finality import final_results, unfinished_statuses
from spotcheck.deadlines.publication import unpublished
from spotcheck.draws.models import Task, Visit
from spotcheck.results.models import VisitResult
from spotcheck.workdays.calendar import Deadline, WorkingCalendar
from spotcheck.workdays.selectors import current_calendar


class Board(StrEnum):
    """The four lists; the value is the list's address on the page."""

    VISITS_SOON = "visits-soon"
    VISITS_LATE = "visits-late"
    RESULTS_DUE = "results-due"
    RESULTS_OVERDUE = "results-overdue"


@dataclass(frozen=True)
class Horizon:
    """The day the dashboard is read and how far it looks ahead."""

    today: dt.date
    # Visits whose window ends on or before this day (calendar days ahead).
    visits_until: dt.date
    # Results whose deadline is on or before this day (working days ahead).
    results_until: Deadline

    @classmethod
    def on(cls, today: dt.date | None = None, calendar: WorkingCalendar | None = None) -> Horizon:
        today = today or timezone.localdate()
        calendar = calendar or current_calendar()
        return cls(
            today=today,
            visits_until=today + dt.timedelta(days=settings.SPOTCHECK_VISIT_WINDOW_WARNING_DAYS),
            results_until=calendar.add_working_days(today, settings.SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS),
        )


def _task_in_departments(departments: frozenset[int] | None, prefix: str = "") -> Q:
    """A task led by one of ``departments`` or joined by it (``prefix``: the path to the task)."""
    if departments is None:
        return Q()
    joined = Task.participating_departments.through.objects.filter(department_id__in=departments)
    return Q(**{f"{prefix}lead_department_id__in": departments}) | Q(**{f"{prefix}pk__in": joined.values("task_id")})


def _open_tasks(departments: frozenset[int] | None) -> QuerySet[Task]:
    return Task.objects.filter(_task_in_departments(departments), status=Task.Status.DRAWN)


TaskRow = tuple[int, dt.date, bool]


def _open_task_rows(departments: frozenset[int] | None, horizon: Horizon) -> list[TaskRow]:
    """(id, window end, whether its lead department approves results) of the drawn tasks whose
    window ends by the horizon: a few thousand at most, from the small task table."""
    tasks = _open_tasks(departments).filter(window_end__lte=horizon.visits_until)
    return list(tasks.values_list("pk", "window_end", "lead_department__results_need_approval"))


def visits_not_done(
    departments: frozenset[int] | None, horizon: Horizon, *, late: bool, task_rows: list[TaskRow] | None = None
) -> QuerySet[Visit]:
    """Visits of drawn tasks with no final result whose window ends within the warning days
    (``late=False``: today or later) or has ended (``late=True``), the nearest end first.
    ``task_rows``: ``_open_task_rows`` read once for both lists."""
    if task_rows is None:
        task_rows = _open_task_rows(departments, horizon)
    # The tasks' visits not done through ``visit_task_result_idx`` (task, the copy of the
    # result's status) with both columns as the index's conditions: only those visits are read,
    # however many are done. With the tasks as subqueries joined by OR, PostgreSQL scanned every
    # visit instead.
    by_approval: dict[bool, list[int]] = {True: [], False: []}
    for pk, window_end, needs_approval in task_rows:
        if (window_end < horizon.today) == late:
            by_approval[needs_approval].append(pk)
    not_done = Q(pk__in=[])
    for needs_approval, task_ids in by_approval.items():
        if task_ids:
            not_done |= Q(task_id__in=task_ids, result_state__in=unfinished_statuses(needs_approval))
    return (
        Visit.objects.filter(not_done)
        .select_related("task", "task__lead_department", "inspection_object")
        .order_by("task__window_end", "task_id", "rank", "pk")
    )


def results_to_publish(departments: frozenset[int] | None, horizon: Horizon, *, overdue: bool) -> QuerySet[VisitResult]:
    """Final results not yet published whose deadline falls within the warning working days
    (``overdue=False``: today or later) or has passed (``overdue=True``), the nearest first."""
    results = unpublished(final_results())
    if overdue:
        results = results.filter(publication_due_on__lt=horizon.today)
    else:
        results = results.filter(
            publication_due_on__gte=horizon.today, publication_due_on__lte=horizon.results_until.date
        )
    if departments is not None:
        results = results.filter(_task_in_departments(departments, "visit__task__"))
    return results.select_related(
        "visit", "visit__task", "visit__task__lead_department", "visit__inspection_object"
    ).order_by("publication_due_on", "pk")


def board_list(
    board: Board, departments: frozenset[int] | None, horizon: Horizon, task_rows: list[TaskRow] | None = None
) -> QuerySet:
    if board in (Board.VISITS_SOON, Board.VISITS_LATE):
        return visits_not_done(departments, horizon, late=board == Board.VISITS_LATE, task_rows=task_rows)
    return results_to_publish(departments, horizon, overdue=board == Board.RESULTS_OVERDUE)


def board_counts(departments: frozenset[int] | None, horizon: Horizon) -> dict[Board, CappedCount]:
    """One count per list, each capped at ``COUNT_CAP`` ("1,000+"): five queries (the open
    tasks, then four counts)."""
    task_rows = _open_task_rows(departments, horizon)
    with planned_for_capped_counts():
        return {board: CappedCount.of(board_list(board, departments, horizon, task_rows)) for board in Board}
