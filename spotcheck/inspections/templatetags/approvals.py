"""``{% approval_notice task %}``: the task page's 审批 section (counts, the approver's one-click
approval, the link to the approval page); draws does not import inspections, so the page loads
this tag. ``{% visit_approval visit %}``: one visit's approval state."""

from django import template

from spotcheck.accounts.scope import scope_for
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections import access, selectors

register = template.Library()


@register.inclusion_tag("inspections/_approval_notice.html", takes_context=True)
def approval_notice(context, task: Task) -> dict:
    if task.status != Task.Status.DRAWN:
        return {"task": task, "counts": {}}
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    return {
        "task": task,
        "counts": selectors.task_approval_counts(task),
        "can_approve": access.can_approve_visits(scope, task),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("inspections/_visit_approval.html")
def visit_approval(visit: Visit) -> dict:
    return {"state": selectors.approval_state(visit)}
