"""Who reviews the enterprise's replies and answers its complaints (issue 14, item 4).

- Accepting or rejecting a reply to a published result, and answering a complaint about a visit,
  is for the department admin or the approver of the task's lead department: the 抽查机关 that
  published the result (the same people who publish, correct and withdraw it).
- The lists are read by the department admins, approvers and auditors of the departments
  concerned (a reply: the lead department; a complaint: the lead or a participating department)
  and by the region-wide readers. Anyone else gets a 404 that does not say the row exists; a
  reader who may not decide gets a 403 on a decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import Role, Scope, require_staff, scope_for
from spotcheck.accounts.selectors import role_holder_ids
from spotcheck.draws.models import Task
from spotcheck.inspections.models import VisitFeedback
from spotcheck.replies.models import EnterpriseReply

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

REVIEW_RULE = _("只有抽查任务发起部门的部门管理员或审核/分管领导可以审核企业说明/异议、答复投诉。")
READ_RULE = _("企业说明/异议和投诉答复只有相关部门的部门管理员、审核领导、审计人员和联席会议办公室可以查看。")
REVIEWER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER)
READER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER, Role.AUDITOR)


def may_review(scope: Scope, department_id: int | None) -> bool:
    return any(scope.has_role_in(role, department_id) for role in REVIEWER_ROLES)


def reviewer_ids(department_id: int) -> list[int]:
    """The users who may review the department's replies and answer its complaints (those for
    whom ``may_review`` holds: an active admin or approver role, in an active department, of an
    active user), by id: whom the replies app notifies of a new one."""
    return role_holder_ids(department_id, REVIEWER_ROLES)


def review_departments(scope: Scope) -> frozenset[int]:
    """The departments whose replies and complaints the scope decides on (its 待办)."""
    return scope.departments_with_role(*REVIEWER_ROLES)


def read_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose replies and complaints the scope reads (``None``: all)."""
    if scope.reads_all:
        return None
    return scope.departments_with_role(*READER_ROLES)


def require_reader(user: User) -> Scope:
    scope = require_staff(user)
    if not scope.reads_all and not read_departments(scope):
        raise PermissionDenied(READ_RULE)
    return scope


def require_review(user: User, department_id: int) -> None:
    if not may_review(scope_for(user), department_id):
        raise PermissionDenied(REVIEW_RULE)


def replies_for_scope(scope: Scope) -> QuerySet[EnterpriseReply]:
    replies = EnterpriseReply.objects.all()
    departments = read_departments(scope)
    if departments is not None:
        replies = replies.filter(department_id__in=departments)
    return replies


def complaints_for_departments(departments: frozenset[int] | None) -> QuerySet[VisitFeedback]:
    """Complaints (feedback with text) about visits of tasks that ``departments`` lead or join
    (``None``: all)."""
    complaints = VisitFeedback.objects.exclude(complaint="")
    if departments is not None:
        joined = Task.participating_departments.through.objects.filter(
            task_id=OuterRef("visit__task_id"), department_id__in=departments
        )
        complaints = complaints.filter(Q(visit__task__lead_department_id__in=departments) | Q(Exists(joined)))
    return complaints


def get_reply_for_user(user: User, pk: int, write: bool = False) -> EnterpriseReply:
    """The reply, if the user reads it (else 404); with ``write``, 403 unless they review it."""
    scope = require_staff(user)
    reply = (
        replies_for_scope(scope)
        .filter(pk=pk)
        .select_related(
            "department",
            "decided_by",
            "published_result__notice",
            "visit_result__visit__inspection_object",
            "visit_result__visit__task",
        )
        .first()
    )
    if reply is None:
        raise Http404(_("没有找到该企业说明/异议。"))
    if write and not may_review(scope, reply.department_id):
        raise PermissionDenied(REVIEW_RULE)
    return reply


def get_complaint_for_user(user: User, pk: int, write: bool = False) -> VisitFeedback:
    """A complaint the user reads (else 404); with ``write``, 403 unless they answer it (the
    lead department's admin or approver)."""
    scope = require_staff(user)
    feedback = (
        complaints_for_departments(read_departments(scope))
        .filter(pk=pk)
        .select_related("visit__task", "visit__inspection_object")
        .first()
    )
    if feedback is None:
        raise Http404(_("没有找到该投诉。"))
    if write and not may_review(scope, feedback.visit.task.lead_department_id):
        raise PermissionDenied(REVIEW_RULE)
    return feedback
