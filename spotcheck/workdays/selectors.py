"""Reading the administrator's table (the current notice of every entered year)."""

from __future__ import annotations

from collections import defaultdict

from spotcheck.workdays.calendar import WorkingCalendar, YearTable
from spotcheck.workdays.models import CalendarDay, HolidayYear


def current_years():
    """The notices that count (one per year, the latest load), newest year first."""
    return HolidayYear.objects.filter(superseded_at__isnull=True).select_related("entered_by")


def current_calendar() -> WorkingCalendar:
    """The working calendar with every entered year (one query; a few dozen rows a year)."""
    holidays: dict[int, set] = defaultdict(set)
    workdays: dict[int, set] = defaultdict(set)
    years: set[int] = set()
    # A LEFT JOIN: a year entered with no rows (every day Monday to Friday) still counts.
    rows = HolidayYear.objects.filter(superseded_at__isnull=True).values_list("year", "days__date", "days__kind")
    for year, day, kind in rows:
        years.add(year)
        if day is not None:
            (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays)[year].add(day)
    return WorkingCalendar(
        {year: YearTable(year, frozenset(holidays[year]), frozenset(workdays[year])) for year in years}
    )
