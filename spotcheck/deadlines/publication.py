"""Whether a result has been published (一公开).

Publication of results comes with issue 14 (the disclosure app); until then no result is ever
published, so every final result counts towards "due" and "overdue". When issue 14 adds its
record of publication, this selector filters those out — the dashboard and the reminders ask
only here."""

from __future__ import annotations

from django.db.models import QuerySet

from spotcheck.results.models import VisitResult


def unpublished(results: QuerySet[VisitResult]) -> QuerySet[VisitResult]:
    return results
