"""Reads of the directory, always narrowed to what the requesting user's scope may see."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy, pgettext

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import Scope
from spotcheck.audit.actions import action_label
from spotcheck.audit.models import AuditEntry
from spotcheck.core.counting import COUNT_CAP
from spotcheck.directory.filters import ObjectFilter
from spotcheck.directory.models import Industry, InspectionObject, LevelChange, ObjectLicence, Penalty, Tag

OBJECT_TARGET_TYPE = InspectionObject._meta.label_lower
# What a row of the list (and of the exports) shows besides the object's own columns.
LIST_RELATED = ("region", "industry", "owner_department")


def objects_for_scope(scope: Scope) -> QuerySet[InspectionObject]:
    """Objects a user may read: all for region-wide roles, else those their department
    entered or supervises (not a department where the user is only a witness)."""
    qs = InspectionObject.objects.select_related(*LIST_RELATED)
    departments = scope.data_read_departments
    if departments is None:
        return qs
    return objects_of_departments(qs, departments)


def objects_of_departments(qs: QuerySet[InspectionObject], departments: Iterable[int]) -> QuerySet[InspectionObject]:
    """The objects of ``qs`` that one of ``departments`` owns or supervises."""
    departments = list(departments)
    if not departments:
        return qs.none()
    supervised = InspectionObject.supervising_departments.through.objects.filter(
        inspectionobject_id=OuterRef("pk"), department_id__in=departments
    )
    return qs.filter(Q(owner_department_id__in=departments) | Q(Exists(supervised)))


def objects_for_export(scope: Scope) -> QuerySet[InspectionObject]:
    """What the user exports (``access.export_object_departments`` decides; raises if none)."""
    from spotcheck.directory.access import export_object_departments  # access imports this module

    qs = InspectionObject.objects.select_related(*LIST_RELATED)
    departments = export_object_departments(scope)
    return qs if departments is None else objects_of_departments(qs, departments)


def object_filter(scope: Scope, params: Mapping[str, Any] | None) -> ObjectFilter:
    """The bound filter set (its form renders the filter bar and carries any errors)."""
    return ObjectFilter(params if params is not None else {}, queryset=objects_for_scope(scope))


def search_objects(scope: Scope, params: Mapping[str, Any] | None) -> QuerySet[InspectionObject]:
    """The objects matching a query string (see ``ObjectFilter``); retired ones are hidden
    unless ``include_retired`` is set. Invalid parameters are ignored, not guessed."""
    return object_filter(scope, params).qs


# A name search shows at most this many matches (sorted by code) and says "more than" beyond:
# the platform's one cap on counts (dash13: core.counting, the deadline dashboard's too).
SEARCH_CAP = COUNT_CAP
TEXT_SEARCH_PARAMS = ("q", "name", "code")
NAME_FRAGMENT_PARAMS = ("q", "name")

# What reading the first matches costs on PostgreSQL, in microseconds, measured at 10^6 objects
# on a 2-core machine (bench/bench_search.py): a scan in table order pays UPPER and LIKE on
# every Chinese name it passes; the trigram index pays for every match of the fragment in its
# posting list, then a heap page per match it returns.
_SCAN_ROW_US = 1.3
_POSTING_US = 0.25
_FETCH_US = 10.0


def _scan_costs_more(estimated_matches: float, table_rows: float, wanted: int) -> bool:
    """Whether a scan in table order that stops after ``wanted`` matches would cost more than
    reading them through the trigram index, by the planner's estimate of the matches."""
    if estimated_matches <= 0 or table_rows <= 0:
        return True
    scanned = min(table_rows, wanted * table_rows / estimated_matches)
    through_index = estimated_matches * _POSTING_US + min(estimated_matches, wanted) * _FETCH_US
    return scanned * _SCAN_ROW_US > through_index


def _has_trigram(fragment: str) -> bool:
    # pg_trgm takes its trigrams from runs of letters and digits: a fragment without a run of
    # three may give none, and the index would then be read whole. Such fragments are left to
    # the planner.
    run = 0
    for ch in fragment:
        run = run + 1 if ch.isalnum() else 0
        if run >= 3:
            return True
    return False


def _scans_in_table_order(plan: Mapping[str, Any], table: str) -> bool:
    """Whether the plan walks ``table`` row by row (a sequential scan, or an index read in
    its order) rather than through a bitmap of the matches."""
    if plan.get("Relation Name") == table and plan.get("Node Type") in {"Seq Scan", "Index Scan"}:
        return True
    return any(_scans_in_table_order(child, table) for child in plan.get("Plans", ()))


