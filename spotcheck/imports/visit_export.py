"""The spreadsheet of a drawn task's visits and teams (检查名单): one row per visit — the object,
its stratum and rank, each slot's inspector and department, and the merged visit (合并检查) it
belongs to, if any. Written with the exports' xlsx writer (cells quoted against formulas); a
county's task is a few thousand rows, written in the request, read a chunk of visits at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db import transaction
from django.utils import translation

from spotcheck.accounts.scope import require_staff
from spotcheck.audit.services import audit_record
from spotcheck.draws.access import require_visit_export
from spotcheck.draws.models import Task, Visit, VisitMember
from spotcheck.imports.cells import FILE_LANGUAGE
from spotcheck.imports.columns import Column
from spotcheck.imports.exports import write_xlsx
from spotcheck.inspections.models import MergedVisitMember

SHEET_TITLE = "检查名单"
CHUNK = 2000


def _column(header: str, number_format: str = "@") -> Column:
    # Only the header and the cell format matter to the writer: nothing imports this file.
    return Column(header=header, field="", validators=(), number_format=number_format)


def visit_columns(task: Task) -> tuple[Column, ...]:
    """The fixed columns, then two per slot of the task's teams (the lead's marked), then the
    merged visit."""
    columns = [
        _column("分层"),
        _column("抽取序号", "0"),
        _column("检查对象名称"),
        _column("统一社会信用代码"),
        _column("公开编码"),
        _column("所属区划"),
    ]
    for slot in task.slots:
        name = f"{slot['name']}（组长）" if slot["name"] == task.lead_slot else slot["name"]
        columns += [_column(f"{name} 姓名"), _column(f"{name} 所属部门")]
    columns += [_column("合并检查编号"), _column("合并检查时间"), _column("合并检查的其他任务")]
    return tuple(columns)


def _region(region: Any) -> str:
    if region is None:
        return ""
    return f"{region.parent.name} · {region.name}" if region.parent_id else region.name


def _merged(visit_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Visit id → (merged visit code, its planned window, the other tasks' codes), for the
    visits of ``visit_ids`` in a merged visit that holds (two queries)."""
    memberships = list(
        MergedVisitMember.objects.filter(visit_id__in=visit_ids, is_active=True).select_related("merged_visit")
    )
    if not memberships:
        return {}
    tasks: dict[int, list[tuple[int, str]]] = {}
    rows = MergedVisitMember.objects.filter(
        merged_visit_id__in={m.merged_visit_id for m in memberships}, is_active=True
    ).order_by("visit__task__code")
    for merged_id, visit_id, code in rows.values_list("merged_visit_id", "visit_id", "visit__task__code"):
        tasks.setdefault(merged_id, []).append((visit_id, code))
    found = {}
    for m in memberships:
        merged = m.merged_visit
        window = f"{merged.planned_start:%Y-%m-%d} — {merged.planned_end:%Y-%m-%d}"
        others = "；".join(dict.fromkeys(code for visit_id, code in tasks[merged.pk] if visit_id != m.visit_id))
        found[m.visit_id] = (merged.code, window, others)
    return found


def visit_rows(task: Task) -> Iterator[list[Any]]:
    """The rows of ``visit_columns``, in the task page's order (stratum name, rank)."""
    slot_names = [slot["name"] for slot in task.slots]
    ids = list(Visit.objects.filter(task=task).order_by("stratum__name", "rank").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        visits = {
            v.pk: v
            for v in Visit.objects.filter(pk__in=chunk).select_related("stratum", "inspection_object__region__parent")
        }
        teams: dict[int, dict[str, VisitMember]] = {}
        members = VisitMember.objects.filter(visit_id__in=chunk).select_related("inspector__department")
        for member in members:
            teams.setdefault(member.visit_id, {})[member.slot] = member
        merged = _merged(chunk)
        for pk in chunk:
            visit = visits[pk]
            obj = visit.inspection_object
            row: list[Any] = [visit.stratum.name, visit.rank, obj.name, obj.uscc or "", obj.public_code]
            row.append(_region(obj.region))
            team = teams.get(pk, {})
            for name in slot_names:
                member = team.get(name)
                inspector = member.inspector if member is not None else None
                row += [inspector.name, inspector.department.short_name] if inspector else ["", ""]
            row += list(merged.get(pk, ("", "", "")))
            yield row


@transaction.atomic
# Files are Chinese whatever language the user browses in (as the other exports).
@translation.override(FILE_LANGUAGE)
def task_visits_export(*, actor: Any, task: Task, out: IO[bytes]) -> int:
    """Write the visits and teams of drawn ``task`` as xlsx to ``out``, for those who see the
    teams (``draws.access.require_visit_export``; 404 for anyone else); audited with the row
    count. Returns the number of rows."""
    scope = require_staff(actor)
    require_visit_export(scope, task)
    count = write_xlsx(visit_columns(task), visit_rows(task), out, SHEET_TITLE)
    audit_record(
        actor=actor,
        action="imports.visits.export",
        target=task,
        department_id=task.lead_department_id,
        after={"rows": count, "format": "xlsx"},
    )
    return count
