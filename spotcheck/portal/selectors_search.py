"""The portal's search of published results (issue 14, item 3; search14): enterprises with a
result shown on the portal, found by a name fragment, USCC or public code, department, region,
industry, result and completion date. It reads the publication's search tables alone
(``PublicObject``, ``PublicObjectResult``), which hold only public fields and are kept by the
publication services; every filter is an index there:

- a name fragment: on PostgreSQL the GIN index on the name's character pairs (two characters
  are enough), rechecked with LIKE; SQLite uses LIKE;
- code: the public code or USCC (b-tree);
- region and industry (with their sub-regions and divisions): the composite indexes that also
  give the order, latest completion first;
- department, result and dates: an EXISTS on the result rows' composite indexes.

Totals are capped like the directory's search (``core.counting.COUNT_CAP``, shown as "1,000+"; see
``CappedSearch``), and a page reads its own rows by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.core.counting import COUNT_CAP
from spotcheck.directory.models import Industry
from spotcheck.publication.models import PublicObject, PublicObjectResult
from spotcheck.publication.search_index import fragment_bigrams
from spotcheck.results.codes import ResultCode

# The result filter: these two, or a result code (results.codes.ResultCode).
RESULT_NO_PROBLEM = "none"
RESULT_PROBLEM = "problem"


@dataclass(frozen=True)
class SearchCriteria:
    q: str = ""
    code: str = ""
    department: Department | None = None
    region: Region | None = None
    industry: Industry | None = None
    result: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.q, self.code, self.department, self.region, self.industry, self.result, self.date_from, self.date_to)
        )


def _subtree(model, root_pk: int) -> list[int]:
    """``root_pk`` and every row below it (regions: 市 → 县 → 乡镇; industries: 门类 → 大类).
    Both tables are small (hundreds of rows), so the tree is walked in Python."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in model.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [root_pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


def _name_filter(qs: QuerySet[PublicObject], fragment: str) -> QuerySet[PublicObject]:
    pairs = fragment_bigrams(fragment)
    if connection.vendor != "postgresql" or not pairs:
        return qs.filter(name__icontains=fragment)
    # The GIN index (migration publication 0002) finds the names holding every pair. A fragment
    # of two characters is its pair: nothing to recheck, and the planner's estimate of how many
    # names hold it (from the index's statistics) stays whole. A longer one is rechecked with
    # LIKE, which keeps the names holding the pairs in this order.
    qs = qs.filter(RawSQL("string_to_array(name_bigrams, ' ') @> %s::text[]", [pairs], output_field=BooleanField()))
    return qs if pairs == [fragment.upper()] else qs.filter(name__icontains=fragment)


def public_objects_named(fragment: str, among: Iterable[int] | None = None) -> QuerySet[PublicObject]:
    """The enterprises whose public name (as last published; a 个体工商户's masked, never its
    operator's) holds ``fragment``: the one name match of the portal search and of the open
    data's results (``selectors_results.search_results``), through the index of character pairs.
    ``among``: only these enterprises (a few thousand ids at most), read by their keys and
    their names matched on the row — the same match; the index only finds them faster among
    them all."""
    if among is not None:
        return PublicObject.objects.filter(pk__in=among, name__icontains=fragment)
    return _name_filter(PublicObject.objects.all(), fragment)


def public_object_ids_named(fragment: str, limit: int) -> list[int] | None:
    """The ids of the enterprises ``public_objects_named``, or None when there are more than
    ``limit`` (one query reading at most ``limit`` + 1 of them, in no order)."""
    ids = list(public_objects_named(fragment).order_by().values_list("pk", flat=True)[: limit + 1])
    return ids if len(ids) <= limit else None


def public_objects_with_uscc(uscc: str) -> QuerySet[PublicObject]:
    """The enterprises with this USCC, exactly (its b-tree index)."""
    return PublicObject.objects.filter(uscc=uscc.upper())


def _objects(criteria: SearchCriteria) -> QuerySet[PublicObject] | None:
    """The enterprises matching the criteria on the enterprise itself, or None without any."""
    qs = PublicObject.objects.all()
    narrowed = False
    if criteria.q:
        qs, narrowed = _name_filter(qs, criteria.q), True
    if criteria.code:
        code = criteria.code.upper()
        qs, narrowed = qs.filter(Q(public_code=code) | Q(uscc=code)), True
    if criteria.region is not None:
        qs, narrowed = qs.filter(region_id__in=_subtree(Region, criteria.region.pk)), True
    if criteria.industry is not None:
        qs, narrowed = qs.filter(industry_id__in=_subtree(Industry, criteria.industry.pk)), True
    return qs if narrowed else None


