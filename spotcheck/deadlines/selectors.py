"""The deadline dashboard's lists (期限看板, issue 13 item 10), for a set of departments (None:
all). Each count is exactly its list's length.

Queries, and the indexes they stand on (PostgreSQL, 10^6 visits and results):
- visits not done: the drawn tasks whose window ends by the horizon (the task table is small:
  thousands of rows), their visits through ``visit_unique_object`` (task_id, …), and the
  anti-join on ``result``'s unique ``visit_id``;
- results due or overdue: a range scan of ``result_status_due_idx`` (status,
  publication_due_on); the department filter joins visit → task by primary keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from spotcheck.deadlines.finality import final_results, visit_done
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


def visits_not_done(departments: frozenset[int] | None, horizon: Horizon, *, late: bool) -> QuerySet[Visit]:
    """Visits of drawn tasks with no final result whose window ends within the warning days
    (``late=False``: today or later) or has ended (``late=True``), the nearest end first."""
    if late:
        tasks = _open_tasks(departments).filter(window_end__lt=horizon.today)
    else:
        tasks = _open_tasks(departments).filter(window_end__gte=horizon.today, window_end__lte=horizon.visits_until)
    return (
        Visit.objects.filter(task__in=tasks.values("pk"))
        .filter(~visit_done())
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


def board_list(board: Board, departments: frozenset[int] | None, horizon: Horizon) -> QuerySet:
    if board in (Board.VISITS_SOON, Board.VISITS_LATE):
        return visits_not_done(departments, horizon, late=board == Board.VISITS_LATE)
    return results_to_publish(departments, horizon, overdue=board == Board.RESULTS_OVERDUE)


def board_counts(departments: frozenset[int] | None, horizon: Horizon) -> dict[Board, int]:
    """One count per list (four queries)."""
    return {board: board_list(board, departments, horizon).order_by().count() for board in Board}
