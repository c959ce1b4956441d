"""The portal search's tables (``PublicObject``, ``PublicObjectResult``; issue 14, item 3), kept
by the publication services in the same transaction as the published rows they reflect: after
every publication, correction or withdrawal the objects it touched are rebuilt here from their
shown ``PublishedResult`` rows. Only what is public goes in: the name, code and USCC as the
public record holds them, and the region and industry of the object (public attributes, as the
national publicity system shows 登记机关 and 所属行业)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spotcheck.accounts.models import Department
from spotcheck.directory.models import InspectionObject
from spotcheck.publication.models import PublicObject, PublicObjectResult, PublishedResult

SHOWN = (PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN)


def name_bigrams(name: str) -> str:
    """The pairs of characters of ``name``, upper-cased, without whitespace, space-separated with a
    space at each end (the GIN index reads them as an array; the same rule splits a fragment)."""
    return " " + " ".join(fragment_bigrams(name)) + " "


def fragment_bigrams(text: str) -> list[str]:
    upper = text.upper()
    pairs = {upper[i : i + 2] for i in range(len(upper) - 1)}
    return sorted(p for p in pairs if not any(ch.isspace() for ch in p))


def _rows_of(record: dict[str, Any], lead_department_id: int, departments: dict[str, int]) -> set[tuple]:
    """(department, problem found, code) of one published record: each item's codes under its own
    department and, for a joint task, under the lead department (抽查机关) too. "Problem found"
    is the result's, as that department sees it: whether any of its items found one (the lead
    department: any item)."""
    by_department: dict[int, list[dict[str, Any]]] = {lead_department_id: []}
    for item in record.get("items", []):
        by_department[lead_department_id].append(item)
        dept = departments.get(item["department"]["code"])
        if dept is not None and dept != lead_department_id:
            by_department.setdefault(dept, []).append(item)
    rows: set[tuple] = set()
    for department_id, items in by_department.items():
        problem = any(item["problem_found"] for item in items)
        # A result without codes (not carried out: not found, closed …) still is one.
        codes = {code for item in items for code in item.get("codes") or []} or {""}
        rows.update((department_id, problem, code) for code in codes)
    return rows


# Rows written per INSERT (SQLite's limit on a statement's parameters stays far off).
BATCH = 500
_OBJECT_FIELDS = [
    "public_code",
    "uscc",
    "name",
    "name_bigrams",
    "region",
    "industry",
    "result_count",
    "latest_completed_on",
    "problem_found",
]


def refresh(object_ids: Iterable[int]) -> None:
    """Rebuild the search rows of ``object_ids`` from their shown published results. Called
    inside the publication services' transactions (they hold the rows' locks).

    A handful of queries whatever the number of objects (scale14): one read of their shown
    results and one of their attributes, one delete of their result rows and one of the
    objects left with nothing shown, then the objects written in one upsert per ``BATCH``
    and their result rows inserted likewise — a task of hundreds of results is rebuilt in
    the same few statements as one."""
    object_ids = sorted(set(object_ids))
    if not object_ids:
        return
    shown = (
        PublishedResult.objects.filter(inspection_object_id__in=object_ids, state__in=SHOWN)
        .select_related("notice")
        .order_by("inspection_object_id", "-completed_on", "-pk")
    )
    by_object: dict[int, list[PublishedResult]] = {}
    for row in shown:
        by_object.setdefault(row.inspection_object_id, []).append(row)
    departments = dict(Department.objects.values_list("code", "pk"))
    attributes = {
        pk: (region, industry)
        for pk, region, industry in InspectionObject.objects.filter(pk__in=object_ids).values_list(
            "pk", "region_id", "industry_id"
        )
    }
    PublicObjectResult.objects.filter(public_object_id__in=object_ids).delete()
    PublicObject.objects.filter(pk__in=set(object_ids) - set(by_object)).delete()
    objects: list[PublicObject] = []
    results: list[PublicObjectResult] = []
    for object_id, rows in by_object.items():
        # The name as last published, as the enterprise's page shows it.
        record = rows[0].record["object"]
        current = [r for r in rows if r.state == PublishedResult.State.CURRENT]
        region_id, industry_id = attributes.get(object_id, (None, None))
        objects.append(
            PublicObject(
                inspection_object_id=object_id,
                public_code=record["public_code"],
                uscc=record["uscc"] or "",
                name=record["name"],
                name_bigrams=name_bigrams(record["name"]),
                region_id=region_id,
                industry_id=industry_id,
                result_count=len(current),
                # An object with only withdrawn results keeps its page, and its place in the order.
                latest_completed_on=max(r.completed_on for r in (current or rows)),
                problem_found=any(r.problem_found for r in current),
            )
        )
        for r in current:
            for department_id, problem_found, code in sorted(
                _rows_of(r.record, r.notice.department_id, departments), key=str
            ):
                results.append(
                    PublicObjectResult(
                        public_object_id=object_id,
                        department_id=department_id,
                        completed_on=r.completed_on,
                        problem_found=problem_found,
                        code=code,
                    )
                )
    # An object already searchable is updated in place (its row keeps its place), a new one added.
    PublicObject.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["inspection_object"],
        update_fields=_OBJECT_FIELDS,
    )
    PublicObjectResult.objects.bulk_create(results, batch_size=BATCH)
