"""``{% merge_notice task %}``: the task page's short notice about joint visits (合并检查)."""

from django import template

from spotcheck.accounts.scope import scope_for
from spotcheck.draws import merging
from spotcheck.draws.models import Task

register = template.Library()


@register.inclusion_tag("draws/_merge_notice.html", takes_context=True)
def merge_notice(context, task: Task) -> dict:
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    counts = merging.task_merge_counts(task) if task.status == Task.Status.DRAWN else {}
    return {
        "task": task,
        "merged": counts.get("merged", 0),
        "proposed": counts.get("proposed", 0),
        "can_view": merging.can_view_merges(scope),
    }
