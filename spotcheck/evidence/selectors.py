"""证据材料 reads: a visit's evidence by checklist item, and the items an upload may name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from spotcheck.catalog.models import ItemVersion
from spotcheck.draws.models import Visit
from spotcheck.evidence.access import visits_together
from spotcheck.evidence.models import Evidence
from spotcheck.inspections.selectors import ChecklistGroup, checklist_for


@dataclass
class EvidenceGroup:
    """The evidence of one checklist item (``version``), or of the visit as a whole (None)."""

    version: ItemVersion | None
    evidence: list[Evidence] = field(default_factory=list)


def checklist_of(visit: Visit) -> list[ChecklistGroup]:
    """The visit's checklist (一表通查), its merged visits' items included."""
    return checklist_for(Visit.objects.filter(pk__in=visits_together(visit)))


def checklist_versions(checklist: Iterable[ChecklistGroup]) -> list[ItemVersion]:
    return [entry.version for group in checklist for entry in group.items]


def evidence_of_visits(visit_ids: Iterable[int]) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(visit_id__in=list(visit_ids))
        .select_related("uploaded_by", "withdrawn_by", "visit__task", "item_version__item")
        .order_by("uploaded_at", "id")
    )


def evidence_by_item(visit: Visit, checklist: list[ChecklistGroup]) -> list[EvidenceGroup]:
    """The evidence of the visit and of the visits merged with it: first that of the visit as a
    whole, then per checklist item in the checklist's order (withdrawn pieces included)."""
    groups = {None: EvidenceGroup(None)} | {v.pk: EvidenceGroup(v) for v in checklist_versions(checklist)}
    for evidence in evidence_of_visits(visits_together(visit)):
        # An item no longer on the checklist (a merge dissolved since) still shows, on its own.
        group = groups.get(evidence.item_version_id)
        if group is None:
            group = groups[evidence.item_version_id] = EvidenceGroup(evidence.item_version)
        group.evidence.append(evidence)
    return list(groups.values())
