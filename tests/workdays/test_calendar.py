"""Deadline arithmetic over the real 2026 calendar (国务院办公厅 notice for 2026, as the
installed chinesecalendar has it): 国庆 1–7 October with Sunday 20 September and Saturday
10 October worked; 春节 15–23 February with Saturdays 14 and 28 February worked."""

from __future__ import annotations

import datetime as dt

import pytest

from spotcheck.workdays.calendar import Deadline, WorkingCalendar, YearTable, package_knows
from spotcheck.workdays.deadlines import correction_deadline, publication_deadline

D = dt.date.fromisoformat
PACKAGE_ONLY = WorkingCalendar()


def add(start: str, n: int, calendar: WorkingCalendar = PACKAGE_ONLY) -> Deadline:
    return calendar.add_working_days(D(start), n)


def test_the_installed_package_knows_2026_and_not_2027():
    # If a newer chinesecalendar knows 2027, the boundary tests below need another year.
    assert package_knows(2026) and not package_knows(2027)


def test_national_day_2026_and_its_saturday_make_up_day():
    assert not PACKAGE_ONLY.is_working_day(D("2026-10-01"))
    assert not PACKAGE_ONLY.is_working_day(D("2026-10-07"))
    assert PACKAGE_ONLY.is_working_day(D("2026-10-10"))  # Saturday, 调休上班
    assert PACKAGE_ONLY.is_working_day(D("2026-09-20"))  # Sunday, 调休上班
    assert not PACKAGE_ONLY.is_working_day(D("2026-10-11"))
    # Counting from the next day: the holiday week counts for nothing, the Saturday counts.
    assert add("2026-09-30", 1) == Deadline(D("2026-10-08"), provisional=False)
    assert add("2026-09-30", 3).date == D("2026-10-10")
    assert add("2026-09-30", 4).date == D("2026-10-12")
    assert add("2026-09-30", 8).date == D("2026-10-16")
    # Backwards: the working day before Monday 12 October is that Saturday.
    assert add("2026-10-12", -1).date == D("2026-10-10")


def test_spring_festival_2026():
    assert PACKAGE_ONLY.is_working_day(D("2026-02-14"))  # Saturday, 调休上班
    assert not PACKAGE_ONLY.is_working_day(D("2026-02-16"))
    assert not PACKAGE_ONLY.is_working_day(D("2026-02-23"))  # Monday, still 春节
    assert add("2026-02-13", 1).date == D("2026-02-14")
    assert add("2026-02-13", 2).date == D("2026-02-24")
    assert add("2026-02-13", 6).date == D("2026-02-28")  # Saturday, 调休上班
    assert add("2026-02-13", 7).date == D("2026-03-02")


def test_publication_deadline_is_twenty_working_days_after_confirmation(settings):
    # Confirmed Friday 25 September: three days before 国庆, then the holiday week is skipped.
    assert publication_deadline(D("2026-09-25"), calendar=PACKAGE_ONLY) == Deadline(D("2026-10-29"), False)
    assert publication_deadline(D("2026-02-10"), calendar=PACKAGE_ONLY).date == D("2026-03-16")
    assert correction_deadline(D("2026-09-30"), calendar=PACKAGE_ONLY).date == D("2026-10-13")
    settings.SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS = 3
    assert publication_deadline(D("2026-09-30"), calendar=PACKAGE_ONLY).date == D("2026-10-10")


def test_the_year_boundary_into_an_unknown_year_is_provisional():
    assert PACKAGE_ONLY.is_provisional(2027) and not PACKAGE_ONLY.is_provisional(2026)
    # 2027 on weekdays: Friday 1 January counts (nobody has said it is a holiday yet).
    assert add("2026-12-31", 1) == Deadline(D("2027-01-01"), provisional=True)
    assert add("2026-12-31", 20) == Deadline(D("2027-01-28"), provisional=True)
    assert str(add("2026-12-31", 20)) == "2027-01-28 provisional"
    # A span that ends on 31 December does not touch 2027.
    assert add("2026-12-24", 5) == Deadline(D("2026-12-31"), provisional=False)
    assert str(add("2026-12-24", 5)) == "2026-12-31"
    # Zero days is the day itself, provisional when its year is unknown.
    assert add("2027-03-03", 0) == Deadline(D("2027-03-03"), provisional=True)


def test_an_entered_year_counts_its_holidays_and_is_not_provisional():
    entered = WorkingCalendar(
        {2027: YearTable(2027, frozenset({D("2027-01-01"), D("2027-01-04")}), frozenset({D("2027-01-09")}))}
    )
    assert not entered.is_provisional(2027)
    assert add("2026-12-31", 1, entered) == Deadline(D("2027-01-05"), provisional=False)
    assert add("2026-12-31", 5, entered).date == D("2027-01-09")  # the entered Saturday


def test_the_entered_table_wins_over_the_package():
    # A (hypothetical) revised 2026 notice: 8 October off as well, 10 October not worked.
    revised = WorkingCalendar({2026: YearTable(2026, frozenset({D("2026-10-08")}), frozenset())})
    assert not revised.is_working_day(D("2026-10-08"))
    assert not revised.is_working_day(D("2026-10-10"))
    # 1–7 October are ordinary weekdays in that table: it replaces the package's year whole.
    assert revised.is_working_day(D("2026-10-01"))
    assert PACKAGE_ONLY.is_working_day(D("2026-10-08"))


@pytest.mark.parametrize("n", [0, 1, 5, 20, 250])
def test_counting_forward_then_back_returns_to_a_working_day(n):
    start = D("2026-09-30")
    there = PACKAGE_ONLY.add_working_days(start, n).date
    assert PACKAGE_ONLY.add_working_days(there, -n).date == start
