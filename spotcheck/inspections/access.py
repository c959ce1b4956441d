"""Who may see and decide 合并检查, and the one way views fetch the visits of a proposal or a
merged visit for a user (another department's: 404; a reader who may not decide: 403).

The region-wide readers see every merge; a department admin or approver sees those of the
tasks their department leads or joins — a role counts in its own department only, so an
approver of one department who is an inspector of another sees nothing more of the other's.
Only the coordinator decides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_department_data_reader, require_staff, scope_for
from spotcheck.draws.access import can_see_teams, get_task_for_user
from spotcheck.draws.models import Task, Visit
from spotcheck.draws.selectors import tasks_for_scope
from spotcheck.inspections.models import MergedVisit, MergedVisitMember

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role


# Besides the region-wide readers, who sees the merges of a department: its admins and approvers.
MERGE_VIEWER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER)


def merge_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose merges the scope sees (``None``: all of them): those where it is a
    department admin or an approver. An inspector or witness role elsewhere adds nothing."""
    if scope.reads_all:
        return None
    return scope.departments_with_role(*MERGE_VIEWER_ROLES)


def can_view_merges(scope: Scope) -> bool:
    """The merge page: region-wide readers (coordinator, auditor, system admin) see every
    proposal; department admins and approvers see those involving their department."""
    return scope.reads_all or bool(merge_departments(scope))


def can_decide_merges(scope: Scope) -> bool:
    """Only the joint office's coordinator confirms, declines and dissolves."""
    return scope.has_role(Role.COORDINATOR)


def require_merge_viewer(user: User) -> Scope:
    """The merge page: a witness-only user gets a 404 (it is no page of theirs), another reader
    who may not see merges a 403."""
    scope = require_department_data_reader(user)
    if not can_view_merges(scope):
        raise PermissionDenied(_("您的角色不能查看合并检查。"))
    return scope


def require_merge_decider(actor: User) -> Scope:
    scope = require_department_data_reader(actor)
    if not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    return scope


def involves(scope: Scope, department_ids: set[int]) -> bool:
    """Whether the scope sees the merges of tasks led or joined by ``department_ids``."""
    departments = merge_departments(scope)
    return departments is None or bool(departments & department_ids)


def involves_task(scope: Scope, task: Task) -> bool:
    """Whether the scope sees the merges of ``task`` (on the merge page filtered by it)."""
    departments = merge_departments(scope)
    if departments is None or task.lead_department_id in departments:
        return True
    if not departments:
        return False
    return task.participating_departments.filter(pk__in=departments).exists()


def _involving(departments: frozenset[int], relation: str) -> Q:
    return Q(**{f"{relation}__task__lead_department_id__in": departments}) | Q(
        **{f"{relation}__task__participating_departments__in": departments}
    )


def involving(scope: Scope, relation: str) -> Q:
    """Rows whose ``relation`` (a visit) belongs to a task that a department whose merges the
    scope sees leads or joins."""
    return _involving(merge_departments(scope) or frozenset(), relation)


def _merged_visits_involving(departments: frozenset[int] | None) -> QuerySet[MergedVisit]:
    merged_visits = MergedVisit.objects.all()
    if departments is None:
        return merged_visits
    members = MergedVisitMember.objects.filter(merged_visit=OuterRef("pk")).filter(_involving(departments, "visit"))
    return merged_visits.filter(Exists(members))


def merged_visits_for_scope(scope: Scope) -> QuerySet[MergedVisit]:
    """Merged visits the scope sees: all for region-wide readers, else those with a visit of a
    task that a department whose merges it sees leads or joins."""
    return _merged_visits_involving(merge_departments(scope))


def get_merge_visits_for_user(user: User, ids: Iterable[int], write: bool = False) -> list[Visit]:
    """The visits of a proposal named in a request. A reader sees a proposal when one of its
    visits belongs to a task their department leads or joins; otherwise 404 (nothing about the
    visits is revealed; a witness role reads no department's visits). Writing is for the
    coordinator: 403 for every other reader."""
    scope = require_department_data_reader(user)
    wanted = set(ids)
    visits = list(Visit.objects.filter(pk__in=wanted).select_related("task"))
    if not wanted or len(visits) != len(wanted):
        raise Http404(_("没有找到所选的检查。"))
    departments: set[int] = set()
    if not scope.reads_all:
        task_ids = {v.task_id for v in visits}
        departments = {v.task.lead_department_id for v in visits} | set(
            Task.participating_departments.through.objects.filter(task_id__in=task_ids).values_list(
                "department_id", flat=True
            )
        )
        if not (scope.data_read_departments or frozenset()) & departments:
            raise Http404(_("没有找到所选的检查。"))
    if write and not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    if not scope.reads_all and not involves(scope, departments):
        raise PermissionDenied(_("您的角色不能查看合并检查。"))
    return visits


