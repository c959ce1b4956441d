"""Exports of the objects, inspectors and items a user may read, filtered by each app's
FilterSet, written with exactly the import's headers and cell formats so that an exported file,
edited in Excel, imports back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.audit.services import audit_record
from spotcheck.core.spreadsheet import quote_cell, xlsx_cell
from spotcheck.imports.cells import FILE_LANGUAGE, Refs
from spotcheck.imports.columns import COLUMNS_BY_KIND, Column
from spotcheck.imports.readers import Cell

# The FilterSets of the list pages, imported when first needed (each app owns its own).
FILTERSETS: dict[str, str] = {
    "objects": "spotcheck.directory.filters.ObjectFilter",
    "inspectors": "spotcheck.inspectors.filters.InspectorFilter",
    "items": "spotcheck.catalog.filters.ItemFilter",
}
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Query parameters that are about the export itself, not filters.
NON_FILTER_PARAMS = frozenset({"format", "page", "per_page"})
CHUNK = 2000
SHEET_TITLES = {"objects": "检查对象", "inspectors": "执法检查人员", "items": "抽查事项"}


class ExportError(Exception):
    """The filters cannot be applied; the message (Chinese) says why."""


def filterset_class(kind: str):
    try:
        return import_string(FILTERSETS[kind])
    except ImportError:
        return None


def base_queryset(kind: str, scope: Scope) -> QuerySet:
    """The rows ``scope`` may export: each app's access.py says who exports what (those who
    maintain the data) and raises PermissionDenied / Http404 for anyone else."""
    if kind == "objects":
        from spotcheck.directory.selectors import objects_for_export

        return objects_for_export(scope)
    if kind == "inspectors":
        from spotcheck.inspectors.selectors import inspectors_for_export

        return inspectors_for_export(scope)
    if kind == "items":
        from spotcheck.catalog.access import require_item_export
        from spotcheck.catalog.selectors import items_for_scope

        require_item_export(scope)
        return items_for_scope(scope)
    raise ValueError(f"unknown export kind {kind!r}")


def filter_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of a request (a QueryDict keeps lists for repeated keys)."""
    getlist = getattr(params, "getlist", None)
    clean: dict[str, Any] = {}
    for key in params:
        if key in NON_FILTER_PARAMS:
            continue
        values = getlist(key) if getlist else params[key]
        if isinstance(values, list):
            values = [v for v in values if v not in ("", None)]
            if not values:
                continue
            clean[key] = values[0] if len(values) == 1 else values
        elif values not in ("", None):
            clean[key] = values
    return clean


def filtered_queryset(kind: str, scope: Scope, filters: Mapping[str, Any], *, request=None, filterset=None) -> QuerySet:
    queryset = base_queryset(kind, scope)
    filterset = filterset or filterset_class(kind)
    if filterset is None:
        if filters:
            raise ExportError(f"筛选条件暂不可用，无法按“{'、'.join(filters)}”筛选导出。")
        return queryset
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in filters.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)])
    bound = filterset(data, queryset=queryset, request=request)
    if not bound.is_valid():
        problems = "；".join(f"{field}：{'、'.join(msgs)}" for field, msgs in bound.errors.items())
        raise ExportError(f"筛选条件有误：{problems}")
    unknown = set(filters) - set(bound.filters)
    if unknown:
        raise ExportError(f"未知的筛选条件：{'、'.join(sorted(unknown))}。")
    return bound.qs


def filter_words(kind: str, scope: Scope, filters: Mapping[str, Any], *, request=None) -> list[tuple[str, str]]:
    """The filters as a person reads them: each filter's label and the chosen value's name
    (never a code). Call it with filters ``filtered_queryset`` accepted."""
    filterset = filterset_class(kind)
    if filterset is None or not filters:
        return []
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in filters.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)])
    bound = filterset(data, queryset=base_queryset(kind, scope).none(), request=request)
    if not bound.is_valid():
        return []
    words = []
    for key in filters:
        if key not in bound.filters:
            continue
        field = bound.form.fields[key]
        words.append((str(bound.filters[key].label or key), _value_words(field, bound.form.cleaned_data.get(key))))
    return words


def _value_words(field, value) -> str:
    from django.db.models import Model

    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, (list, tuple)) or hasattr(value, "model"):
        return "、".join(_value_words(field, v) for v in value)
    choices = {str(k): str(v) for k, v in getattr(field, "choices", ()) if not isinstance(v, (list, tuple))}
    return choices.get(str(value), str(value))


