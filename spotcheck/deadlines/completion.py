"""任务完成 (issue 13, item 12): a task is complete when every one of its visits is done — a final
result, or a final record of why the visit could not take place (``finality``). A task that
publishes its drawn list after the visits may publish it only then."""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from spotcheck.deadlines.finality import visit_done
from spotcheck.draws.models import Task, Visit


class Completion(NamedTuple):
    done: int
    total: int
    complete: bool

    @property
    def remaining(self) -> int:
        return self.total - self.done


def task_completion(task: Task) -> Completion:
    """(visits done, visits, complete) in one query. A task without visits (not drawn) is not
    complete: there is nothing it could have finished."""
    counts = Visit.objects.filter(task_id=task.pk).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(visit_done()))
    )
    total, done = counts["total"], counts["done"]
    return Completion(done=done, total=total, complete=total > 0 and done == total)


def refuse_list_before_completion(task: Task) -> None:
    """draws' pre-publication check (registered in ``apps.py``): the list of a task that
    publishes it after the visits waits until every visit is done."""
    if task.list_publication != Task.ListPublication.AFTER_VISITS:
        return
    completion = task_completion(task)
    if not completion.complete:
        raise ValidationError(
            _("任务尚未完成：%(total)d 个检查中还有 %(remaining)d 个没有确认的检查结果或未能检查的记录，不能公开名单。")
            % {"total": completion.total, "remaining": completion.remaining},
            code="task_not_complete",
        )
