"""What goes into each bulk file: the groups (year × department) that have data, and the rows of
one group, read through the portal's public selectors only (so nothing the portal does not show
can reach a file). Values are plain (str, int, bool, list); labels in Chinese, the data's own
language, whatever the language of the request or job that builds them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.bulkdata.models import BulkFile
from spotcheck.draws.models import Task
from spotcheck.planning.models import AnnualPlan
from spotcheck.planning.selectors import published_plans
from spotcheck.portal import selectors as portal
from spotcheck.portal import selectors_results as portal_results
from spotcheck.publication.public_record import plan_number, public_name
from spotcheck.results.codes import Method, NotCarriedOut, ResultCode

Group = tuple[int | None, int | None]  # (year, department id)
CHUNK = 500


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# ------------------------------------------------------------------------------- results


def _results_groups() -> set[Group]:
    rows = portal_results.current_published_results().values_list("notice__year", "notice__department_id")
    return set(rows.distinct())


def _results_rows(year: int | None, department_id: int | None) -> Iterator[dict[str, Any]]:
    rows = (
        portal_results.current_published_results()
        .filter(notice__year=year, notice__department_id=department_id)
        .order_by("notice__number", "completed_on", "pk")
    )
    chunk: list = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _results_chunk(chunk)
            chunk = []
    if chunk:
        yield from _results_chunk(chunk)


def _results_chunk(rows: list) -> Iterator[dict[str, Any]]:
    followups = portal_results.public_followup_codes(rows)
    for row in rows:
        record = row.record
        plan = record.get("plan") or {}
        common = {
            "result_id": row.pk,
            "version": row.version,
            "notice_id": row.notice_id,
            "notice_title": str(row.notice.title),
            "notice_year": row.notice.year,
            "department_code": record["department"]["code"],
            "department_name": record["department"]["name"],
            "plan_number": plan.get("number", ""),
            "plan_title": plan.get("title", ""),
            "task_code": record["task"]["code"],
            "task_title": record["task"]["title"],
            "task_kind": record["task"]["kind"],
            "task_kind_label": _label(Task.Kind, record["task"]["kind"]),
            "object_public_code": record["object"]["public_code"],
            "object_uscc": record["object"]["uscc"] or "",
            "object_name": record["object"]["name"],
            "object_kind": record["object"]["kind"],
            "completed_on": record["completed_on"],
            "outcome": record["outcome"],
            "not_carried_out_reason": record.get("not_carried_out_reason") or "",
            "not_carried_out_reason_label": _label(NotCarriedOut, record.get("not_carried_out_reason") or ""),
        }
        tail = {
            "published_at": _time(row.published_at),
            "due_on": _date(row.due_on),
            "on_time": row.on_time,
            "correction_reason": row.correction_reason,
        }
        items = record["items"] if record["outcome"] == "carried_out" else []
        if not items:
            yield common | _no_item() | tail
            continue
        mine = followups.get(row.pk, [])
        for item in items:
            codes = list(item["codes"]) if item["checked"] else []
            item_followups = [f for f in mine if f["item_code"] == item["code"]]
            yield (
                common
                | {
                    "item_code": item["code"],
                    "item_name": item["name"],
                    "item_department_code": item["department"]["code"],
                    "item_checked": bool(item["checked"]),
                    "item_method": item.get("method") or "",
                    "item_method_label": _label(Method, item.get("method") or ""),
                    "item_problem_found": bool(item["problem_found"]),
                    "item_result_codes": codes,
                    "item_result_labels": [_label(ResultCode, c) for c in codes],
                    "item_followup_kinds": [f["kind"] for f in item_followups],
                    "item_followup_statuses": [f["status"] for f in item_followups],
                }
                | tail
            )


def _no_item() -> dict[str, Any]:
    return {
        "item_code": "",
        "item_name": "",
        "item_department_code": "",
        "item_checked": False,
        "item_method": "",
        "item_method_label": "",
        "item_problem_found": False,
        "item_result_codes": [],
        "item_result_labels": [],
        "item_followup_kinds": [],
        "item_followup_statuses": [],
    }


# --------------------------------------------------------------------------- tasks, targets


def _task_year(task: Task) -> int:
    return task.window_start.year


def _tasks_groups() -> set[Group]:
    return {(d.year, dept) for d, dept in portal.public_tasks().values_list("window_start", "lead_department_id")}


def _group_tasks(year: int | None, department_id: int | None):
    return (
        portal.public_tasks()
        .filter(window_start__year=year, lead_department_id=department_id)
        .select_related("draw", "replaces", "plan_entry__plan__department", "plan_entry__plan__region")
        .defer("draw__result", "draw__input", "draw__match_check")
        .prefetch_related("participating_departments", "items__item", "strata")
        .order_by("code")
    )


def _tasks_rows(year: int | None, department_id: int | None) -> Iterator[dict[str, Any]]:
    for task in _group_tasks(year, department_id):
        draw = getattr(task, "draw", None)
        if draw is None or not draw.commitment:  # never published (no notice)
            continue
        public_list = portal.list_is_public(task)
        strata = sorted(task.strata.all(), key=lambda s: s.position)
        plan = task.plan_entry.plan if task.plan_entry_id else None
        yield {
            "task_code": task.code,
            "task_title": task.title,
            "task_kind": task.kind,
            "task_kind_label": _label(Task.Kind, task.kind),
            "year": _task_year(task),
            "department_code": task.lead_department.code,
            "department_name": task.lead_department.name,
            "participating_department_codes": sorted(d.code for d in task.participating_departments.all()),
            "item_codes": [v.item.code for v in sorted(task.items.all(), key=lambda v: v.item.code)],
            "item_names": [v.name for v in sorted(task.items.all(), key=lambda v: v.item.code)],
            "plan_number": plan_number(plan) if plan else "",
            "window_start": _date(task.window_start),
            "window_end": _date(task.window_end),
            "status": task.status,
            "announced_at": _time(task.announced_at),
            "pool_count": sum(s.count or 0 for s in strata),
            "strata": [s.name for s in strata],
            "input_digest": draw.input_digest,
            "pool_digest": draw.pool_digest,
            "commitment": draw.commitment,
            "drawn_at": _time(draw.drawn_at) if public_list else "",
            "list_published_at": _time(task.list_published_at) if public_list else "",
            "server_secret": draw.server_secret if public_list else "",
            "seed": draw.seed if public_list else "",
            "target_count": task.visits.count() if public_list else 0,
            "replaces_task_code": task.replaces.code if task.replaces_id and task.replaces.announced_at else "",
            "record_path": f"/public/tasks/{task.code}/record.json",
        }


def _targets_groups() -> set[Group]:
    rows = portal.public_drawn_tasks().values_list("window_start", "lead_department_id")
    return {(d.year, dept) for d, dept in rows}


def _targets_rows(year: int | None, department_id: int | None) -> Iterator[dict[str, Any]]:
    tasks = portal.public_drawn_tasks().filter(window_start__year=year, lead_department_id=department_id)
    for task in tasks.order_by("code"):
        for visit in portal.public_drawn_visits(task).iterator(chunk_size=2000):
            yield {
                "task_code": task.code,
                "year": year,
                "department_code": task.lead_department.code,
                "department_name": task.lead_department.name,
                "stratum": visit.stratum.name,
                "rank": visit.rank,
                "object_public_code": visit.public_id,
                "object_name": public_name(visit.inspection_object),
            }


# ------------------------------------------------------------------------------- plans, items


def _plans_groups() -> set[Group]:
    return set(published_plans().values_list("year", "department_id").distinct())


def _plans_rows(year: int | None, department_id: int | None) -> Iterator[dict[str, Any]]:
    plans = published_plans().filter(year=year, department_id=department_id).order_by("kind", "pk")
    for plan in plans:
        owner: Any = plan.department if plan.department_id else plan.region
        common = {
            "plan_number": plan_number(plan),
            "plan_title": plan.title,
            "plan_year": plan.year,
            "plan_kind": plan.kind,
            "department_code": plan.department.code if plan.department_id else "",
            "department_name": owner.name,
            "published_at": _time(plan.published_at),
            "revision": plan.revision,
        }
        for entry in portal.public_plan_entries(plan):
            strata = list(entry.live_strata)
            yield common | {
                "entry_position": entry.position,
                "entry_code": entry.code,
                "entry_name": entry.name,
                "entry_kind": entry.kind,
                "lead_department_code": entry.lead_department.code,
                "participating_department_codes": sorted(d.code for d in entry.participating_departments.all()),
                "item_codes": sorted(i.code for i in entry.items.all()),
                "window_start": _date(entry.window_start),
                "window_end": _date(entry.window_end),
                "stratum_names": [s.name for s in strata],
                "stratum_ratios": [s.ratio for s in strata],
            }


def _items_groups() -> set[Group]:
    return {(None, dept) for dept in portal.public_item_versions().values_list("item__department_id", flat=True)}


def _items_rows(year: int | None, department_id: int | None) -> Iterator[dict[str, Any]]:
    for version in portal.public_item_versions().filter(item__department_id=department_id):
        yield {
            "item_code": version.item.code,
            "department_code": version.item.department.code,
            "department_name": version.item.department.name,
            "version": version.number,
            "name": version.name,
            "category": version.category,
            "legal_basis": version.legal_basis,
            "implementing_body": version.implementing_body,
            "scope_description": version.scope_description,
            "default_ratio": str(version.default_ratio) if version.default_ratio is not None else "",
            "times_per_year": version.times_per_year,
            "methods": list(version.methods or []),
            "joint_department_codes": sorted(d.code for d in version.joint_departments.all()),
            "inspection_basis": version.inspection_basis,
            "inspection_content": version.inspection_content,
            "published_at": _time(version.published_at),
        }


GROUPS = {
    BulkFile.Kind.RESULTS: _results_groups,
    BulkFile.Kind.TASKS: _tasks_groups,
    BulkFile.Kind.TARGETS: _targets_groups,
    BulkFile.Kind.PLANS: _plans_groups,
    BulkFile.Kind.ITEMS: _items_groups,
}
ROWS = {
    BulkFile.Kind.RESULTS: _results_rows,
    BulkFile.Kind.TASKS: _tasks_rows,
    BulkFile.Kind.TARGETS: _targets_rows,
    BulkFile.Kind.PLANS: _plans_rows,
    BulkFile.Kind.ITEMS: _items_rows,
}


def department_of(department_id: int | None) -> Department | None:
    return Department.objects.filter(pk=department_id).first() if department_id else None


def joint_owner_name() -> str:
    """What a joint plan's group is called (no department): the joint office."""
    return str(AnnualPlan.Kind.JOINT.label)
