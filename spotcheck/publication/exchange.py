"""Results in the layout the national publicity system takes (issue 14, item 8; RULES.md: "The
public record of a random-inspection result"): one row per item of each published result —
抽查计划编号, 抽查计划名称, 任务编号, 任务名称, 抽查类型, 抽查机关, 抽查完成日期, 事项名称,
检查结果. Read from the published records only, so what goes out is what the portal shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from spotcheck.accounts.models import Department
from spotcheck.draws.models import Task
from spotcheck.publication.models import PublishedResult
from spotcheck.results.codes import NotCarriedOut, ResultCode

# (key, the national system's column name): the order of the file's columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("plan_number", "抽查计划编号"),
    ("plan_title", "抽查计划名称"),
    ("task_code", "任务编号"),
    ("task_title", "任务名称"),
    ("task_kind", "抽查类型"),
    ("department", "抽查机关"),
    ("completed_on", "抽查完成日期"),
    ("item_name", "事项名称"),
    ("result", "检查结果"),
)
FORMATS = ("csv", "json")
NOT_CHECKED = "未检查"


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def exchange_results(
    *, department: Department | None = None, year: int | None = None, since: dt.date | None = None
) -> QuerySet[PublishedResult]:
    """The results shown on the portal now (current versions), of ``department``'s notices, in
    ``year`` (the notice's), published on or after ``since``."""
    rows = PublishedResult.objects.filter(state=PublishedResult.State.CURRENT)
    if department is not None:
        rows = rows.filter(notice__department=department)
    if year is not None:
        rows = rows.filter(notice__year=year)
    if since is not None:
        rows = rows.filter(published_at__date__gte=since)
    return rows.order_by("notice__department_id", "notice__year", "notice__number", "completed_on", "pk")


def exchange_rows(results: QuerySet[PublishedResult]) -> Iterator[dict[str, Any]]:
    """One dict per item of each result (a visit that could not take place: one row with its
    reason as the result). Labels in Chinese: the national system's language."""
    for row in results.iterator(chunk_size=2000):
        record = row.record
        plan = record.get("plan") or {}
        common = {
            "plan_number": plan.get("number", ""),
            "plan_title": plan.get("title", ""),
            "task_code": record["task"]["code"],
            "task_title": record["task"]["title"],
            "task_kind": _label(Task.Kind, record["task"]["kind"]),
            "department": record["department"]["name"],
            "completed_on": record["completed_on"],
            "object_name": record["object"]["name"],
            "object_uscc": record["object"]["uscc"] or record["object"]["public_code"],
        }
        if record["outcome"] != "carried_out" or not record["items"]:
            reason = _label(NotCarriedOut, record.get("not_carried_out_reason") or "")
            yield common | {"item_name": "", "result": reason, "result_codes": []}
            continue
        for item in record["items"]:
            codes = item["codes"] if item["checked"] else []
            result = "；".join(_label(ResultCode, c) for c in codes) if item["checked"] else NOT_CHECKED
            yield common | {"item_name": item["name"], "result": result, "result_codes": codes}


# The object's name and code lead each row of the file: the national layout is per enterprise.
FILE_COLUMNS: tuple[tuple[str, str], ...] = (("object_name", "企业名称"), ("object_uscc", "统一社会信用代码"), *COLUMNS)


def write_csv(rows: Iterator[dict[str, Any]], stream: io.TextIOBase) -> int:
    """CSV with a UTF-8 byte order mark (so that Excel opens it as UTF-8); the count of rows."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([title for _key, title in FILE_COLUMNS])
    count = 0
    for row in rows:
        writer.writerow([row[key] for key, _title in FILE_COLUMNS])
        count += 1
    return count
