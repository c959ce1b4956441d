"""The public record of one result (RULES.md: "The public record of a random-inspection result"
and "Disclosure"): plan number and name, task number and name, 抽查类型, 抽查机关, 抽查完成日期,
and per item its name and result — nothing else. It is built here once, when the result is
published, and kept whole in ``PublishedResult.record``; this module is the one place that
decides which fields of a result may become public.

Never in it: the officers, the answers and notes, evidence, the object's address or legal
representative. For a 个体工商户 the trade name and USCC are published, not the operator's
identity: where the registered name contains the operator's name (``张三五金店``), the name is
masked (``**五金店``), and a name that is only the operator's becomes 个体工商户."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from spotcheck.directory.models import InspectionObject
from spotcheck.planning.models import AnnualPlan
from spotcheck.results.models import ItemResult, VisitResult

RECORD_SCHEMA = 1
INDIVIDUAL_PLACEHOLDER = "个体工商户"


def public_name(obj: InspectionObject) -> str:
    """The name as it may be published."""
    name = obj.name.strip()
    if obj.kind != InspectionObject.Kind.INDIVIDUAL:
        return name
    operator = (obj.legal_representative or "").strip()
    if operator and operator in name:
        name = name.replace(operator, "*" * len(operator))
    if not name.strip("*").strip():
        return INDIVIDUAL_PLACEHOLDER
    return name


def plan_number(plan: AnnualPlan) -> str:
    """抽查计划编号: the platform has no number of its own for a plan; the year, the department's
    code (the region's for the joint plan) and the plan's id make a stable one."""
    owner = plan.department.code if plan.department_id else plan.region.code
    return f"{plan.year}-{owner}-{plan.pk}"


def record_items() -> QuerySet[ItemResult]:
    """The item results a record lists, in its order (read per result, or prefetched for many)."""
    return ItemResult.objects.select_related("item_version__item", "department").order_by(
        "department__sort_order", "item_version__item__code", "pk"
    )


def public_record(visit_result: VisitResult, items: list[ItemResult] | None = None) -> dict[str, Any]:
    """The record of ``visit_result``'s current values as the public gets it (codes, not labels:
    the portal shows the labels in the visitor's language). ``items``: its ``record_items``,
    when the caller read them for many results at once."""
    visit = visit_result.visit
    task = visit.task
    obj = visit.inspection_object
    plan = task.plan_entry.plan if task.plan_entry_id else None
    if items is None:
        items = record_items().filter(visit_result=visit_result)
    return {
        "schema": RECORD_SCHEMA,
        "object": {
            "public_code": obj.public_code,
            "uscc": obj.uscc or "",
            "name": public_name(obj),
            "kind": obj.kind,
        },
        "plan": {"number": plan_number(plan), "title": plan.title, "year": plan.year} if plan else None,
        "task": {"code": task.code, "title": task.title, "kind": task.kind},
        "department": {"code": task.lead_department.code, "name": task.lead_department.name},
        "completed_on": visit_result.completed_on.isoformat(),
        "outcome": visit_result.outcome,
        "not_carried_out_reason": visit_result.not_carried_out_reason,
        "items": [
            {
                "code": row.item_version.item.code,
                "name": row.item_version.name,
                "department": {"code": row.department.code, "name": row.department.name},
                "checked": row.checked,
                "method": row.method,
                "problem_found": row.problem_found,
                "codes": list(row.codes),
            }
            for row in items
        ],
    }
