"""Whether a result has been published (一公开).

A result counts towards "due" and "overdue" until a version of it has been published
(``publication.PublishedResult``, issue 14); the dashboard and the reminders ask only here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from spotcheck.publication.models import PublishedResult
from spotcheck.results.models import VisitResult


def unpublished(results: QuerySet[VisitResult]) -> QuerySet[VisitResult]:
    return results.exclude(Exists(PublishedResult.objects.filter(visit_result=OuterRef("pk"))))
