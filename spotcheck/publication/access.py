"""Who publishes a task's results, and who reads its publication page.

- Publishing, correcting and withdrawing are for the department admin or the approver of the
  task's lead department (the 抽查机关 whose notice it is), not a region-wide role.
- The page is read by those who read every visit of the task (``reads_task_visits``: the
  departments' readers, the coordinator, the auditor); anyone else gets a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import Role, Scope, scope_for
from spotcheck.draws.models import Task
from spotcheck.inspections.access import get_approval_task_for_user, reads_task_visits

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

PUBLISH_RULE = _("只有抽查任务发起部门的部门管理员或审核/分管领导可以公示、更正或撤下检查结果。")
PUBLISHER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER)


def may_publish(scope: Scope, task: Task) -> bool:
    return any(scope.has_role_in(role, task.lead_department_id) for role in PUBLISHER_ROLES)


def require_publish(user: User, task: Task) -> None:
    if not may_publish(scope_for(user), task):
        raise PermissionDenied(PUBLISH_RULE)


def get_publication_task_for_user(user: User, pk: int, write: bool = False) -> Task:
    """The task whose results are published: 404 unless the user reads all its visits; with
    ``write``, 403 unless the user may publish."""
    task = get_approval_task_for_user(user, pk)
    scope = scope_for(user)
    if not reads_task_visits(scope, task):
        raise Http404(_("没有找到该任务的检查结果。"))
    if write and not may_publish(scope, task):
        raise PermissionDenied(PUBLISH_RULE)
    return task
