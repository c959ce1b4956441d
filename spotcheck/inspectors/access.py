"""The one way views and the API fetch a protected inspector or recusal for a user.

No access → 404 (the row's existence is not revealed); a read-only role asking to write → 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from spotcheck.accounts.scope import require_staff, require_write
from spotcheck.inspectors.models import Inspector, Recusal
from spotcheck.inspectors.selectors import inspector_detail_queryset, may_see_recusals, recusals_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


def get_inspector_for_user(user: User, pk: int | str, write: bool = False) -> Inspector:
    scope = require_staff(user)
    inspector = inspector_detail_queryset(scope).filter(pk=pk).first()
    if inspector is None:
        raise Http404
    if write:
        require_write(user, inspector.department_id)
    return inspector


def get_recusal_for_user(user: User, pk: int | str, write: bool = False) -> Recusal:
    scope = require_staff(user)
    recusal = recusals_for_scope(scope).filter(pk=pk).first()
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
