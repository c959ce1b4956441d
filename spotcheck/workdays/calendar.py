"""The platform's one working-day calendar: which days are 工作日 and what date lies N working
days after another.

Precedence for a year: the administrator's table (the State Council's holiday notice entered
with ``manage.py workdays load``) wins; else the ``chinesecalendar`` package where it knows the
year; else Monday to Friday, and every answer that looked at such a year is *provisional* (the
notice for it is not out or not entered yet).

The arithmetic is pure: ``WorkingCalendar`` works over the entered years handed to it.
The module-level functions load the current table from the database for one answer; code that
asks many questions loads it once (``selectors.current_calendar()``) and asks that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class YearTable:
    """One year as the administrator entered it: its holidays and its 调休 working days (every
    other day is a working day from Monday to Friday)."""

    year: int
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    # True when the count passed through a year nobody knows the holidays of yet.
    provisional: bool

    def __str__(self) -> str:
        return f"{self.date.isoformat()} provisional" if self.provisional else self.date.isoformat()


@cache
def package_knows(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has the holidays of ``year`` (it raises
    NotImplementedError for the years it lacks)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkingCalendar:
    entered: Mapping[int, YearTable] = field(default_factory=dict)

    def is_provisional(self, year: int) -> bool:
        return year not in self.entered and not package_knows(year)

    def is_working_day(self, day: dt.date) -> bool:
        table = self.entered.get(day.year)
        if table is not None:
            if day in table.holidays:
                return False
            if day in table.workdays:
                return True
            return day.weekday() < 5
        if package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start``, counting from the next day (day 1 is the
        first working day after ``start``; a negative ``n`` counts back from the day before;
        0 is ``start`` itself). Provisional when a day looked at lies in an unknown year."""
        step = _DAY if n >= 0 else -_DAY
        day = start
        provisional = self.is_provisional(start.year) if n == 0 else False
        remaining = abs(n)
        while remaining:
            day += step
            provisional = provisional or self.is_provisional(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return Deadline(date=day, provisional=provisional)


def _current() -> WorkingCalendar:
    from spotcheck.workdays.selectors import current_calendar  # the database, only when asked

    return current_calendar()


def is_working_day(day: dt.date) -> bool:
    return _current().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> Deadline:
    return _current().add_working_days(start, n)


def is_provisional(year: int) -> bool:
    return _current().is_provisional(year)
