"""Reads of the inspectors directory. Every read that a person makes goes through a scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.audit.models import AuditEntry

# access fetches through these selectors and they ask it who sees recusals: module imports.
from spotcheck.inspectors import access
from spotcheck.inspectors.models import Inspector, Qualification, Recusal


def inspectors_for_scope(scope: Scope) -> QuerySet[Inspector]:
    """The roster a user reads: every department's for region-wide roles, else their
    departments' (not one where they are only a witness)."""
    qs = Inspector.objects.select_related("department")
    departments = scope.data_read_departments
    if departments is None:
        return qs
    return qs.filter(department_id__in=departments)


def inspectors_for_export(scope: Scope) -> QuerySet[Inspector]:
    """What the user exports (``access.export_inspector_departments`` decides; raises if none)."""
    return Inspector.objects.select_related("department").filter(
        department_id__in=access.export_inspector_departments(scope)
    )


def inspector_list(scope: Scope) -> QuerySet[Inspector]:
    """What the list page and the API list show: the scope's inspectors with their qualifications."""
    return inspectors_for_scope(scope).prefetch_related("qualifications")


def inspector_detail_queryset(scope: Scope) -> QuerySet[Inspector]:
    return inspectors_for_scope(scope).select_related("user").prefetch_related("qualifications", "jurisdictions")


def with_qualifications(qs: QuerySet[Inspector], codes: Iterable[str]) -> QuerySet[Inspector]:
    """Inspectors holding every qualification in ``codes`` (DRAW-SPEC §4: quals ⊇ slot.quals)."""
    through = Inspector.qualifications.through
    for code in sorted(set(codes)):
        qs = qs.filter(
            Exists(through.objects.filter(inspector_id=OuterRef("pk"), qualification__code=code)),
        )
    return qs


def matchable_inspectors(
    on_date: dt.date,
    department_ids: Iterable[int] | None = None,
    qualification_codes: Iterable[str] = (),
) -> QuerySet[Inspector]:
    """Inspectors who may be matched to work on ``on_date``: not retired, at work that day,
    and (for certificate holders) with a 执法证 valid that day. Optionally only some
    departments, and only holders of every qualification in ``qualification_codes``.

    This is the roster source of the draw; it is not scoped to a person (the task that
    asks for it has already been authorised). Ordered by id, as the roster digest is."""
    qs = Inspector.objects.filter(Inspector.matchable_q(on_date)).select_related("department")
    if department_ids is not None:
        qs = qs.filter(department_id__in=list(department_ids))
    return with_qualifications(qs, qualification_codes).order_by("id")


def active_qualifications() -> QuerySet[Qualification]:
    return Qualification.objects.filter(is_active=True)


def recusals_for_scope(scope: Scope) -> QuerySet[Recusal]:
    """Recusals are private to the inspector's department and to auditors (and system admins)."""
    qs = Recusal.objects.select_related(
        "inspector", "inspector__department", "inspection_object", "created_by", "ended_by"
    )
    departments = access.recusal_departments(scope)
    if departments is None:
        return qs
    if not departments:
        return qs.none()
    return qs.filter(inspector__department_id__in=departments)


def active_recusal_pairs(inspector_ids: Iterable[int] | None = None) -> QuerySet[Recusal]:
    """(object id, inspector id) of every active recusal: the draw's exclusions."""
    qs = Recusal.objects.filter(ended_at__isnull=True)
    if inspector_ids is not None:
        qs = qs.filter(inspector_id__in=list(inspector_ids))
    return qs.values_list("inspection_object_id", "inspector_id").order_by("inspection_object_id", "inspector_id")


def inspector_history(inspector: Inspector, limit: int = 100) -> QuerySet[AuditEntry]:
    """The inspector's own audit entries (recusal entries are kept apart: they are private)."""
    return (
        AuditEntry.objects.filter(target_type=inspector._meta.label_lower, target_id=str(inspector.pk))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