def _first_matches(queryset: QuerySet, params: Mapping[str, Any], wanted: int) -> list[tuple[str, int]]:
    """(code, id) of the first ``wanted`` matches in no particular order.

    PostgreSQL prices UPPER and LIKE as cheap operators, but on a Chinese name they take
    about 1.3 µs, so for a fragment in one name of fifty it would rather scan the table until
    it has ``wanted`` matches (50–150 ms at 10^6 objects) than read them through the trigram
    index (10–20 ms). Its estimate of how many names hold the fragment is good, though: when
    it plans such a scan, ``_scan_costs_more`` weighs the scan by that estimate, and the scan
    is ruled out for this query when it loses. Common fragments (溧阳市, 有限公司) keep the
    scan, which stops after a few thousand rows. Without statistics (a table just loaded,
    before autovacuum analyses it) the planner expects every fragment to be rare and takes
    the index: the most common fragments then cost 50–150 ms.
    """
    rows = queryset.order_by().values_list("public_code", "pk")[:wanted]
    fragments = [str(params.get(key) or "").strip() for key in NAME_FRAGMENT_PARAMS]
    fragments = [f for f in fragments if f]
    if connection.vendor != "postgresql" or not fragments or not all(_has_trigram(f) for f in fragments):
        return list(rows)
    table = InspectionObject._meta.db_table
    sql, sql_params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", sql_params)
        plan = cursor.fetchone()[0]
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        scan_costs_more = False
        if plan.get("Node Type") == "Limit" and _scans_in_table_order(plan, table):
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            scan_costs_more = _scan_costs_more(plan["Plans"][0]["Plan Rows"], cursor.fetchone()[0], wanted)
        if not scan_costs_more:
            cursor.execute(sql, sql_params)
            return cursor.fetchall()
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
        cursor.execute(sql, sql_params)
        found = cursor.fetchall()
        if nested:  # transaction-local settings would last as long as the caller's transaction
            cursor.execute(
                "SELECT set_config(name, reset_val, true) FROM pg_settings "
                "WHERE name IN ('enable_seqscan', 'enable_indexscan')"
            )
    return found


class CappedMatches:
    """The matches of a text search, for ``Paginator``: at most ``cap`` of them, in code order.

    Sorting every match of a common fragment (有限公司 …) by code costs a sort of hundreds of
    thousands of rows, and letting PostgreSQL walk the code index instead is a trap when the
    matches cluster at one end of it (all 农民专业合作社 codes start 93…). So the first ``cap``
    matches found are taken, unordered (``_first_matches``), and only those are sorted.

    A page then reads its own rows by id, nothing else (issue 12, item 12): repeating the
    search's conditions there let PostgreSQL, which may underestimate how many names hold a
    fragment, plan the page as a walk through every match filtered by id (100–300 ms for a
    common fragment at 10^6 objects), and reading all ``cap`` rows to sort them cost more in
    Python than the sort. The ids come from the scoped, filtered query a moment before.
    Codes sort in Python as the database sorts them: they are ASCII, and the database is
    C.UTF-8 collated (SQLite: binary).
    """

    def __init__(
        self, queryset: QuerySet[InspectionObject], cap: int | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        cap = SEARCH_CAP if cap is None else cap
        matches = _first_matches(queryset, params or {}, cap + 1)
        self.truncated = len(matches) > cap
        self.cap = cap
        self._ids = [pk for _, pk in sorted(matches[:cap])]

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: slice) -> list[InspectionObject]:
        ids = self._ids[index]
        if not ids:
            return []
        rows = InspectionObject.objects.select_related(*LIST_RELATED).filter(pk__in=ids).in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


def is_text_search(params: Mapping[str, Any]) -> bool:
    return any(str(params.get(key) or "").strip() for key in TEXT_SEARCH_PARAMS)


def object_list_results(scope: Scope, params: Mapping[str, Any]) -> tuple[ObjectFilter, Any]:
    """The filter set and what the list page pages through: all matches in code order, or for
    a text search the capped matches (see ``CappedMatches``)."""
    filterset = object_filter(scope, params)
    if filterset.is_valid() and is_text_search(params):
        return filterset, CappedMatches(filterset.qs, params=params)
    return filterset, filterset.qs


