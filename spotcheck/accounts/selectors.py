"""Questions about other users' memberships (the actor's own go through ``scope.scope_for``)."""

from __future__ import annotations

from django.db.models import QuerySet

from spotcheck.accounts.models import Membership


def is_member_of(user_id: int, department_id: int) -> bool:
    """Whether the user holds an active role (any) in the department."""
    return Membership.objects.filter(user_id=user_id, department_id=department_id, is_active=True).exists()


def role_holders(role: str) -> QuerySet[Membership]:
    """The active memberships with ``role`` of active users, with user and department, by
    username."""
    return (
        Membership.objects.filter(role=role, is_active=True, user__is_active=True)
        .select_related("user", "department")
        .order_by("user__username")
    )
