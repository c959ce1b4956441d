"""Publication deadlines computed again when the calendar learns a year (issue 13, item 10).

A result's deadline is stored when it is confirmed (``publication_due_on``, provisional while
its span touches a year nobody knows the holidays of). Entering a year — or a newer
``chinesecalendar`` that knows it — changes those answers: the upload page and ``manage.py
workdays load`` call ``holiday_year_enter`` (load and recompute in one transaction), and the
daily reminder job recomputes whatever is still provisional."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record
from spotcheck.deadlines.finality import final_result_q
from spotcheck.deadlines.publication import unpublished
from spotcheck.results.models import VisitResult
from spotcheck.workdays.calendar import WorkingCalendar
from spotcheck.workdays.deadlines import publication_deadline
from spotcheck.workdays.models import HolidayYear
from spotcheck.workdays.selectors import current_calendar
from spotcheck.workdays.services import holiday_year_load

# The audit entry names this many results; the count is always whole.
AUDIT_IDS_SHOWN = 200


@transaction.atomic
def publication_deadlines_recompute(
    *, actor: Any, year: int | None = None, calendar: WorkingCalendar | None = None
) -> int:
    """Recompute the deadlines of final, unpublished results: with ``year``, of those whose
    span (confirmation → deadline) touches it, provisional or not (a re-entered notice may move
    a firm deadline too); without, of every provisional one. Writes the changed rows and one
    audit entry with their count; returns the count."""
    calendar = calendar or current_calendar()
    results = unpublished(VisitResult.objects.filter(final_result_q(), confirmed_at__isnull=False))
    if year is None:
        results = results.filter(publication_due_provisional=True)
    else:
        # The confirmation on or before 31 December of the year, the deadline on or after 1 January.
        next_year = dt.datetime(year + 1, 1, 1, tzinfo=timezone.get_default_timezone())
        results = results.filter(confirmed_at__lt=next_year, publication_due_on__gte=dt.date(year, 1, 1))
    changed: list[VisitResult] = []
    fields = ("pk", "confirmed_at", "publication_due_on", "publication_due_provisional")
    for result in results.select_for_update().only(*fields):
        deadline = publication_deadline(timezone.localdate(result.confirmed_at), calendar=calendar)
        if (deadline.date, deadline.provisional) != (result.publication_due_on, result.publication_due_provisional):
            result.publication_due_on, result.publication_due_provisional = deadline.date, deadline.provisional
            changed.append(result)
    if not changed:
        return 0
    VisitResult.objects.bulk_update(changed, ["publication_due_on", "publication_due_provisional"], batch_size=500)
    audit_record(
        actor=actor,
        action="deadlines.publication.recompute",
        target_type="results.visitresult",
        target_repr=_("%(n)d 条检查结果的公示期限") % {"n": len(changed)},
        after={
            "year": year,
            "count": len(changed),
            "still_provisional": sum(r.publication_due_provisional for r in changed),
            "results": [[r.pk, r.publication_due_on, r.publication_due_provisional] for r in changed][:AUDIT_IDS_SHOWN],
        },
    )
    return len(changed)


@transaction.atomic
def holiday_year_enter(
    *, actor: Any, year: int, notice: str, rows: Iterable[tuple[int, Mapping[str, Any]]]
) -> tuple[HolidayYear, int]:
    """Enter a year's holiday notice (``holiday_year_load``: all rows or none) and recompute the
    publication deadlines its span touches, together. Returns the year and the number of
    results whose deadline changed."""
    loaded = holiday_year_load(actor=actor, year=year, notice=notice, rows=rows)
    return loaded, publication_deadlines_recompute(actor=actor, year=loaded.year)
