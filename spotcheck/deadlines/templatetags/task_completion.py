"""``{% completion_notice task %}``: the task page's 任务完成 line (visits done of all, and
whether the list published after the visits may go out); draws does not import the apps
above it, so its page loads this tag."""

from django import template

from spotcheck.deadlines.completion import task_completion
from spotcheck.draws.models import Task

register = template.Library()


@register.inclusion_tag("deadlines/_completion_notice.html")
def completion_notice(task: Task) -> dict:
    if task.status != Task.Status.DRAWN:
        return {"task": task, "completion": None}
    return {
        "task": task,
        "completion": task_completion(task),
        "waits_for_completion": task.list_publication == Task.ListPublication.AFTER_VISITS
        and task.list_published_at is None,
    }
