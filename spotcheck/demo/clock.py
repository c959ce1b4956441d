"""When the demo's story happens: the moments of its steps, in Asia/Shanghai office hours on
working days, in the order the loader takes them and none later than now, and a clock that
makes the services (and the audit trail they write) take those moments as "now".

The services read the time from ``django.utils.timezone.now``; the demo sets that clock around
each step (``at``) instead of giving the services a way to back-date what they record, so the
time on a task page, in its record's notice and in its audit entries is the same moment. The
loader runs alone in its process (``manage.py demo_data``), so patching the module's function
for the length of one step touches no one else.

A year's story: the region's data are loaded in the December before, the plans are drafted
then too and go through 提交 → 审核 → 备案 → 公布 in January; the tasks then run one after
another, each frozen and announced on one day, its two witnesses entering their inputs on the
next two, drawn on the fourth; then one task's inspections (``InspectionDays``) take the
last five weeks or so before the load day. Those days are counted back from the load day so
that on it the deadline dashboard (/deadlines/) has a row in each of its lists, whatever the
day: results confirmed long enough ago to be overdue for publication and others due within the
warning working days, the first task's window just over, the joint task's ending within the
warning days. A demo loaded early in a year (before the tasks fit after January's plans)
spreads the setup, plans and tasks evenly before those days instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

# The platform's one calendar (the administrator's table, else chinesecalendar, else weekdays).
from spotcheck.workdays import calendar
from spotcheck.workdays.calendar import is_working_day

# Office hours (the steps fall between these).
OPENS = dt.time(9, 0)
CLOSES = dt.time(17, 30)
# Task blocks the story keeps room for: two single-department draws, the second one's redraw
# (demo14), the joint draw, the draw overlapping it, the task waiting for witnesses and the task
# left frozen.
TASK_BLOCKS = 7
# Working days of one task block: announced on day 0, inputs on days 1 and 2, drawn on day 3
# (which is day 0 of the next block, in the morning before the next task is created).
BLOCK_DAYS = 3


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_before(day: dt.date) -> dt.date:
    return add_working_days(day, -1)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """``count`` working days after (or before, if negative) the working day ``day``."""
    return calendar.add_working_days(day, count).date


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` in Shanghai."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """``timezone.now()`` answers ``moment`` inside the block (auto_now fields, the services'
    times and the audit entries' included)."""
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = real_now


@dataclass(frozen=True)
class TaskMoments:
    """One task's steps: created, frozen, announced, the witnesses' inputs, drawn."""

    created: dt.datetime
    frozen: dt.datetime
    announced: dt.datetime
    inputs: tuple[dt.datetime, dt.datetime]
    drawn: dt.datetime

    def all(self) -> list[dt.datetime]:
        return [self.created, self.frozen, self.announced, *self.inputs, self.drawn]


@dataclass(frozen=True)
class PlanMoments:
    """The plans' steps: every plan drafted, then each step for all plans in turn (so the audit
    trail reads in time order). ``step(name, n)`` is the n-th plan's moment of that step."""

    drafted: dt.datetime
    submitted: dt.datetime
    approved: dt.datetime
    filed: dt.datetime
    published: dt.datetime
    # Plans take their turn a quarter of an hour apart on the same day.
    spacing: dt.timedelta = dt.timedelta(minutes=15)

    STEPS = ("drafted", "submitted", "approved", "filed", "published")

    def step(self, name: str, position: int) -> dt.datetime:
        return getattr(self, name) + position * self.spacing


@dataclass(frozen=True)
class InspectionDays:
    """The working days of the demo's inspections (``inspections_story``) and the
    tasks' windows, counted back from the load day ``today`` so that on it the deadline
    dashboard lists visits near and past their window's end and results due for publication
    soon and overdue (SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS after the confirmation,
    SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS and SPOTCHECK_VISIT_WINDOW_WARNING_DAYS ahead)."""

    today: dt.date
    # Approved, checked in, a photo, the results entered.
    start: dt.date
    # The first results confirmed: their publication deadline is before today (overdue).
    overdue_confirmed: dt.date
    # One of them corrected with a reason and confirmed again (its deadline stays).
    corrected: dt.date
    # The other results confirmed: their deadline falls within the warning working days.
    due_confirmed: dt.date
    # Follow-ups opened (a 责令改正 due a few days later, overdue today) and one closed.
    followups: dt.date
    closed: dt.date
    # The last working day before today: the first task's window ends; a 责令改正 opened.
    last: dt.date
    # The joint task's window ends within the warning days.
    soon_end: dt.date

    @classmethod
    def before(cls, today: dt.date) -> InspectionDays:
        publication = settings.SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS
        # Due this many working days after the first working day from today: within the warning.
        ahead = max(0, min(2, settings.SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS - 1))
        due_on = add_working_days(working_day_on_or_after(today), ahead)
        due_confirmed = add_working_days(due_on, -publication)
        # Confirmed ``ahead + 2`` working days earlier: due two working days before today's.
        overdue_confirmed = add_working_days(due_confirmed, -(ahead + 2))
        followups = add_working_days(due_confirmed, 1)
        return cls(
            today=today,
            start=working_day_before(overdue_confirmed),
            overdue_confirmed=overdue_confirmed,
            corrected=add_working_days(overdue_confirmed, 1),
            due_confirmed=due_confirmed,
            followups=followups,
            closed=add_working_days(followups, 2),
            last=working_day_before(today),
            soon_end=today + dt.timedelta(days=max(0, min(3, settings.SPOTCHECK_VISIT_WINDOW_WARNING_DAYS))),
        )


@dataclass(frozen=True)
class Story:
    setup: dt.datetime
    plans: PlanMoments
    tasks: tuple[TaskMoments, ...]
    # After the last draw: the joint office's review of merge proposals and its yearly cap.
    merges: dt.datetime
    rule: dt.datetime
    inspections: InspectionDays

    def moments(self) -> list[dt.datetime]:
        """Every moment before the inspections, in the order the loader uses them."""
        return [
            self.setup,
            *(self.plans.step(name, n) for name in PlanMoments.STEPS for n in (0, PLANS_AT_MOST - 1)),
            *(moment for task in self.tasks for moment in task.all()),
            self.merges,
            self.rule,
        ]


# Room for this many plans a step (their moments are SPACING apart).
PLANS_AT_MOST = 8


# Minutes each block's steps move by (position % 3), so the tasks do not all tick alike:
# (created, frozen, announced, first input, second input, drawn) as (hour, minute).
_BLOCK_TIMES = (
    ((9, 40), (10, 10), (15, 30), (10, 20), (14, 45), (9, 30)),
    ((9, 50), (10, 35), (16, 5), (9, 55), (15, 40), (9, 35)),
    ((9, 45), (11, 20), (14, 50), (11, 5), (14, 15), (9, 25)),
)


def _task_block(day: dt.date, position: int) -> TaskMoments:
    created, frozen, announced, first, second, drawn = _BLOCK_TIMES[position % len(_BLOCK_TIMES)]
    return TaskMoments(
        created=at(day, *created),
        frozen=at(day, *frozen),
        announced=at(day, *announced),
        inputs=(at(add_working_days(day, 1), *first), at(add_working_days(day, 2), *second)),
        drawn=at(add_working_days(day, BLOCK_DAYS), *drawn),
    )


def story(anchor: dt.date, now: dt.datetime) -> Story:
    """The moments of a demo of ``anchor``'s year loaded at ``now``: strictly increasing, the
    inspections on the days before the anchor (or today, if earlier), none later than now."""
    year = anchor.year
    filed_on = working_day_on_or_after(dt.date(year, 1, 20))  # by the 31 January deadline
    plans = PlanMoments(
        drafted=at(working_day_on_or_after(dt.date(year - 1, 12, 21)), 9, 30),
        submitted=at(add_working_days(filed_on, -7), 10),
        approved=at(add_working_days(filed_on, -4), 10),
        filed=at(filed_on, 10),
        published=at(add_working_days(filed_on, 3), 10),
    )
    setup = at(add_working_days(plans.drafted.date(), -5), 9)
    inspections = InspectionDays.before(min(anchor, timezone.localdate(now)))
    # The tasks end on the last working day before their inspections start.
    last_day = working_day_before(inspections.start)
    first_day = add_working_days(last_day, -BLOCK_DAYS * TASK_BLOCKS)
    tasks = tuple(_task_block(add_working_days(first_day, BLOCK_DAYS * n), n) for n in range(TASK_BLOCKS))
    merges = at(last_day, 16)
    result = Story(
        setup=setup, plans=plans, tasks=tasks, merges=merges, rule=at(last_day, 16, 30), inspections=inspections
    )
    moments = result.moments()
    if all(a < b for a, b in itertools.pairwise(moments)) and moments[-1] <= now:
        return result
    return _spread(result, min(now, at(inspections.start, OPENS.hour)))


def _spread(ideal: Story, end: dt.datetime) -> Story:
    """The same steps spread evenly from the setup (or 60 days before ``end``, if that is
    earlier) up to ``end`` (the inspections' first morning, or now): for a demo loaded before
    the year's story fits (early in the year)."""
    start = min(ideal.setup, end - dt.timedelta(days=60))
    count = len(ideal.moments())
    step = (end - start) / count
    moments = iter([start + step * n for n in range(count)])

    def take(n: int) -> list[dt.datetime]:
        return [next(moments) for _ in range(n)]

    setup = next(moments)
    firsts_and_lasts = take(2 * len(PlanMoments.STEPS))
    plans = PlanMoments(*firsts_and_lasts[0::2], spacing=step * 2 / PLANS_AT_MOST)
    tasks = []
    for _ in ideal.tasks:
        created, frozen, announced, first, second, drawn = take(6)
        tasks.append(TaskMoments(created, frozen, announced, (first, second), drawn))
    merges, rule = take(2)
    return Story(setup=setup, plans=plans, tasks=tuple(tasks), merges=merges, rule=rule, inspections=ideal.inspections)
