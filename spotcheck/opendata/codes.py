"""Every code list the open data uses (/codes/): each with its title, where it is used, and its
codes with their labels in the request's language. Departments and regions are code lists too:
the filters take their codes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task
from spotcheck.followups.models import FollowUp
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent
from spotcheck.portal import selectors
from spotcheck.publication.models import PublishedResult
from spotcheck.results.codes import Method, NotCarriedOut, ResultCode
from spotcheck.results.models import VisitResult


def _choices(choices: Any, *, only: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    return [{"code": value, "label": str(label)} for value, label in choices.choices if only is None or value in only]


def code_lists() -> dict[str, dict[str, Any]]:
    shown = (PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN)
    lists = {
        "result_codes": (_("检查结果"), ["results[].items[].results", "result"], _choices(ResultCode)),
        "methods": (_("核查方式"), ["results[].items[].method"], _choices(Method)),
        "outcomes": (_("检查情况"), ["results[].outcome"], _choices(VisitResult.Outcome)),
        "not_carried_out_reasons": (
            _("未能检查的原因"),
            ["results[].not_carried_out_reason"],
            _choices(NotCarriedOut),
        ),
        "result_states": (_("公示状态"), ["results[].state", "state"], _choices(PublishedResult.State, only=shown)),
        "followup_kinds": (_("后续处置方式"), ["results[].followups[].kind"], _choices(FollowUp.Kind)),
        "followup_statuses": (
            _("后续处置状态"),
            ["results[].followups[].status"],
            _choices(FollowUp.Status, only=(FollowUp.Status.OPEN, FollowUp.Status.CLOSED)),
        ),
        "object_kinds": (_("检查对象类型"), ["results[].object.kind"], _choices(InspectionObject.Kind)),
        "task_kinds": (_("任务类型"), ["tasks[].kind", "results[].task.kind", "kind"], _choices(Task.Kind)),
        "plan_kinds": (_("计划类型"), ["plans[].kind", "kind"], _choices(AnnualPlan.Kind)),
        "plan_entry_kinds": (_("抽查类型"), ["plans[].entries[].kind"], _choices(PlanEntry.Kind)),
        "plan_event_actions": (
            _("计划公布与调整"),
            ["plans[].history[].action"],
            _choices(PlanEvent.Action, only=(PlanEvent.Action.PUBLISHED, PlanEvent.Action.ADJUSTED)),
        ),
        "item_categories": (_("事项类别"), ["items[].category", "category"], _choices(ItemVersion.Category)),
        "item_methods": (_("事项的检查方式"), ["items[].methods", "method"], _choices(ItemVersion.Method)),
        "departments": (
            _("部门"),
            ["department", "*.department.code"],
            [{"code": d.code, "label": d.name, "region": d.region.code} for d in selectors.public_departments()],
        ),
        "regions": (
            _("行政区划"),
            ["region", "plans[].region.code"],
            [
                {"code": r.code, "label": r.name, "level": r.level, "parent": parent}
                for r, parent in _regions_with_parent()
            ],
        ),
    }
    return {key: {"title": title, "used_in": used, "codes": codes} for key, (title, used, codes) in lists.items()}


def _regions_with_parent() -> list[tuple[Any, str | None]]:
    regions = list(selectors.public_regions())
    code_of = {r.pk: r.code for r in regions}
    return [(r, code_of.get(r.parent_id)) for r in regions]
