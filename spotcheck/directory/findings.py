"""风险记录 (ObjectFinding): the problems found on an object, with their source. The apps above
write them (the follow-ups app, when an inspection result with a problem is confirmed); the
object's page lists them and the object filter's ``findings_within_days`` selects on them.

The writers here check no role: they are called inside the service that made the source
(confirming a result), which checked its own permission; the entry is audited under that
actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.directory.models import InspectionObject, ObjectFinding

# The object page lists this many entries, the newest first.
OBJECT_FINDINGS_SHOWN = 50


def standing_finding(source_kind: str, source_key: str) -> ObjectFinding | None:
    return (
        ObjectFinding.objects.select_for_update()
        .filter(source_kind=source_kind, source_key=source_key, retired_at__isnull=True)
        .first()
    )


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    obj: InspectionObject,
    department: Department,
    found_on: dt.date,
    source_kind: str,
    source_key: str,
    source_reference: str,
    codes: Sequence[str],
    summary: str,
) -> ObjectFinding:
    """Write the standing entry of a source: a new one, or the one there updated when the source
    changed (a corrected result that still has a problem). Writing the same again changes
    nothing and audits nothing."""
    values = {
        "inspection_object": obj,
        "department": department,
        "found_on": found_on,
        "source_reference": source_reference[:255],
        "codes": sorted(codes),
        "summary": summary[:500],
    }
    finding = standing_finding(source_kind, source_key)
    if finding is None:
        finding = ObjectFinding(source_kind=source_kind, source_key=source_key, **values)
        finding.full_clean()
        finding.save()
        audit_record(
            actor=actor,
            action="directory.finding.record",
            target=obj,
            after=snapshot(finding),
            department_id=department.pk,
        )
        return finding
    before = snapshot(finding)
    for field, value in values.items():
        setattr(finding, field, value)
    after = snapshot(finding, fields=[f for f in before if f != "updated_at"])
    if {k: v for k, v in before.items() if k in after} == after:
        return finding
    finding.full_clean()
    finding.save()
    audit_change(
        actor=actor,
        action="directory.finding.update",
        target=obj,
        before=before,
        after=snapshot(finding),
        department_id=department.pk,
    )
    return finding


@transaction.atomic
def finding_retire(*, actor: Any, source_kind: str, source_key: str, reason: str) -> ObjectFinding | None:
    """Retire the standing entry of a source that no longer holds (kept, with the reason);
    None when there is none."""
    finding = standing_finding(source_kind, source_key)
    if finding is None:
        return None
    before = snapshot(finding)
    finding.retired_at = timezone.now()
    finding.retired_reason = reason[:255]
    finding.save(update_fields=["retired_at", "retired_reason", "updated_at"])
    audit_change(
        actor=actor,
        action="directory.finding.retire",
        target=finding.inspection_object,
        before=before,
        after=snapshot(finding),
        department_id=finding.department_id,
    )
    return finding


def object_findings(obj: InspectionObject) -> QuerySet[ObjectFinding]:
    """The object's entries, standing and retired, the newest first (one query with the
    department). Shared with every department that reads the object (互认)."""
    return ObjectFinding.objects.filter(inspection_object=obj).select_related("department")
