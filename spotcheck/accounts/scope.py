"""What a user may see and change, computed once per request from their memberships.

Every access helper and selector of a department-owned model asks this module, so the rules
live in one place:

- coordinator, auditor and system admin read every department's rows;
- coordinator and system admin write every department's rows, an auditor writes nothing;
- a department admin reads and writes their own department's rows;
- approvers, inspectors and witnesses read their own department's rows and write none here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role

_CACHE_ATTR = "_spotcheck_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str]
    # None means "every department".
    read_departments: frozenset[int] | None
    write_departments: frozenset[int] | None
    primary_department_id: int | None

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles)

    @property
    def reads_all(self) -> bool:
        return self.read_departments is None

    @property
    def writes_all(self) -> bool:
        return self.write_departments is None

    @property
    def can_write_anything(self) -> bool:
        return self.write_departments is None or bool(self.write_departments)

    @property
    def can_audit(self) -> bool:
        """The audit trail (it holds private matters such as recusals): auditors and system
        admins only."""
        return self.has_role(Role.AUDITOR, Role.SYSADMIN)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can_read_department(self, department_id: int | None) -> bool:
        if self.read_departments is None:
            return True
        return department_id in self.read_departments

    def can_write_department(self, department_id: int | None) -> bool:
        if self.write_departments is None:
            return True
        return department_id in self.write_departments

    def can_read_any(self, department_ids: set[int]) -> bool:
        return self.read_departments is None or bool(self.read_departments & department_ids)

    def can_write_any(self, department_ids: set[int]) -> bool:
        return self.write_departments is None or bool(self.write_departments & department_ids)


EMPTY_SCOPE = Scope(None, frozenset(), frozenset(), frozenset(), None)


def scope_for(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user, is_active=True, department__is_active=True).order_by("id"))
    roles = frozenset(m.role for m in memberships)
    read_all = any(m.is_region_wide for m in memberships)
    write_all = any(m.role in {Role.COORDINATOR, Role.SYSADMIN} for m in memberships)
    scope = Scope(
        user_id=user.pk,
        roles=roles,
        read_departments=None if read_all else frozenset(m.department_id for m in memberships),
        write_departments=None if write_all else frozenset(m.department_id for m in memberships if m.can_write),
        primary_department_id=memberships[0].department_id if memberships else None,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: User) -> None:
    """Drop the cached scope after a user's memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def require_staff(user: User | None) -> Scope:
    """Any page of the back office: the public and users without a role get a 404."""
    scope = scope_for(user)
    if not scope.is_staff_member:
        raise Http404
    return scope


def require_write(user: User | None, department_id: int | None) -> Scope:
    """Read access is assumed checked; a read-only role or another department is refused."""
    scope = require_staff(user)
    if not scope.can_read_department(department_id):
        raise Http404
    if not scope.can_write_department(department_id):
        raise PermissionDenied(_("您的角色没有修改该部门数据的权限。"))
    return scope
