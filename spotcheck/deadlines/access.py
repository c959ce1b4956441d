"""Who sees the deadline dashboard and the calendar page."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.workdays.access import may_load_holiday_year

Role = Membership.Role

# A department's dashboard is for those who answer for its deadlines.
DASHBOARD_DEPARTMENT_ROLES = (Role.DEPT_ADMIN, Role.APPROVER)


def dashboard_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose deadlines the user watches: None for every department (the
    coordinator, the auditor, the system admin), else those where they are admin or approver;
    an empty set: not for them."""
    if scope.has_role(Role.COORDINATOR, Role.AUDITOR, Role.SYSADMIN):
        return None
    return scope.departments_with_role(*DASHBOARD_DEPARTMENT_ROLES)


def require_dashboard(user: Any) -> tuple[Scope, frozenset[int] | None]:
    """The dashboard's pages: anyone else gets the 404 the public gets."""
    scope = require_staff(user)
    departments = dashboard_departments(scope)
    if departments is not None and not departments:
        raise Http404
    return scope, departments


def may_read_calendar(scope: Scope) -> bool:
    """The calendar page: the system admin (who enters years), the coordinator and the auditor
    (read only)."""
    return scope.has_role(Role.SYSADMIN, Role.COORDINATOR, Role.AUDITOR)


def require_calendar_reader(user: Any) -> Scope:
    scope = require_staff(user)
    if not may_read_calendar(scope) and not may_load_holiday_year(user):
        raise Http404
    return scope
