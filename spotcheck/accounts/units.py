"""A person's unit (所在单位) as pages name it: the department of their role, except that the
joint office's coordinator works for 联席会议办公室 (联席办), a unit of its own. The joint office
has no department row: it sits in the department hosting it (``Department.hosts_joint_office``)
and the coordinator's membership is held there, which is what the permissions read. Only the
name a reader sees differs; every page that shows someone's unit asks this module (through
``User.unit``, ``Membership.unit`` or ``Scope.unit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from spotcheck.accounts.models import Department, Membership

JOINT_OFFICE_NAME = _("联席会议办公室")
JOINT_OFFICE_SHORT_NAME = _("联席办")


@dataclass(frozen=True)
class Unit:
    short_name: str  # 联席办 / 市场监管
    name: str  # 联席会议办公室 / 溧阳市市场监督管理局
    # The joint office's host department (its full name), else "".
    hosted_by: str = ""

    @property
    def is_joint_office(self) -> bool:
        return bool(self.hosted_by)

    @property
    def long_name(self) -> str:
        """Where space allows: “联席会议办公室（设在溧阳市市场监督管理局）”."""
        if not self.hosted_by:
            return str(self.name)
        return _("%(office)s（设在%(host)s）") % {"office": self.name, "host": self.hosted_by}

    def __str__(self) -> str:
        return str(self.short_name)


def is_joint_office_role(role: str, hosts_joint_office: bool) -> bool:
    """A coordinator's role in the department hosting the joint office is held for the office."""
    from spotcheck.accounts.models import Membership  # models.py imports this module

    return hosts_joint_office and role == Membership.Role.COORDINATOR


def unit_for(*, role: str, short_name: str, name: str, hosts_joint_office: bool) -> Unit:
    """The unit of a role held in a department (given by its names and flag)."""
    if is_joint_office_role(role, hosts_joint_office):
        return Unit(short_name=JOINT_OFFICE_SHORT_NAME, name=JOINT_OFFICE_NAME, hosted_by=name)
    return Unit(short_name=short_name, name=name)


def membership_unit(membership: Membership) -> Unit:
    department: Department = membership.department
    return unit_for(
        role=membership.role,
        short_name=department.short_name,
        name=department.name,
        hosts_joint_office=department.hosts_joint_office,
    )


def person_unit(memberships: Iterable[Membership]) -> Unit | None:
    """A person's unit: the joint office if they coordinate it, else the department of their
    oldest active role; None without one. Give it memberships with their departments (a list
    page prefetches ``memberships__department``)."""
    active = sorted((m for m in memberships if m.is_active and m.department.is_active), key=lambda m: m.pk)
    if not active:
        return None
    units = [membership_unit(m) for m in active]
    return next((unit for unit in units if unit.is_joint_office), units[0])
