"""Changing the working calendar: loading a year's holiday notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record
from spotcheck.workdays.access import may_load_holiday_year
from spotcheck.workdays.models import CalendarDay, HolidayYear

# Years a notice can be for (a typo such as 207 or 20277 is refused, not stored).
FIRST_YEAR, LAST_YEAR = 2000, 2200
# What the file may say in the kind column: the code, or the label a person reads.
_KINDS = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY,
    "放假": CalendarDay.Kind.HOLIDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
}
_NAME_LENGTH = CalendarDay._meta.get_field("name").max_length
_NOTICE_LENGTH = HolidayYear._meta.get_field("notice").max_length
# Tries of a load against concurrent loads of the same year (each a new one that committed first).
CONCURRENT_LOAD_ATTEMPTS = 3


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    # 2027-1-1 as Excel writes it when the cell is not formatted as a date.
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None
    return None


def _validated_days(year: int, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> list[CalendarDay]:
    """Every row checked; all problems raised at once, each naming its row and column."""
    errors: list[str] = []
    days: list[CalendarDay] = []
    first_row_of: dict[dt.date, int] = {}

    def refuse(row: int, column: str, message: str) -> None:
        errors.append(
            _("第 %(row)d 行 %(column)s 列：%(message)s") % {"row": row, "column": column, "message": message}
        )

    for row, values in rows:
        raw_date, raw_kind, name = values.get("date"), _text(values.get("kind")), _text(values.get("name"))
        day = _parse_date(raw_date)
        kind = _KINDS.get(raw_kind.lower())
        if day is None:
            refuse(row, "date", _("“%(value)s”不是日期，应写作 2027-01-01。") % {"value": _text(raw_date)})
        elif day.year != year:
            refuse(row, "date", _("%(date)s 不在 %(year)d 年内。") % {"date": day.isoformat(), "year": year})
        elif day in first_row_of:
            refuse(
                row,
                "date",
                _("%(date)s 与第 %(first)d 行重复。") % {"date": day.isoformat(), "first": first_row_of[day]},
            )
        else:
            first_row_of[day] = row
        if kind is None:
            refuse(row, "kind", _("“%(value)s”不是 holiday（放假）或 workday（调休上班）。") % {"value": raw_kind})
        if len(name) > _NAME_LENGTH:
            refuse(row, "name", _("超过 %(n)d 个字。") % {"n": _NAME_LENGTH})
        if day is not None and kind is not None:
            days.append(CalendarDay(date=day, kind=kind, name=name))
    if errors:
        raise ValidationError(errors)
    return days


def _replace_current(*, year: int, notice: str, entered_by: Any) -> tuple[HolidayYear, dict[str, Any] | None]:
    """Supersede the year's current notice (waiting for a load that holds it) and insert the new
    one; an IntegrityError if a concurrent load of a year not entered before got there first."""
    previous = HolidayYear.objects.select_for_update().filter(year=year, superseded_at__isnull=True).first()
    # Taken after the wait, so that a notice is never superseded before it was entered.
    now = timezone.now()
    before = None
    if previous is not None:
        before = {"holiday_year_id": previous.pk, "notice": previous.notice, "days": previous.days.count()}
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    holiday_year = HolidayYear(year=year, notice=notice, entered_by=entered_by, entered_at=now)
    # The one-current-notice constraint is the database's to enforce: checked here, it would
    # refuse a load that can still replace a concurrent one (the caller retries on it).
    holiday_year.full_clean(validate_constraints=False)
    holiday_year.save()
    return holiday_year, before


@transaction.atomic
def holiday_year_load(
    *, actor: Any, year: int, notice: str, rows: Iterable[tuple[int, Mapping[str, Any]]]
) -> HolidayYear:
    """Enter the holidays and 调休 working days of ``year`` from its State Council notice:
    all rows or none. ``rows`` are ``(row number as a person counts it, {"date", "kind",
    "name"})``. A year entered before is superseded (kept, no longer counted): also when
    another load of the year runs at the same time — this one waits for it, then replaces it.

    ``actor`` is the system admin, or None for the server's shell."""
    if not may_load_holiday_year(actor):
        raise PermissionDenied(_("只有系统管理员可以录入节假日安排。"))
    notice = _text(notice)
    problems: list[str] = []
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(_("年度应为 %(first)d 至 %(last)d 之间的年份。") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if not notice:
        problems.append(_("请填写节假日安排通知的文号或标题。"))
    elif len(notice) > _NOTICE_LENGTH:
        problems.append(_("节假日安排通知不能超过 %(n)d 个字。") % {"n": _NOTICE_LENGTH})
    if problems:
        raise ValidationError(problems)
    days = _validated_days(year, rows)

    entered_by = actor if getattr(actor, "is_authenticated", False) else None
    for attempt in range(1, CONCURRENT_LOAD_ATTEMPTS + 1):
        try:
            # A savepoint: a load of the same year committed meanwhile rolls back only this try.
            with transaction.atomic():
                holiday_year, before = _replace_current(year=year, notice=notice, entered_by=entered_by)
            break
        except IntegrityError:
            # Another load of this year inserted its row first and has committed (PostgreSQL
            # makes this insert wait for it): try again, now superseding what it wrote, as a
            # load after it would. In READ COMMITTED each statement sees what it committed.
            if attempt == CONCURRENT_LOAD_ATTEMPTS:
                raise ValidationError(
                    _("%(year)d 年的节假日安排正由他人同时录入，本次未写入任何数据，请稍后重试。") % {"year": year}
                ) from None
    for day in days:
        day.holiday_year = holiday_year
    CalendarDay.objects.bulk_create(sorted(days, key=lambda d: d.date))
    audit_record(
        actor=actor,
        action="workdays.year.load",
        target=holiday_year,
        before=before,
        after={
            "year": year,
            "notice": notice,
            "days": [[d.date, d.kind, d.name] for d in sorted(days, key=lambda d: d.date)],
        },
    )
    return holiday_year
