"""The one way views, the API and commands fetch a task for a user (see STYLE.md): no read
access gives a 404 that does not reveal the task exists; a read-only role asking to write gets
a 403."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.draws.models import Task
from spotcheck.draws.selectors import tasks_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


def get_task_for_user(user: User, pk: int, write: bool = False) -> Task:
    scope = require_staff(user)
    task = tasks_for_scope(scope).filter(pk=pk).first()
    if task is None:
        raise Http404(_("没有找到该抽查任务。"))
    # A participant of a joint task reads it but only the lead department runs it: 403, not 404.
    if write and not scope.can_write_department(task.lead_department_id):
        raise PermissionDenied(_("只有发起部门可以操作该抽查任务。"))
    return task


def has_full_record_access(user: User, task: Task) -> bool:
    """The full record (with the exclusions, i.e. recusals): region-wide readers (coordinator,
    auditor) and the lead department; participating departments get the public copy."""
    scope = scope_for(user)
    return scope.reads_all or scope.can_read_department(task.lead_department_id)