def object_detail_queryset(scope: Scope) -> QuerySet[InspectionObject]:
    """Everything the detail page shows, in a fixed number of queries."""
    return (
        objects_for_scope(scope)
        .select_related("industry__parent", "region__parent")
        .prefetch_related(
            "tags",
            "supervising_departments",
            Prefetch(
                "licences", queryset=ObjectLicence.objects.select_related("kind").order_by("retired_at", "kind__code")
            ),
            Prefetch("penalties", queryset=Penalty.objects.select_related("department")),
        )
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ObjectHistory:
    """Newest first: the level history and every audit entry about the object. Each entry
    carries ``action_label`` and ``field_changes`` (readable before→after rows)."""

    level_changes: list[LevelChange]
    audit_entries: list[AuditEntry]


def object_history(obj: InspectionObject) -> ObjectHistory:
    level_changes = list(obj.level_changes.select_related("recorded_by").order_by("-effective_on", "-id"))
    entries = list(
        AuditEntry.objects.filter(target_type=OBJECT_TARGET_TYPE, target_id=str(obj.pk))
        .select_related("actor", "department")
        .order_by("-seq")
    )
    changes = describe_changes(entries)
    for entry in entries:
        entry.action_label = action_label(entry.action)
        entry.field_changes = changes[entry.pk]
    return ObjectHistory(level_changes=level_changes, audit_entries=entries)


# --- turning audit snapshots into readable rows -----------------------------------------------

_EXTRA_LABELS = {
    "reason": gettext_lazy("原因"),
    "level_reason": gettext_lazy("等级变更原因"),
    "level_source": gettext_lazy("等级依据来源"),
    "effective_on": gettext_lazy("生效日期"),
    "source": gettext_lazy("依据来源"),
    "licence": gettext_lazy("许可证"),
    "licences": gettext_lazy("许可证"),
}
_REFERENCES: dict[str, tuple[type, str]] = {
    "region_id": (Region, "name"),
    "industry_id": (Industry, "name"),
    "owner_department_id": (Department, "short_name"),
    "department_id": (Department, "short_name"),
    "tags": (Tag, "name"),
    "supervising_departments": (Department, "short_name"),
}
_HIDDEN_KEYS = {"id", "licence_id", "inspection_object_id"}
# Show an entry's rows in the order of the form, not alphabetically.
_FIELD_ORDER = {
    key: index
    for index, key in enumerate(
        [f.attname for f in InspectionObject._meta.concrete_fields]
        + [f.name for f in InspectionObject._meta.many_to_many]
        + ["level_reason", "level_source", "effective_on", "reason", "source"]
    )
}


def _field_label(key: str) -> str:
    if key in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[key])
    name = key.removesuffix("_id")
    try:
        return str(InspectionObject._meta.get_field(name).verbose_name)
    except Exception:
        return key


def _choice_labels() -> dict[str, dict[Any, str]]:
    labels: dict[str, dict[Any, str]] = {}
    for f in InspectionObject._meta.concrete_fields:
        if f.choices:
            labels[f.attname] = {value: str(label) for value, label in f.choices}
    return labels


def describe_changes(entries: list[AuditEntry]) -> dict[int, list[FieldChange]]:
    """Readable before→after rows: choice values as their labels, references as names
    (one query per referenced table for the whole page, not one per entry)."""
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for side in (entry.before or {}, entry.after or {}):
            for key, value in side.items():
                if key in _REFERENCES and value not in (None, ""):
                    model = _REFERENCES[key][0]
                    wanted.setdefault(model, set()).update(value if isinstance(value, list) else [value])
    names: dict[type, dict[int, str]] = {}
    for model, ids in wanted.items():
        attr = next(a for m, a in _REFERENCES.values() if m is model)
        names[model] = {pk: str(label) for pk, label in model.objects.filter(pk__in=ids).values_list("pk", attr)}
    choices = _choice_labels()

    def show(key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return gettext("是") if value else gettext("否")
        if key in _REFERENCES:
            lookup = names.get(_REFERENCES[key][0], {})
            items = value if isinstance(value, list) else [value]
            return pgettext("list separator", "、").join(lookup.get(v, f"#{v}") for v in items)
        if key in choices:
            return choices[key].get(value, str(value))
        if isinstance(value, list):
            return "；".join(str(v) for v in value)
        return str(value)

    result: dict[int, list[FieldChange]] = {}
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        keys = sorted(
            (k for k in {*after, *before} if k not in _HIDDEN_KEYS),
            key=lambda k: (_FIELD_ORDER.get(k, len(_FIELD_ORDER)), k),
        )
        if entry.before is None:
            # A creation: list what was entered, not every empty field.
            keys = [k for k in keys if after.get(k) not in (None, "", [], False)]
        result[entry.pk] = [
            FieldChange(_field_label(k), show(k, before.get(k)) if k in before else "", show(k, after.get(k)))
            for k in keys
        ]
    return result
