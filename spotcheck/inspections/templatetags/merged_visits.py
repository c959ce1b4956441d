"""``{% merge_notice task %}``: the task page's short notice about merged visits (合并检查)."""

from django import template

from spotcheck.accounts.scope import scope_for
from spotcheck.draws.models import Task
from spotcheck.inspections import access, selectors

register = template.Library()


@register.inclusion_tag("inspections/_merge_notice.html", takes_context=True)
def merge_notice(context, task: Task) -> dict:
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    counts = selectors.task_merge_counts(task) if task.status == Task.Status.DRAWN else {}
    return {
        "task": task,
        "merged": counts.get("merged", 0),
        "proposed": counts.get("proposed", 0),
        "can_view": access.involves_task(scope, task),
    }