def _records(kind: str, ids: list[int], scope: Scope) -> dict[int, dict]:
    if kind == "objects":
        from spotcheck.imports.importers.objects import object_records

        return object_records(ids)
    if kind == "inspectors":
        from spotcheck.imports.importers.inspectors import inspector_records

        return inspector_records(ids)
    from spotcheck.imports.importers.items import item_records

    # Other departments' drafts are not theirs to read: export the published version.
    return item_records(ids, published_only=not scope.reads_all, readable_departments=scope.read_departments)


def export_rows(
    kind: str,
    queryset: QuerySet,
    scope: Scope,
    refs: Refs | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[list[Cell]]:
    """The rows of the file; ``progress(done, total)`` is told after each chunk (a job's bar)."""
    refs = refs or Refs()
    columns = COLUMNS_BY_KIND[kind]
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    ids = list(queryset.values_list("pk", flat=True))
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        records = _records(kind, chunk, scope)
        for pk in chunk:
            record = records.get(pk)
            if record is None:
                continue
            yield [column.fmt(record.get(column.field, column.empty), refs) for column in columns]
        if progress is not None:
            progress(start + len(chunk), len(ids))


def write_csv(columns: tuple[Column, ...], rows: Iterator[list[Cell]], out: IO[bytes]) -> int:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly by double click; text that a
    spreadsheet would run as a formula gets a leading quote (``core.spreadsheet``)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([quote_cell(c.header) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else quote_cell(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(columns: tuple[Column, ...], rows: Iterator[list[Cell]], out: IO[bytes], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.header) * 2 + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        header.append(xlsx_cell(sheet, column.header, font=bold))
    sheet.append(header)
    formats = [c.number_format for c in columns]
    count = 0
    for row in rows:
        cells = []
        for value, number_format in zip(row, formats, strict=True):
            cells.append(xlsx_cell(sheet, value, number_format=number_format))
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def export_queryset(
    *, actor: Any, kind: str, filters: Mapping[str, Any], fmt: str, request=None, filterset=None
) -> tuple[Scope, QuerySet]:
    """The rows ``actor`` may export, filtered; raises PermissionDenied / Http404 (the data's
    export rules) or ExportError (a bad format or filter) before anything is written."""
    scope = require_staff(actor)
    if fmt not in FORMATS:
        raise ExportError(f"不支持的导出格式“{fmt}”：可选 xlsx 或 csv。")
    if request is None:
        # FilterSets read the user from the request (choices, visibility of drafts).
        request = SimpleNamespace(user=actor, GET={})
    return scope, filtered_queryset(kind, scope, dict(filters), request=request, filterset=filterset)


# Files and import reports are Chinese whatever language the user browses in.
@translation.override(FILE_LANGUAGE)
def write_export(
    *,
    kind: str,
    fmt: str,
    queryset: QuerySet,
    scope: Scope,
    out: IO[bytes],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the file of ``queryset``'s rows to ``out``; returns the number of rows."""
    columns = COLUMNS_BY_KIND[kind]
    rows = export_rows(kind, queryset, scope, progress=progress)
    return write_csv(columns, rows, out) if fmt == "csv" else write_xlsx(columns, rows, out, SHEET_TITLES[kind])


@transaction.atomic
@translation.override(FILE_LANGUAGE)
def export_write(
    *,
    actor: Any,
    kind: str,
    filters: Mapping[str, Any],
    fmt: str,
    out: IO[bytes],
    request=None,
    filterset=None,
) -> int:
    """Write the rows ``actor`` may read, filtered, to ``out`` at once (the command line; the
    pages run ``export_jobs``); audited with the filters and the row count. Returns the number
    of rows."""
    filters = dict(filters)
    scope, queryset = export_queryset(
        actor=actor, kind=kind, filters=filters, fmt=fmt, request=request, filterset=filterset
    )
    count = write_export(kind=kind, fmt=fmt, queryset=queryset, scope=scope, out=out)
    audit_record(
        actor=actor,
        action=f"imports.{kind}.export",
        target_type="imports.export",
        target_id=kind,
        target_repr=f"导出{SHEET_TITLES[kind]}",
        after={"filters": filters, "rows": count, "format": fmt},
    )
    return count
