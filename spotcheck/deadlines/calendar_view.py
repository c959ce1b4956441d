"""The calendar page's data: what the platform knows of each year, and a year as months."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

from spotcheck.workdays.calendar import WorkingCalendar, package_knows
from spotcheck.workdays.models import HolidayYear

# The first year the chinesecalendar package has.
FIRST_PACKAGE_YEAR = 2004
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass
class YearState:
    year: int
    # The administrator's current notice, and the ones it replaced (newest first).
    entered: HolidayYear | None = None
    superseded: list[HolidayYear] = field(default_factory=list)
    package: bool = False

    @property
    def provisional(self) -> bool:
        return self.entered is None and not self.package


def year_states(today: dt.date) -> list[YearState]:
    """Every year from the package's first to next year (or the last entered), newest first."""
    notices = list(HolidayYear.objects.select_related("entered_by").order_by("-year", "-entered_at"))
    last = max([today.year + 1, *(n.year for n in notices)])
    states = {y: YearState(y, package=package_knows(y)) for y in range(FIRST_PACKAGE_YEAR, last + 1)}
    for notice in notices:
        state = states.setdefault(notice.year, YearState(notice.year, package=package_knows(notice.year)))
        if notice.superseded_at is None:
            state.entered = notice
        else:
            state.superseded.append(notice)
    return [states[y] for y in sorted(states, reverse=True)]


@dataclass(frozen=True)
class Day:
    date: dt.date
    # "working", "weekend", "holiday" (放假) or "workday" (调休上班: a weekend day worked).
    kind: str
    name: str = ""


def _package_name(day: dt.date) -> str:
    try:
        _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return _CHINESE_NAMES.get(name, "") if name else ""


Month = tuple[int, list[list[Day | None]]]


def year_months(year: int, calendar: WorkingCalendar, entered: HolidayYear | None) -> list[Month]:
    """(month, weeks Monday to Sunday; None outside the month) for the twelve months."""
    names = {d.date: d.name for d in entered.days.all()} if entered is not None else {}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[Day | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                working, weekend = calendar.is_working_day(day), day.weekday() >= 5
                name = names.get(day, "") if entered is not None else _package_name(day)
                if working:
                    kind = "workday" if weekend else "working"
                else:
                    kind = "holiday" if (not weekend or name) else "weekend"
                row.append(Day(day, kind, name if kind in ("holiday", "workday") else ""))
            weeks.append(row)
        months.append((month, weeks))
    return months
