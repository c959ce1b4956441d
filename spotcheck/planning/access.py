"""The one way views fetch a protected plan, entry or stratum (see STYLE.md): a plan the user
may not read is a 404 that does not reveal it exists; a read-only role asking to write gets a
403 (the joint plan is written by the coordinator only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import require_staff, require_write
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.selectors import plans_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


def can_write_plan(user: User, plan: AnnualPlan) -> bool:
    scope = require_staff(user)
    if plan.is_joint:
        return scope.has_role(Membership.Role.COORDINATOR, Membership.Role.SYSADMIN)
    return scope.can_read_department(plan.department_id) and scope.can_write_department(plan.department_id)


def get_plan_for_user(user: User, pk: int, write: bool = False) -> AnnualPlan:
    scope = require_staff(user)
    plan = plans_for_scope(scope).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("没有找到该计划。"))
    if write:
        if plan.is_joint and not can_write_plan(user, plan):
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
