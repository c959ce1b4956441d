"""Who may read, enter, confirm and approve a visit's result (issue 13, items 5 and 7).

- Reading follows the visit page (``inspections.access.get_visit_for_user``): its team and those
  who read the task's visits; anyone else gets a 404 that reveals nothing.
- Entering (and keeping a draft) is for the visit's team members only: a reader of the visit
  who is not on its team gets a 403.
- Confirming is for a team member linked to an inspector whose 执法证 is valid on the day.
- Approving a task's results is for the approver of the task's lead department (the same rule
  as approving its visits, ``inspections.access.can_approve_visits``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import scope_for
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections.access import (
    can_approve_visits,
    get_approval_task_for_user,
    get_visit_for_user,
    reads_task_visits,
)
from spotcheck.inspectors.models import Inspector

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

ENTRY_RULE = _("只有本检查的检查组成员可以录入检查结果。")
CONFIRM_RULE = _("只有本检查的检查组中持有效执法证的执法人员可以确认检查结果。")
APPROVE_RULE = _("只有发起部门的主体负责人（审核/分管领导）可以审批本任务的检查结果。")


def team_inspector(user: User, visit: Visit) -> Inspector | None:
    """The inspector of the visit's team that ``user`` logs in as, or None."""
    if user is None or not user.is_authenticated:
        return None
    return Inspector.objects.filter(visit_slots__visit=visit, user_id=user.pk).first()


def may_enter(user: User, visit: Visit) -> bool:
    return team_inspector(user, visit) is not None


def certified_on(inspector: Inspector | None, day: dt.date) -> bool:
    """执法证号 set and not expired on ``day`` (RULES.md: certified enforcement officers)."""
    return inspector is not None and inspector.certificate_valid_on(day)


def may_approve(user: User, task: Task) -> bool:
    return can_approve_visits(scope_for(user), task)


def get_result_visit_for_user(user: User, pk: int, write: bool = False) -> Visit:
    """The visit whose result is read (404 for whoever does not read the visit) or, with
    ``write``, entered (403 for a reader who is not on its team)."""
    visit = get_visit_for_user(user, pk)
    if write and not may_enter(user, visit):
        raise PermissionDenied(ENTRY_RULE)
    return visit


def get_results_task_for_user(user: User, pk: int, write: bool = False) -> Task:
    """The task whose results are approved: 404 for a task the user may not read; a reader who
    may not approve gets a 403 when asking to write."""
    task = get_approval_task_for_user(user, pk)
    # The results are the visits' working files until published: read by those who read every
    # visit of the task (not a witness who reads the task's record, nor one team's inspector).
    if not reads_task_visits(scope_for(user), task):
        raise Http404(_("没有找到该任务的检查结果。"))
    if write and not may_approve(user, task):
        raise PermissionDenied(APPROVE_RULE)
    return task
