"""Who sees recusals (回避), and the one way views and the API fetch a protected inspector or
recusal for a user.

Recusals often rest on family or business ties, so they stay with the people who manage the
inspector: the department admins, approvers and inspectors of the inspector's department, and
the auditors and system admins of the region; not the coordinator (who sees every department's
roster but not its private reasons) and not the witness (often a member of the public at the
draw ceremony). Each role counts in its own department only.

No access → 404 (the row's existence is not revealed); a read-only role asking to write → 403.

The roster itself (issue 11): a user who is only a witness in a department does not read that
department's inspectors (a witness-only user gets a 404 on the roster). An inspector's phone
number and the reason of their availability (leave often has a private cause) are for the admins
of the inspector's department; everyone else who reads the roster sees neither (pages, API, the
change history). The roster is exported, phone numbers included, by a department admin for
their departments' inspectors; other readers get a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

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


def require_roster_reader(user: User | None) -> Scope:
    """Any page or endpoint of the roster: staff who read some department's data (a
    witness-only user gets a 404, as a user without a role does)."""
    scope = require_staff(user)
    if not scope.reads_department_data:
        raise Http404
    return scope


def may_see_private_details(scope: Scope, department_id: int | None) -> bool:
    """An inspector's phone number and availability reason, and the change history that holds
    them: their department's admins only (auditors read them in the audit trail)."""
    return scope.has_role_in(Role.DEPT_ADMIN, department_id)


def export_inspector_departments(scope: Scope) -> frozenset[int]:
    """The departments whose inspectors the user exports; a 404 for a user who does not read
    the roster, a 403 for a reader who is no department admin."""
    if not scope.reads_department_data:
        raise Http404
    departments = scope.departments_with_role(Role.DEPT_ADMIN)
    if not departments:
        raise PermissionDenied(_("执法检查人员名录（含联系电话）只能由本部门管理员导出。"))
    return departments


def can_export_inspectors(scope: Scope) -> bool:
    return bool(scope.departments_with_role(Role.DEPT_ADMIN))


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
