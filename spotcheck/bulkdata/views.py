"""The open-data pages of the portal (bulk14): the list of bulk files (/public/data/), their
download, the manifest, and the data dictionary. No login; only what the portal shows."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import condition, require_GET, require_safe

from spotcheck.accounts.models import Department
from spotcheck.bulkdata.fields import CODE_LISTS, FIELDS, RECORD_FIELDS, TYPE_LABELS
from spotcheck.bulkdata.models import BulkFile
from spotcheck.bulkdata.services import bulk_root, manifest

FILES_PER_PAGE = 100
CONTENT_TYPES = {BulkFile.Format.CSV: "text/csv; charset=utf-8", BulkFile.Format.JSON: "application/json"}


def _licence_context() -> dict:
    return {
        # The default text is in the catalogue (bulkdata.licence), so English readers get it too;
        # an operator's own text is shown as written.
        "licence_text": gettext(settings.SPOTCHECK_OPEN_DATA_LICENCE),
        "licence_url": settings.SPOTCHECK_OPEN_DATA_LICENCE_URL,
        "last_update": BulkFile.objects.aggregate(last=Max("updated_at"))["last"],
    }


def clean_text(value: str | None, limit: int) -> str:
    """A request's text as a lookup takes it: no NUL (PostgreSQL refuses it), at most ``limit``."""
    return (value or "").replace("\x00", "").strip()[:limit]


def _year(value: str | None) -> int | None:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) == 4:
        return int(text)
    return None


@require_GET
def data_index_view(request):
    files = BulkFile.objects.select_related("department").order_by(
        "-year", "department__sort_order", "department__code", "kind", "format"
    )
    year = _year(request.GET.get("year"))
    code = clean_text(request.GET.get("department"), 16)
    department = Department.objects.filter(code=code).first() if code else None
    if year is not None:
        files = files.filter(year=year)
    if department is not None:
        files = files.filter(department=department)
    page_obj = Paginator(files, FILES_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("year", year), ("department", department.code if department else None)) if v}
    return render(
        request,
        "bulkdata/index.html",
        {
            "page_obj": page_obj,
            "querystring": urlencode(query),
            "years": sorted({y for y in BulkFile.objects.values_list("year", flat=True) if y}, reverse=True),
            "departments": Department.objects.filter(
                pk__in=BulkFile.objects.filter(department__isnull=False).values("department")
            ).order_by("sort_order", "code"),
            "year": year,
            "department": department,
        }
        | _licence_context(),
    )


def _public_file(name: str) -> BulkFile:
    row = BulkFile.objects.filter(name=clean_text(name, 100)).first()
    if row is None or not (bulk_root() / row.name).is_file():
        raise Http404
    return row


def _etag(request, name: str) -> str | None:
    row = BulkFile.objects.filter(name=clean_text(name, 100)).only("sha256").first()
    return f'"{row.sha256}"' if row else None


def _last_modified(request, name: str):
    row = BulkFile.objects.filter(name=clean_text(name, 100)).only("updated_at").first()
    return row.updated_at if row else None


@require_safe  # HEAD too: a mirror asks for the ETag only
@condition(etag_func=_etag, last_modified_func=_last_modified)
def data_file_view(request, name: str):
    """One bulk file, as an attachment; If-None-Match / If-Modified-Since answer 304."""
    row = _public_file(name)
    response = FileResponse(
        (bulk_root() / row.name).open("rb"), content_type=CONTENT_TYPES[row.format], as_attachment=True
    )
    response["Content-Disposition"] = content_disposition_header(True, row.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Checksum-SHA256"] = row.sha256
    return response


@require_safe
def data_manifest_view(request):
    """Every file with its SHA-256, size, row count and update time, and the licence."""
    content = json.dumps(manifest(), ensure_ascii=False, indent=1, sort_keys=True).encode()
    response = HttpResponse(content, content_type="application/json")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def dictionary_view(request):
    kinds = [
        {"kind": kind, "label": BulkFile.Kind(kind).label, "fields": _field_rows(FIELDS[kind])}
        for kind in BulkFile.Kind.values
    ]
    return render(
        request,
        "bulkdata/dictionary.html",
        {
            "kinds": kinds,
            "record_fields": _field_rows(RECORD_FIELDS),
            "code_lists": list(CODE_LISTS.values()),
        }
        | _licence_context(),
    )


def _field_rows(fields) -> list[dict]:
    return [
        {
            "key": f.key,
            "meaning": f.meaning,
            "type": TYPE_LABELS[f.type],
            "codes": CODE_LISTS[f.codes] if f.codes else None,
        }
        for f in fields
    ]
