"""Who may read, enter, confirm and approve a visit's result (issue 13, items 5 and 7).

- Reading follows the visit page (``inspections.access.get_visit_for_user``): its team and those
  who read the task's visits; anyone else gets a 404 that reveals nothing.
- Entering (and keeping a draft) is for the visit's team members only: a reader of the visit
  who is not on its team gets a 403.
- Confirming is for a team member linked to an inspector whose 执法证 is valid on the day.
- Approving a task's results is for the approver of the task's lead department (the same rule
  as approving its visits, ``inspections.access.can_approve_visits``).
- A department's own system (an API token, acting as its service account) enters and confirms
  *for* a named officer of the team (``entered_for`` / ``inspector``): only a read-write token
  of a department whose items are on the visit (the task's lead department, or a participating
  department with items on the task), only for an officer on the visit's team, and confirming
  only for one whose 执法证 is valid that day. A person names nobody: they act for themself."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.api_tokens import api_token_of_account
from spotcheck.accounts.models import ApiToken
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
SYSTEM_READ_ONLY_RULE = _("只读 API 令牌不能录入或确认检查结果：须使用本部门的读写令牌。")
SYSTEM_DEPARTMENT_RULE = _(
    "只有本检查事项所属部门（任务的发起部门，或有事项在本任务中的参与部门）的业务系统可以代检查组成员录入或确认检查结果。"
)
ENTERED_FOR_RULE = _("部门业务系统只能代本检查的检查组成员录入检查结果（entered_for 须为检查组中执法检查人员的编号）。")
SYSTEM_CONFIRM_RULE = _(
    "部门业务系统只能代本检查的检查组中持有效执法证的执法人员确认检查结果（inspector 须为其编号，执法证当日有效）。"
)


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


def system_of(user: User) -> ApiToken | None:
    """The department's system (API token) ``user`` is the service account of; None: a person."""
    return api_token_of_account(user)


def entry_departments(visit: Visit) -> set[int]:
    """The departments the visit's result belongs to: the task's lead department and the
    participating departments whose items are on the task (a merged visit's other visits are
    other tasks, each with its own)."""
    task = visit.task
    item_departments = set(task.items.values_list("item__department_id", flat=True))
    participating = set(task.participating_departments.values_list("pk", flat=True))
    return {task.lead_department_id} | (participating & item_departments)


def require_system_writes(system: ApiToken, user: User, visit: Visit) -> None:
    """A system enters or confirms only with a read-write token of a department of the visit."""
    scope = scope_for(user)
    if system.role != ApiToken.Access.WRITE or not scope.can_write_department(system.department_id):
        raise PermissionDenied(SYSTEM_READ_ONLY_RULE)
    if system.department_id not in entry_departments(visit):
        raise PermissionDenied(SYSTEM_DEPARTMENT_RULE)


def _team_member(visit: Visit, inspector_id: int | None) -> Inspector | None:
    if inspector_id is None:
        return None
    return Inspector.objects.filter(visit_slots__visit=visit, pk=inspector_id).first()


def entering_inspector(user: User, visit: Visit, entered_for: int | None) -> Inspector | None:
    """Who a save is entered for: None when a team member enters themself (naming nobody);
    for a department's system, the named officer of the team. Raises 403 (the rule) or a
    validation error (the field)."""
    system = system_of(user)
    if system is None:
        if entered_for is not None:
            message = _("entered_for 只供部门业务系统（API 令牌）代检查组成员录入时填写；本人录入时不填。")
            raise ValidationError({"entered_for": [message]}, code="entered_for_not_allowed")
        if not may_enter(user, visit):
            raise PermissionDenied(ENTRY_RULE)
        return None
    require_system_writes(system, user, visit)
    if entered_for is None:
        raise ValidationError(
            {"entered_for": [_("部门业务系统录入检查结果时须指明代为录入的检查组成员（entered_for）。")]},
            code="entered_for_required",
        )
    inspector = _team_member(visit, entered_for)
    if inspector is None:
        raise PermissionDenied(ENTERED_FOR_RULE)
    return inspector


def confirming_inspector(user: User, visit: Visit, inspector_id: int | None, day: dt.date) -> Inspector:
    """The certified team officer a confirmation is made by: the user's own (a person names
    nobody), or the one a department's system names."""
    system = system_of(user)
    if system is None:
        if inspector_id is not None:
            raise ValidationError(
                {"inspector": [_("inspector 只供部门业务系统（API 令牌）代执法人员确认时填写；本人确认时不填。")]},
                code="inspector_not_allowed",
            )
        inspector = team_inspector(user, visit)
        if inspector is None or not certified_on(inspector, day):
            raise PermissionDenied(CONFIRM_RULE)
        return inspector
    require_system_writes(system, user, visit)
    if inspector_id is None:
        raise ValidationError(
            {"inspector": [_("部门业务系统确认检查结果时须指明代为确认的执法人员（inspector）。")]},
            code="inspector_required",
        )
    inspector = _team_member(visit, inspector_id)
    if inspector is None or not certified_on(inspector, day):
        raise PermissionDenied(SYSTEM_CONFIRM_RULE)
    return inspector


def saver_inspector_id(visit: Visit, saved_by_id: int | None, entered_for_id: int | None) -> int | None:
    """The officer a revision counts as saved by, for "the one who entered it confirms": the
    officer a system named, or the team inspector of the person who saved it."""
    if entered_for_id is not None:
        return entered_for_id
    if saved_by_id is None:
        return None
    return Inspector.objects.filter(visit_slots__visit=visit, user_id=saved_by_id).values_list("pk", flat=True).first()


def get_result_visit_for_user(user: User, pk: int, write: bool = False) -> Visit:
    """The visit whose result is read (404 for whoever does not read the visit) or, with
    ``write``, entered (403 for a reader who is not on its team; a department's system is
    checked by its own rule, ``require_system_writes``, and names the officer in the body)."""
    system = system_of(user) if write else None
    if system is not None and system.role != ApiToken.Access.WRITE:
        # A read-only token (an inspector's role) reads no team's visit, yet a visit of its own
        # department is no secret to it: it is told the rule rather than "not found".
        visit = Visit.objects.select_related("task").filter(pk=pk).first()
        if visit is not None and system.department_id in entry_departments(visit):
            raise PermissionDenied(SYSTEM_READ_ONLY_RULE)
    visit = get_visit_for_user(user, pk)
    if write:
        if system is not None:
            require_system_writes(system, user, visit)
        elif not may_enter(user, visit):
            raise PermissionDenied(ENTRY_RULE)
    return visit


def get_confirm_visit_for_user(user: User, pk: int) -> Visit:
    """The visit whose result is confirmed: a person must read it (who may confirm is decided
    by ``confirming_inspector``); a department's system as for entering."""
    return get_result_visit_for_user(user, pk, write=system_of(user) is not None)


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