def get_merged_visit_for_user(user: User, pk: int, write: bool = False) -> MergedVisit:
    """Another department's merged visit is a 404; a reader who may not decide gets a 403."""
    scope = require_department_data_reader(user)
    # Read access (as staff: a witness role reads no visits) decides between 404 and 403; the
    # merge roles, whether it is seen.
    merged_visit = _merged_visits_involving(scope.data_read_departments).filter(pk=pk).first()
    if merged_visit is None:
        raise Http404(_("没有找到该合并检查。"))
    if write and not can_decide_merges(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以确认、解除或不予合并检查。"))
    if not scope.reads_all and not merged_visits_for_scope(scope).filter(pk=pk).exists():
        raise PermissionDenied(_("您的角色不能查看合并检查。"))
    return merged_visit


# ---------------------------------------------------------------------------
# 审批 (approval before the visit; issue 13, item 2)
# ---------------------------------------------------------------------------
# Kept simple on purpose: the approver (主体负责人) of the task's LEAD department approves all
# its visits; a joint task is one visit per object carried out under the lead department.

APPROVE_RULE = _("只有发起部门的主体负责人（审核/分管领导）可以审批本任务的检查。")
EMERGENCY_RULE = _("只有该检查的检查组成员或发起部门的部门管理员可以登记紧急先行检查。")


def can_approve_visits(scope: Scope, task: Task) -> bool:
    """The approver role held in the task's lead department itself (not elsewhere)."""
    return scope.has_role_in(Role.APPROVER, task.lead_department_id)


def can_start_emergency(scope: Scope, user: User, visit: Visit) -> bool:
    """A member of the visit's team (their inspector record is the user's) or the lead
    department's admin."""
    if scope.has_role_in(Role.DEPT_ADMIN, visit.task.lead_department_id):
        return True
    return visit.members.filter(inspector__user=user).exists()


def get_approval_task_for_user(user: User, pk: int, write: bool = False) -> Task:
    """The task whose visits are approved: a task the user may not read is a 404 (draws'
    rule); a reader who may not approve asking to write gets a 403 naming the rule."""
    task = get_task_for_user(user, pk)
    if write and not can_approve_visits(scope_for(user), task):
        raise PermissionDenied(APPROVE_RULE)
    return task


# ------------------------------------------------------------------ 我的检查 and the visit page
# (issue 13, item 1)

# Who reads every visit of a task besides its team: the admins, approvers and auditors of the
# departments that lead or join it (and the region-wide readers). An inspector of the department
# who is not on the team does not: a visit is its team's working file.
VISIT_READER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER, Role.AUDITOR)


def is_team_member(user: User, visit: Visit) -> bool:
    """Whether ``user`` is linked to an inspector on the visit's team."""
    return visit.members.filter(inspector__user_id=user.pk).exists()


def reads_task_visits(scope: Scope, task: Task) -> bool:
    """Whether the scope reads every visit of ``task`` (the draw rules first: a witness-only
    reader never does), not only those of teams it is on."""
    if not tasks_for_scope(scope).filter(pk=task.pk).exists() or not can_see_teams(scope, task):
        return False
    if scope.reads_all:
        return True
    departments = {task.lead_department_id, *task.participating_departments.values_list("pk", flat=True)}
    return bool(scope.departments_with_role(*VISIT_READER_ROLES) & departments)


def get_visit_for_user(user: User, pk: int) -> Visit:
    """The visit page: its team members and those who read the task's visits; anyone else
    gets a 404 that does not reveal the visit exists."""
    scope = require_staff(user)
    visit = Visit.objects.select_related("task__lead_department", "inspection_object", "stratum").filter(pk=pk).first()
    if visit is None or not (is_team_member(user, visit) or reads_task_visits(scope, visit.task)):
        raise Http404(_("没有找到该检查。"))
    return visit


# ------------------------------------------------------------------ 到场登记, 企业评价/投诉
# (issue 13, item 3; i13-code)

CHECK_IN_RULE = _("只有该检查的检查组成员可以登记到场。")
FEEDBACK_RULE = _("企业评价/投诉只有检查所属部门的部门管理员、审核领导、审计人员和联席会议办公室可以查看。")


def team_inspector_of(user: User, visit: Visit):
    """The roster inspector through whom ``user`` is on the visit's team, or None."""
    member = visit.members.filter(inspector__user_id=user.pk).select_related("inspector").first()
    return member.inspector if member is not None else None


def feedback_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose visits' feedback the scope reads (``None``: every department):
    where it is a department admin, approver or auditor. The team's inspectors do not: a
    complaint may be about them."""
    if scope.reads_all:
        return None
    return scope.departments_with_role(*VISIT_READER_ROLES)


def can_view_feedback(scope: Scope) -> bool:
    return scope.reads_all or bool(feedback_departments(scope))


def require_feedback_viewer(user: User) -> Scope:
    """The feedback page: a staff member without a reading role there gets a 403 naming who may."""
    scope = require_staff(user)
    if not can_view_feedback(scope):
        raise PermissionDenied(FEEDBACK_RULE)
    return scope


def reads_visit_feedback(scope: Scope, visit: Visit) -> bool:
    """On the visit page: the feedback shows to those who read every visit of its task (its
    departments' admins, approvers and auditors; the region-wide readers), not to the team."""
    return reads_task_visits(scope, visit.task)
