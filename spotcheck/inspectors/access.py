"""Who sees recusals (回避), and the one way views and the API fetch a protected inspector or
recusal for a user.

Recusals often rest on family or business ties, so they stay with the people who manage the
inspector: the department admins, approvers and inspectors of the inspector's department, and
the auditors and system admins of the region; not the coordinator (who sees every department's
roster but not its private reasons) and not the witness (often a member of the public at the
draw ceremony). Each role counts in its own department only.

No access → 404 (the row's existence is not revealed); a read-only role asking to write → 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff, require_write

# The selectors ask this module who sees recusals, and the fetchers below read through them:
# a module import either way round.
from spotcheck.inspectors import selectors
from spotcheck.inspectors.models import Inspector, Recusal

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Role = Membership.Role

# Roles that see every department's recusals.
RECUSAL_READ_ALL_ROLES = frozenset({Role.AUDITOR, Role.SYSADMIN})
# Roles that see the recusals of their own department's inspectors.
RECUSAL_DEPARTMENT_ROLES = frozenset({Role.DEPT_ADMIN, Role.APPROVER, Role.INSPECTOR})


def recusal_departments(scope: Scope) -> frozenset[int] | None:
    """Departments whose recusals the scope may see; ``None`` means all of them."""
    if scope.user_id is None or not scope.is_staff_member:
        return frozenset()
    if scope.has_role(*RECUSAL_READ_ALL_ROLES):
        return None
    return scope.departments_with_role(*RECUSAL_DEPARTMENT_ROLES)


def may_see_recusals(scope: Scope, department_id: int | None = None) -> bool:
    """Whether the scope sees any recusal at all (no department given) or those of one department."""
    departments = recusal_departments(scope)
    if departments is None:
        return True
    if department_id is None:
        return bool(departments)
    return department_id in departments


def get_inspector_for_user(user: User, pk: int | str, write: bool = False) -> Inspector:
    scope = require_staff(user)
    inspector = selectors.inspector_detail_queryset(scope).filter(pk=pk).first()
    if inspector is None:
        raise Http404
    if write:
        require_write(user, inspector.department_id)
    return inspector


def get_recusal_for_user(user: User, pk: int | str, write: bool = False) -> Recusal:
    scope = require_staff(user)
    recusal = selectors.recusals_for_scope(scope).filter(pk=pk).first()
    if recusal is None:
        raise Http404
    if write:
        require_write(user, recusal.inspector.department_id)
    return recusal


def get_inspector_for_recusal_write(user: User, pk: int | str) -> Inspector:
    """The inspector a new recusal is registered for: the actor must write the inspector's
    department and see its recusals (a coordinator writes everywhere but sees no recusals)."""
    inspector = get_inspector_for_user(user, pk)
    if not may_see_recusals(require_staff(user), inspector.department_id):
        raise Http404
    require_write(user, inspector.department_id)
    return inspector
