"""Who may write, approve, return, file and publish an annual plan, and the one way views fetch
a protected plan, entry or stratum (see STYLE.md): a plan the user may not read is a 404 that
does not reveal it exists; a read-only role asking to write gets a 403 (the joint plan is
written by the coordinator only).

The predicates are pure functions of a ``Scope`` (and the plan): the services call them first
and raise, the plan page calls them to show or hide a button.

- a department plan is written, submitted and published by its department's admin (or the
  joint office); the joint plan is written by the coordinator (or a system admin);
- a department plan is approved or returned by an approver *of that department* or by the
  coordinator; the joint plan by the coordinator;
- only the joint office (coordinator, system admin) files a plan and returns an approved one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff, require_write
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.selectors import plans_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role


def is_joint_office(scope: Scope) -> bool:
    """The joint office: the coordinator, or a system admin. It writes the joint plan and
    files every plan."""
    return scope.has_role(Role.COORDINATOR, Role.SYSADMIN)


def can_write_plan(scope: Scope, plan: AnnualPlan) -> bool:
    if plan.is_joint:
        return is_joint_office(scope)
    return scope.can_read_department(plan.department_id) and scope.can_write_department(plan.department_id)


def can_approve_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """The coordinator approves any plan; an approver only the plans of their own department
    (the approver of one department is not the approver of another)."""
    if scope.has_role(Role.COORDINATOR):
        return True
    return not plan.is_joint and scope.has_role_in(Role.APPROVER, plan.department_id)


def can_return_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """A submitted plan is returned by whoever approves it; an approved one (not yet filed) by
    the joint office refusing the filing."""
    if plan.status == AnnualPlan.Status.FILING:
        return can_approve_plan(scope, plan) and is_joint_office(scope)
    return can_approve_plan(scope, plan)


def require_plan_return(scope: Scope, plan: AnnualPlan) -> None:
    """``can_return_plan`` for a page that shows the return form: a 403 with the reason."""
    if can_return_plan(scope, plan):
        return
    if plan.status == AnnualPlan.Status.FILING and can_approve_plan(scope, plan):
        raise PermissionDenied(_("已审核的计划只能由联席办协调员在备案时退回。"))
    raise PermissionDenied(_("只有本部门审核/分管领导或联席办协调员可以审核计划。"))


def can_file_plans(scope: Scope) -> bool:
    return is_joint_office(scope)


def can_publish_plan(scope: Scope, plan: AnnualPlan) -> bool:
    """The joint office publishes every plan; a department publishes its own."""
    if is_joint_office(scope):
        return True
    return not plan.is_joint and can_write_plan(scope, plan)


def get_plan_for_user(user: User, pk: int, write: bool = False) -> AnnualPlan:
    scope = require_staff(user)
    plan = plans_for_scope(scope).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("没有找到该计划。"))
    if write:
        if plan.is_joint and not can_write_plan(scope, plan):
            raise PermissionDenied(_("只有联席会议办公室协调员可以编制部门联合抽查计划。"))
        if not plan.is_joint:
            require_write(user, plan.department_id)
    return plan


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
