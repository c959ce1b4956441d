"""``{% completion_notice task %}``: the task page's 任务完成 line (visits done of all, and
whether the list published after the visits may go out); draws does not import the apps
above it, so its page loads this tag."""

from django import template

from spotcheck.accounts.scope import scope_for
from spotcheck.deadlines.completion import task_completion
from spotcheck.draws.models import Task
from spotcheck.inspections.access import reads_task_visits

register = template.Library()


@register.inclusion_tag("deadlines/_completion_notice.html", takes_context=True)
def completion_notice(context: template.Context, task: Task) -> dict:
    if task.status != Task.Status.DRAWN:
        return {"task": task, "completion": None}
    request = context.get("request")
    return {
        "task": task,
        # The link to the task's results, for those who read them (results.access).
        "reads_results": request is not None and reads_task_visits(scope_for(request.user), task),
        "completion": task_completion(task),
        "waits_for_completion": task.list_publication == Task.ListPublication.AFTER_VISITS
        and task.list_published_at is None,
    }
