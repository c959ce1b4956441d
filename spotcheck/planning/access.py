"""Who may write, approve, return, file and publish an annual plan, and the one way views fetch
a protected plan, entry or stratum (see STYLE.md): a plan the user may not read is a 404 that
does not reveal it exists; a read-only role asking to write gets a 403.

The predicates are pure functions of a ``Scope`` (and the plan): the services call them first
and raise, the plan page calls them to show or hide a button. Four eyes (issue 11):

- a department plan is made, written and submitted by that department (its admin); the joint
  office does not make a department's plan for it. The joint plan is made by the joint office
  (coordinator, system admin);
- a department plan is approved or returned by an approver *of that department* or by the
  coordinator; the joint plan by the coordinator or an approver of the department hosting the
  joint office (its 分管领导); in every case **the one who submitted may not approve**;
- only the joint office files (备案) and publishes a plan, and returns an approved one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.selectors import plans_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role


def is_joint_office(scope: Scope) -> bool:
    """The joint office: the coordinator, or a system admin. It writes the joint plan and
    files every plan."""
    return scope.has_role(Role.COORDINATOR, Role.SYSADMIN)


def can_make_department_plan(scope: Scope, department_id: int | None) -> bool:
    """A department's plan is made by that department: its admin."""
    return scope.has_role_in(Role.DEPT_ADMIN, department_id)


def plan_departments(scope: Scope) -> frozenset[int]:
    """The departments whose plans the user may make (the plan form's choices)."""
    return scope.departments_with_role(Role.DEPT_ADMIN)


def can_create_plans(scope: Scope) -> bool:
    return is_joint_office(scope) or bool(plan_departments(scope))


def can_write_plan(scope: Scope, plan: AnnualPlan) -> bool:
    if plan.is_joint:
        return is_joint_office(scope)
    return can_make_department_plan(scope, plan.department_id)


def _joint_office_departments(plan: AnnualPlan) -> set[int]:
    return set(
        Department.objects.filter(region_id=plan.region_id, hosts_joint_office=True, is_active=True).values_list(
            "pk", flat=True
        )
    )


def can_approve_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """The role that approves: the coordinator any plan; an approver the plans of their own
    department (the approver of one department is not the approver of another), and the joint
    plan if their department hosts the joint office. Whether this user submitted the plan is
    ``is_plan_submitter``'s question."""
    if scope.has_role(Role.COORDINATOR):
        return True
    if plan.is_joint:
        return any(scope.has_role_in(Role.APPROVER, d) for d in _joint_office_departments(plan))
    return scope.has_role_in(Role.APPROVER, plan.department_id)


def is_plan_submitter(scope: Scope, plan: AnnualPlan) -> bool:
    """Whether the user submitted the plan as it now stands (four eyes: they may not approve)."""
    return plan.submitted_by_id is not None and plan.submitted_by_id == scope.user_id


def may_approve_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """Approve (or return) this submitted plan now: the approving role, and not the submitter."""
    return can_approve_plan(scope, plan) and not is_plan_submitter(scope, plan)


def require_plan_approval(scope: Scope, plan: AnnualPlan) -> None:
    """``may_approve_plan`` or a 403 (404 for a plan of a department the user cannot read)
    that says why."""
    if not can_approve_plan(scope, plan):
        if not plan.is_joint and not scope.can_read_department(plan.department_id):
            raise Http404
        if plan.is_joint:
            raise PermissionDenied(_("只有联席办协调员或联席办所在部门的审核/分管领导可以审核部门联合抽查计划。"))
        raise PermissionDenied(_("只有本部门审核/分管领导或联席办协调员可以审核计划。"))
    if is_plan_submitter(scope, plan):
        raise PermissionDenied(_("提交人不能审核自己提交的计划：请由另一位审核/分管领导或联席办协调员审核。"))


def can_return_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """A submitted plan is returned by whoever may approve it; an approved one (not yet filed)
    by the joint office refusing the filing."""
    if plan.status == AnnualPlan.Status.FILING:
        return can_approve_plan(scope, plan) and is_joint_office(scope)
    return may_approve_plan(scope, plan)


def require_plan_return(scope: Scope, plan: AnnualPlan) -> None:
    """``can_return_plan`` for a page that shows the return form: a 403 with the reason."""
    if can_return_plan(scope, plan):
        return
    if plan.status == AnnualPlan.Status.FILING and can_approve_plan(scope, plan):
        raise PermissionDenied(_("已审核的计划只能由联席办协调员在备案时退回。"))
    require_plan_approval(scope, plan)


def can_file_plans(scope: Scope) -> bool:
    return is_joint_office(scope)


def can_publish_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """The joint office publishes every plan (a department no longer publishes its own: the
    plan it made is made public by the office that filed it)."""
    return is_joint_office(scope)


def get_plan_for_user(user: User, pk: int, write: bool = False) -> AnnualPlan:
    scope = require_staff(user)
    plan = plans_for_scope(scope).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("没有找到该计划。"))
    if write:
        require_plan_write(scope, plan)
    return plan


def require_plan_write(scope: Scope, plan: AnnualPlan) -> None:
    """``can_write_plan`` or a 403 naming who writes it (the plan is assumed readable)."""
    if can_write_plan(scope, plan):
        return
    if plan.is_joint:
        raise PermissionDenied(_("只有联席会议办公室协调员可以编制部门联合抽查计划。"))
    raise PermissionDenied(_("部门的年度抽查计划由本部门管理员编制和提交。"))


def get_entry_for_user(user: User, pk: int, write: bool = False) -> PlanEntry:
    entry = PlanEntry.objects.filter(pk=pk, retired_at__isnull=True).only("plan_id").first()
    if entry is None:
        raise Http404(_("没有找到该计划条目。"))
    plan = get_plan_for_user(user, entry.plan_id, write=write)
    entry = PlanEntry.objects.select_related("lead_department").get(pk=pk)
    entry.plan = plan
    return entry


def get_stratum_for_user(user: User, pk: int, write: bool = False) -> PlanStratum:
    stratum = PlanStratum.objects.filter(pk=pk, retired_at__isnull=True, entry__retired_at__isnull=True).first()
    if stratum is None:
        raise Http404(_("没有找到该分层。"))
    stratum.entry = get_entry_for_user(user, stratum.entry_id, write=write)
    return stratum


# ------------------------------------------------------------------ tasks from plan entries
# Here, not in draws/access.py: the plan page (planning sits below draws) shows the button.


def can_create_task_from_entry(scope: Scope, entry: PlanEntry) -> bool:
    """Only the entry's lead department (its admin) or the joint office makes a task of it."""
    return scope.can_write_department(entry.lead_department_id)


def require_task_from_entry(scope: Scope, entry: PlanEntry) -> None:
    """``can_create_task_from_entry`` or a 403 stating the rule (issue 12, item 4): an approver
    or inspector of the lead department is of that department, and was told otherwise."""
    if can_create_task_from_entry(scope, entry):
        return
    raise PermissionDenied(
        _("根据计划条目创建抽查任务须由发起部门（%(dept)s）的部门管理员或联席办协调员办理；您的角色只能查看该计划。")
        % {"dept": entry.lead_department.short_name}
    )
