"""Who sees and records 后续处置, and the one way views fetch an item result, a follow-up or a
抄告 for a user.

- Reading: the visit's team, and whoever reads the task's visits (inspections.access: the
  admins, approvers and auditors of the departments leading or joining it, the region-wide
  readers); besides them the admins, approvers and auditors of the item's own department.
- Recording (open, close, withdraw, re-check): the visit's team members and the admins of the
  item's department (a re-check too: the department records it, naming its officers).
  Anyone else who reads it gets a 403; who does not read it, a 404 that reveals nothing.
- A 抄告 is read in the target department's inbox by its staff (any role but a witness's) and
  the region-wide readers; its 已阅/已处理 marks are the target department's admins'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.core.params import parse_id
from spotcheck.draws.models import VisitMember
from spotcheck.followups.models import FollowUp
from spotcheck.inspections.access import is_team_member, reads_task_visits
from spotcheck.results.models import ItemResult

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role

# Besides the teams: who reads the follow-ups of their own department's items.
DEPARTMENT_READER_ROLES = (Role.DEPT_ADMIN, Role.APPROVER, Role.AUDITOR)
WRITE_RULE = gettext_lazy("只有该检查的检查组成员或事项所属部门的部门管理员可以登记后续处置。")
NOTICE_RULE = gettext_lazy("只有被抄告部门的部门管理员可以标记已阅或已处理。")


# ------------------------------------------------------------------------------ conditions


def followup_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose follow-ups the scope reads as a department (None: all)."""
    if scope.reads_all:
        return None
    return scope.departments_with_role(*DEPARTMENT_READER_ROLES)


def team_condition(user: User, relation: str) -> Q:
    """Rows whose ``relation`` (a visit) has ``user`` on its team."""
    members = VisitMember.objects.filter(visit_id=OuterRef(f"{relation}_id"), inspector__user_id=user.pk)
    return Q(Exists(members))


def visible_condition(scope: Scope, user: User, prefix: str) -> Q | None:
    """Rows (``prefix`` leads to an ItemResult: "" for one, "item_result__" for a follow-up)
    the scope reads as a department or as a team member; None: every row."""
    departments = followup_departments(scope)
    if departments is None:
        return None
    return Q(**{f"{prefix}department_id__in": departments}) | team_condition(user, f"{prefix}visit_result__visit")


def inbox_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose inbox the scope reads (None: all)."""
    return scope.data_read_departments


# ---------------------------------------------------------------------------------- checks


def reads_item(scope: Scope, user: User, item: ItemResult) -> bool:
    visit = item.visit_result.visit
    if scope.reads_all or scope.departments_with_role(*DEPARTMENT_READER_ROLES) & {item.department_id}:
        return True
    return is_team_member(user, visit) or reads_task_visits(scope, visit.task)


def writes_item(scope: Scope, user: User, item: ItemResult) -> bool:
    return scope.has_role_in(Role.DEPT_ADMIN, item.department_id) or is_team_member(user, item.visit_result.visit)


def require_item_writer(actor: User, item: ItemResult) -> Scope:
    """A service's check: 404 for who does not read the item, 403 for who may not record."""
    scope = require_staff(actor)
    if not reads_item(scope, actor, item):
        raise Http404(_("没有找到该事项的检查结果。"))
    if not writes_item(scope, actor, item):
        raise PermissionDenied(WRITE_RULE)
    return scope


def require_notice_marker(actor: User, followup: FollowUp) -> Scope:
    scope = require_staff(actor)
    departments = inbox_departments(scope)
    if followup.kind != FollowUp.Kind.NOTIFY or (
        departments is not None and followup.target_department_id not in departments
    ):
        raise Http404(_("没有找到该抄告。"))
    if not scope.has_role_in(Role.DEPT_ADMIN, followup.target_department_id):
        raise PermissionDenied(NOTICE_RULE)
    return scope


# ----------------------------------------------------------------------------- the getters

_ITEM_RELATED = (
    "department",
    "item_version__item",
    "visit_result__visit__task__lead_department",
    "visit_result__visit__inspection_object",
)


def get_item_result_for_user(user: User, pk: int, write: bool = False) -> ItemResult:
    scope = require_staff(user)
    if parse_id(pk) is None:
        raise Http404(_("没有找到该事项的检查结果。"))
    item = ItemResult.objects.select_related(*_ITEM_RELATED).filter(pk=pk).first()
    if item is None or not reads_item(scope, user, item):
        raise Http404(_("没有找到该事项的检查结果。"))
    if write and not writes_item(scope, user, item):
        raise PermissionDenied(WRITE_RULE)
    return item


def get_followup_for_user(user: User, pk: int, write: bool = False) -> FollowUp:
    scope = require_staff(user)
    if parse_id(pk) is None:
        raise Http404(_("没有找到该后续处置。"))
    related = [f"item_result__{r}" for r in _ITEM_RELATED]
    followup = FollowUp.objects.select_related("department", "target_department", *related).filter(pk=pk).first()
    if followup is None or not reads_item(scope, user, followup.item_result):
        raise Http404(_("没有找到该后续处置。"))
    if write and not writes_item(scope, user, followup.item_result):
        raise PermissionDenied(WRITE_RULE)
    return followup


def get_notice_for_user(user: User, pk: int, write: bool = False) -> FollowUp:
    """A 抄告 in an inbox: 404 unless it is addressed to a department the user reads the inbox
    of; marking it (write) is for the target department's admins (403 for other readers)."""
    scope = require_staff(user)
    departments = inbox_departments(scope)
    if parse_id(pk) is None:
        raise Http404(_("没有找到该抄告。"))
    followup = FollowUp.objects.filter(pk=pk, kind=FollowUp.Kind.NOTIFY).first()
    if followup is None or (departments is not None and followup.target_department_id not in departments):
        raise Http404(_("没有找到该抄告。"))
    if write and not scope.has_role_in(Role.DEPT_ADMIN, followup.target_department_id):
        raise PermissionDenied(NOTICE_RULE)
    return followup
