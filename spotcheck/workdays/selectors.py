"""Reading the administrator's table (the current notice of every entered year)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

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


def replaced_notice(holiday_year: HolidayYear) -> HolidayYear | None:
    """The notice a load superseded, if any: superseded at the moment the new one was entered
    (``holiday_year_load`` writes both from one clock reading)."""
    return (
        HolidayYear.objects.filter(year=holiday_year.year, superseded_at=holiday_year.entered_at)
        .exclude(pk=holiday_year.pk)
        .select_related("entered_by")
        .first()
    )


def replaced_notice_text(holiday_year: HolidayYear) -> str:
    """One sentence for the person who loaded ``holiday_year``: what it replaced, by whom and
    when — above all when another administrator loaded the same year a moment before."""
    previous = replaced_notice(holiday_year)
    if previous is None:
        return ""
    return _("已取代此前的 %(year)d 年节假日安排（%(notice)s，%(who)s 于 %(when)s 录入），旧安排保留在记录中。") % {
        "year": previous.year,
        "notice": previous.notice,
        "who": previous.entered_by.display_name if previous.entered_by else _("服务器命令行"),
        "when": timezone.localtime(previous.entered_at).strftime("%Y-%m-%d %H:%M:%S"),
    }
