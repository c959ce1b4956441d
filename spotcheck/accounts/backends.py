"""Django's permission checks answered from the platform's roles (``scope.py``).

The apps below ``accounts`` cannot ask a user's scope themselves (they must not import this
app): the audit trail's pages ask Django's ``user.has_perm("audit.view_auditentry")``, and this
backend answers it from the roles, so the rule stays here with the others. Everything else is
Django's ``ModelBackend`` (passwords, and permissions given in the admin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend

from spotcheck.accounts.models import ApiToken
from spotcheck.accounts.scope import Scope, scope_for

ROLE_PERMISSIONS: dict[str, Callable[[Scope], bool]] = {
    # The audit trail holds private matters (recusals, who viewed what): auditors and system
    # admins read it.
    "audit.view_auditentry": lambda scope: scope.can_audit,
}


class RoleBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):
        # The service account of an API token authenticates with its token only, never with a
        # password (one set in the admin, say), on any login form. Checked here, at the
        # password, not in user_can_authenticate: that also runs for every session's request.
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and ApiToken.objects.filter(user_id=user.pk).exists():
            return None
        return user

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        rule = ROLE_PERMISSIONS.get(perm)
        if rule is not None and getattr(user_obj, "is_active", False) and rule(scope_for(user_obj)):
            return True
        return super().has_perm(user_obj, perm, obj)
