"""Who may change the working calendar."""

from __future__ import annotations

from typing import Any

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import scope_for


def may_load_holiday_year(user: Any) -> bool:
    """A system administrator (or a Django superuser). ``None`` is the server's own shell
    (``manage.py workdays load`` run without ``--user``): whoever runs it is the system admin."""
    if user is None:
        return True
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser) or scope_for(user).has_role(Membership.Role.SYSADMIN)