def _results(criteria: SearchCriteria) -> QuerySet[PublicObjectResult] | None:
    """The current published results matching the criteria on the result, or None without any."""
    rows = PublicObjectResult.objects.all()
    narrowed = False
    if criteria.department is not None:
        rows, narrowed = rows.filter(department=criteria.department), True
    if criteria.result == RESULT_PROBLEM:
        rows, narrowed = rows.filter(problem_found=True), True
    elif criteria.result == RESULT_NO_PROBLEM:
        rows, narrowed = rows.filter(problem_found=False), True
    elif criteria.result:
        rows, narrowed = rows.filter(code=criteria.result), True
    if criteria.date_from is not None:
        rows, narrowed = rows.filter(completed_on__gte=criteria.date_from), True
    if criteria.date_to is not None:
        rows, narrowed = rows.filter(completed_on__lte=criteria.date_to), True
    return rows if narrowed else None


RESULT_CHUNK = 2000


def _ids_by_result(rows: QuerySet[PublicObjectResult], wanted: int) -> list[int]:
    """The first ``wanted`` distinct enterprises of ``rows``, latest matching result first: the
    rows are read down their index (each filter's index ends in date and object), a chunk at a
    time, from where the last chunk stopped."""
    ordered = rows.order_by("-completed_on", "-public_object_id").values_list("completed_on", "public_object_id")
    seen: dict[int, None] = {}
    chunk = list(ordered[:RESULT_CHUNK])
    while chunk:
        for _day, object_id in chunk:
            seen.setdefault(object_id)
            if len(seen) >= wanted:
                return list(seen)
        if len(chunk) < RESULT_CHUNK:
            break
        day, last = chunk[-1]
        chunk = list(
            ordered.filter(Q(completed_on__lt=day) | Q(completed_on=day, public_object_id__lt=last))[:RESULT_CHUNK]
        )
    return list(seen)


class CappedSearch:
    """The matches for ``Paginator``: at most ``cap`` of them; ``truncated`` says there are more
    (the page shows "1,000+"), as the directory's search does.

    Nothing sorts every match. With a criterion on the result (department, result, dates) the
    result rows are read down their index, latest first, until cap + 1 enterprises are found.
    Otherwise a name fragment takes the first cap + 1 matches the index gives (a common pair of
    characters, 有限 or 公司, is in half the names: reading them all to sort them would cost a
    heap page per match), sorted here, latest first; the other criteria (code, region,
    industry) walk the enterprises' composite indexes in order. A page reads its own rows by id.
    """

    def __init__(self, criteria: SearchCriteria, cap: int = COUNT_CAP) -> None:
        objects, rows = _objects(criteria), _results(criteria)
        if rows is not None:
            if objects is not None:
                rows = rows.filter(public_object__in=objects.order_by().values("pk"))
            ids = _ids_by_result(rows, cap + 1)
        elif criteria.q:
            found = objects.order_by().values_list("latest_completed_on", "pk")[: cap + 1]
            ids = [pk for _day, pk in sorted(found, reverse=True)]
        else:
            qs = objects if objects is not None else PublicObject.objects.all()
            ids = list(qs.order_by("-latest_completed_on", "-pk").values_list("pk", flat=True)[: cap + 1])
        self.truncated = len(ids) > cap
        self.cap = cap
        self._ids = ids[:cap]

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: slice) -> list[PublicObject]:
        ids = self._ids[index]
        if not ids:
            return []
        rows = PublicObject.objects.select_related("region", "industry").in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def result_choices() -> list[tuple[str, Any]]:
    """未发现问题 / 发现问题, then each result code (as the national system names them)."""
    return [
        ("", _("全部结果")),
        (RESULT_NO_PROBLEM, _("未发现问题")),
        (RESULT_PROBLEM, _("发现问题")),
        (_("检查结果代码"), [(code.value, f"{code.value} {code.label}") for code in ResultCode]),
    ]


# ------------------------------------------------------------------------------------- open14
# The open data API's enterprise search (spotcheck/opendata): the same criteria and capped
# matches as the page, each enterprise in the public shape.


def search_reference(model_name: str, code: str) -> Any:
    """The department, region or industry with ``code`` (the search's criteria), or None."""
    model = {"department": Department, "region": Region, "industry": Industry}[model_name]
    return model.objects.filter(code=code).first()


def public_enterprise_rows(objects: list[PublicObject]) -> list[dict[str, Any]]:
    return [
        {
            "public_code": o.public_code,
            "uscc": o.uscc,
            "name": o.name,
            "region": {"code": o.region.code, "name": o.region.name} if o.region_id else None,
            "industry": {"code": o.industry.code, "name": o.industry.name} if o.industry_id else None,
            "result_count": o.result_count,
            "latest_completed_on": o.latest_completed_on,
            "problem_found": o.problem_found,
        }
        for o in objects
    ]
