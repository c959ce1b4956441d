"""A confirmed result's problems in the objects' 风险记录 (directory.ObjectFinding), so that
later strata see them (the object filter's ``findings_within_days``).

One entry per problem item result (its source key), written when the result is confirmed and
brought up to date when a correction is confirmed: a problem item writes or updates its entry; an
item that no longer has a problem retires it with the reason "结果更正". Confirming the same
result again changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from spotcheck.directory.findings import finding_record, finding_retire
from spotcheck.directory.models import ObjectFinding
from spotcheck.results.codes import ResultCode, has_problem
from spotcheck.results.models import ItemResult, VisitResult

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

SOURCE = ObjectFinding.SourceKind.RESULT


def source_key(item: ItemResult) -> str:
    return f"item_result:{item.pk}"


def source_reference(visit_result: VisitResult, item: ItemResult) -> str:
    visit = visit_result.visit
    return _("任务 %(task)s · 检查 %(visit)s · 事项 %(item)s") % {
        "task": visit.task.code,
        "visit": visit.pk,
        "item": item.item_version.item.code,
    }


def summary(item: ItemResult) -> str:
    labels = "、".join(str(ResultCode(c).label) for c in sorted(item.codes) if c in ResultCode.values)
    text = f"{item.item_version.name}：{labels}"
    return f"{text}。{item.note.strip()}" if item.note.strip() else text


def sync_findings(*, actor: User, visit_result: VisitResult) -> None:
    """Bring the 风险记录 of ``visit_result``'s items in line with its confirmed values."""
    items = visit_result.items.select_related("item_version__item", "department")
    obj = visit_result.visit.inspection_object
    for item in items:
        if item.checked and (item.problem_found or has_problem(item.codes)):
            finding_record(
                actor=actor,
                obj=obj,
                department=item.department,
                found_on=item.checked_on or visit_result.completed_on,
                source_kind=SOURCE,
                source_key=source_key(item),
                source_reference=source_reference(visit_result, item),
                codes=item.codes,
                summary=summary(item),
            )
        else:
            finding_retire(actor=actor, source_kind=SOURCE, source_key=source_key(item), reason=_("结果更正"))
