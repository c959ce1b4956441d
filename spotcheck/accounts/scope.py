"""What a user may see and change, computed once per request from their memberships.

Every access helper and selector of a department-owned model asks this module, so the rules
live in one place:

- coordinator, auditor and system admin read every department's rows;
- coordinator and system admin write every department's rows, an auditor writes nothing;
- a department admin reads and writes their own department's rows;
- approvers, inspectors and witnesses read their own department's rows and write none here.

A role is held in a department: ``has_role_in`` and ``departments_with_role`` answer per
department ("approver of 市场监管" is not "approver of 卫健"); ``has_role`` asks whether a role is
held anywhere, which is the question for the region-wide roles (coordinator, auditor, system
admin) and for "is this user a witness at all".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.units import Unit, person_unit

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role

_CACHE_ATTR = "_spotcheck_scope"


class HeldRole(NamedTuple):
    """One active membership: a role in a department (and that department's region)."""

    department_id: int
    region_id: int
    role: str


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    # The active memberships in membership order (the oldest first).
    memberships: tuple[HeldRole, ...]
    # The roles held in each department.
    roles_by_department: Mapping[int, frozenset[str]] = field(hash=False)
    # None means "every department".
    read_departments: frozenset[int] | None
    write_departments: frozenset[int] | None
    primary_department_id: int | None
    # The unit pages show for the user (accounts.units: the joint office for its coordinator).
    unit: Unit | None = field(default=None, compare=False)

    @property
    def roles(self) -> frozenset[str]:
        """Every role held, in any department."""
        return frozenset(m.role for m in self.memberships)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.memberships)

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
        """Whether one of ``roles`` is held in any department."""
        return any(m.role in roles for m in self.memberships)

    def has_role_in(self, role: str, department_id: int | None) -> bool:
        """Whether ``role`` is held in that very department."""
        if department_id is None:
            return False
        return role in self.roles_by_department.get(department_id, frozenset())

    def departments_with_role(self, *roles: str) -> frozenset[int]:
        """The departments in which one of ``roles`` is held."""
        return frozenset(m.department_id for m in self.memberships if m.role in roles)

    def first_department_with_role(self, role: str) -> int | None:
        """The department of the oldest membership with ``role`` (e.g. the department a
        witness's inputs are recorded under), or None."""
        return next((m.department_id for m in self.memberships if m.role == role), None)

    @property
    def coordinator_region_id(self) -> int | None:
        """The region whose joint office the user coordinates (their oldest coordinator
        membership's), or None for anyone else."""
        return next((m.region_id for m in self.memberships if m.role == Role.COORDINATOR), None)

    @property
    def home_region_id(self) -> int | None:
        """The user's region: the one they coordinate, else their first department's."""
        if self.coordinator_region_id is not None:
            return self.coordinator_region_id
        return self.memberships[0].region_id if self.memberships else None

    @property
    def data_read_departments(self) -> frozenset[int] | None:
        """The departments whose working data (the object directory, the inspector roster)
        the user reads: ``read_departments`` without those where the witness role is all they
        hold. A witness is often an outsider (a 人大代表): it sees the tasks it witnesses and
        the portal, not the enterprises' files or the inspectors. None means every department."""
        if self.read_departments is None:
            return None
        return frozenset(d for d, roles in self.roles_by_department.items() if roles - {Role.WITNESS})

    @property
    def witness_only_departments(self) -> frozenset[int]:
        """The departments where the witness role is all the user holds (none for a region-wide
        reader): there it reads only the tasks it witnesses (draws.selectors.tasks_for_scope)."""
        if self.read_departments is None:
            return frozenset()
        return frozenset(d for d, roles in self.roles_by_department.items() if roles == {Role.WITNESS})

    @property
    def is_witness_only(self) -> bool:
        """A user whose every role is a witness's: the back office's working pages (imports,
        merges, the directory) are a 404 to it, its menu offers the tasks and the public data."""
        return self.is_staff_member and not self.reads_department_data

    @property
    def reads_department_data(self) -> bool:
        """Whether any department's directory or roster is for this user (the menu's links)."""
        departments = self.data_read_departments
        return departments is None or bool(departments)

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


EMPTY_SCOPE = Scope(
    user_id=None,
    memberships=(),
    roles_by_department=MappingProxyType({}),
    read_departments=frozenset(),
    write_departments=frozenset(),
    primary_department_id=None,
)


def scope_for(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, department__is_active=True)
        .select_related("department")
        .annotate(region_id=F("department__region_id"))
        .order_by("id")
    )
    held = tuple(HeldRole(m.department_id, m.region_id, m.role) for m in memberships)
    by_department: dict[int, set[str]] = {}
    for m in held:
        by_department.setdefault(m.department_id, set()).add(m.role)
    read_all = any(m.is_region_wide for m in memberships)
    write_all = any(m.role in {Role.COORDINATOR, Role.SYSADMIN} for m in memberships)
    scope = Scope(
        user_id=user.pk,
        memberships=held,
        roles_by_department=MappingProxyType({d: frozenset(r) for d, r in by_department.items()}),
        read_departments=None if read_all else frozenset(m.department_id for m in memberships),
        write_departments=None if write_all else frozenset(m.department_id for m in memberships if m.can_write),
        primary_department_id=memberships[0].department_id if memberships else None,
        unit=person_unit(memberships),
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


def require_department_data_reader(user: User | None) -> Scope:
    """A page of a department's working data (imports, merges …): a witness-only user gets the
    404 the public gets, as for the directory and the roster."""
    scope = require_staff(user)
    if scope.is_witness_only:
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
