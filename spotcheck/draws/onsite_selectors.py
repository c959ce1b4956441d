"""Reads of the on-site cap per body (``onsite.py``): the caps of a region's departments with
how many objects are at them, the yearly statistics, and the on-site inspection records a
user may read (the over-cap ones flagged to the coordinator)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import Scope
from spotcheck.draws.models import DepartmentOnSiteCap, OnSiteInspection
from spotcheck.draws.onsite import YEAR, caps_for, counted_rows


@dataclass(frozen=True)
class DepartmentCap:
    """One department's line on the rules page."""

    department: Department
    cap: int | None  # None: no cap
    own: DepartmentOnSiteCap | None  # None or follows_default: the platform's default
    at_cap: int  # objects at or over the cap now

    @property
    def follows_default(self) -> bool:
        return self.own is None or self.own.follows_default


def region_departments(region_id: int | None) -> QuerySet:
    return Department.objects.filter(region_id=region_id, is_active=True).order_by("sort_order", "code")


def department_caps(region_id: int | None, now: dt.datetime | None = None) -> list[DepartmentCap]:
    """Every active department of the region with its cap and how many objects it has
    inspected on site as often as its cap in the 365 days before ``now`` (three queries)."""
    now = now or timezone.now()
    departments = list(region_departments(region_id))
    ids = [d.pk for d in departments]
    caps = caps_for(ids)
    own = {row.department_id: row for row in DepartmentOnSiteCap.objects.filter(department_id__in=ids)}
    at_cap: Counter = Counter()
    capped = [caps[pk] for pk in ids if caps[pk] is not None]
    if capped:
        # Only the pairs at the smallest cap or more come back; each is checked against its own.
        pairs = (
            counted_rows()
            .filter(department_id__in=ids, inspected_at__gte=now - YEAR, inspected_at__lte=now)
            .values("department_id", "inspection_object_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=min(capped))
            .values_list("department_id", "n")
        )
        for department_id, n in pairs:
            if caps[department_id] is not None and n >= caps[department_id]:
                at_cap[department_id] += 1
    return [DepartmentCap(d, caps[d.pk], own.get(d.pk), at_cap[d.pk]) for d in departments]


@dataclass(frozen=True)
class DepartmentYear:
    """One department's on-site inspections in a calendar year (the yearly statistics)."""

    department: Department
    inspections: int  # not withdrawn, every kind
    counted: int  # of which count toward the cap
    over_cap: int
    objects: int  # distinct objects inspected
    repeated: int  # objects inspected more than once


def onsite_statistics(region_id: int | None, year: int, department_ids: set[int] | None = None) -> list[DepartmentYear]:
    """The on-site inspections of each department of the region in ``year`` (Asia/Shanghai),
    or of ``department_ids`` among them: how many, how many counted toward the cap, how many
    over it, how many objects were inspected and how many more than once."""
    departments = region_departments(region_id)
    if department_ids is not None:
        departments = departments.filter(pk__in=department_ids)
    departments = list(departments)
    rows = OnSiteInspection.objects.filter(
        department__in=departments, withdrawn_at__isnull=True, inspected_at__year=year
    )
    totals = {
        row["department_id"]: row
        for row in rows.values("department_id").annotate(
            inspections=Count("pk"),
            counted=Count("pk", filter=Q(counts_toward_cap=True)),
            over_cap=Count("pk", filter=Q(over_cap=True)),
            objects=Count("inspection_object", distinct=True),
        )
    }
    repeated = Counter(
        department_id
        for department_id, _n in rows.values("department_id", "inspection_object_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("department_id", "n")
    )
    empty = {"inspections": 0, "counted": 0, "over_cap": 0, "objects": 0}
    return [
        DepartmentYear(
            department=d,
            repeated=repeated[d.pk],
            **{key: totals.get(d.pk, empty)[key] for key in empty},
        )
        for d in departments
    ]


def onsite_inspections_for_scope(scope: Scope) -> QuerySet:
    """The on-site inspection records of the departments whose working data the scope reads."""
    rows = OnSiteInspection.objects.select_related(
        "department", "inspection_object", "visit__task", "recorded_by", "reviewed_by", "withdrawn_by"
    )
    readable = scope.data_read_departments
    if readable is not None:
        rows = rows.filter(department_id__in=readable)
    return rows


def over_cap_to_review(scope: Scope) -> QuerySet:
    """The coordinator's 待办: over-cap inspections of the region's departments, not withdrawn,
    not yet read."""
    return OnSiteInspection.objects.filter(
        department__region_id=scope.coordinator_region_id,
        over_cap=True,
        withdrawn_at__isnull=True,
        reviewed_at__isnull=True,
    )


def current_year() -> int:
    return timezone.localdate().year
