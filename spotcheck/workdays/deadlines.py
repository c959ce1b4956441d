"""The disclosure deadlines (RULES.md, Disclosure), in working days counted from the next day."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from spotcheck.workdays.calendar import Deadline, WorkingCalendar


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    from spotcheck.workdays.selectors import current_calendar

    return current_calendar()


def publication_deadline(confirmed_on: dt.date, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """When a result confirmed on ``confirmed_on`` must be public at the latest
    (SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS, 20 by default)."""
    return _calendar(calendar).add_working_days(confirmed_on, settings.SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS)


def correction_deadline(decided_on: dt.date, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """When a published result that was revoked or corrected on ``decided_on`` must be taken
    down or corrected at the latest (SPOTCHECK_CORRECTION_WORKING_DAYS, 5 by default)."""
    return _calendar(calendar).add_working_days(decided_on, settings.SPOTCHECK_CORRECTION_WORKING_DAYS)
