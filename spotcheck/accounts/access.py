"""Who may administer logins: lift lockouts and issue or revoke the API tokens of departments'
systems. The one place for these rules (views, commands and services ask here)."""

from __future__ import annotations

from typing import Any

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import scope_for

Role = Membership.Role


def may_lift_lockouts(user: Any) -> bool:
    """A lockout is lifted by a system administrator (or a Django superuser)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser) or scope_for(user).has_role(Role.SYSADMIN)


def may_manage_api_tokens(user: Any, department_id: int | None = None) -> bool:
    """An API token of a department is issued and revoked by that department's admin, by the
    coordinator or a system administrator (any department), or a Django superuser. With no
    department: whether the user manages the tokens of any department."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    scope = scope_for(user)
    if scope.has_role(Role.COORDINATOR, Role.SYSADMIN):
        return True
    if department_id is None:
        return bool(scope.departments_with_role(Role.DEPT_ADMIN))
    return scope.has_role_in(Role.DEPT_ADMIN, department_id)


def api_token_departments(user: Any) -> frozenset[int] | None:
    """The departments whose tokens the user manages; None means every department."""
    if user.is_superuser or scope_for(user).has_role(Role.COORDINATOR, Role.SYSADMIN):
        return None
    return scope_for(user).departments_with_role(Role.DEPT_ADMIN)
