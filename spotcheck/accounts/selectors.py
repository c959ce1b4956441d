"""Questions about other users' memberships (the actor's own go through ``scope.scope_for``)."""

from __future__ import annotations

from collections.abc import Iterable

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


def departments_of(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """User id → the departments in which the user holds an active role (any)."""
    departments: dict[int, set[int]] = {}
    for user_id, department_id in Membership.objects.filter(user_id__in=list(user_ids), is_active=True).values_list(
        "user_id", "department_id"
    ):
        departments.setdefault(user_id, set()).add(department_id)
    return departments


def role_holder_ids(department_id: int, roles: Iterable[str]) -> list[int]:
    """The ids of the active users holding one of ``roles`` actively in the department, which is
    itself active (as ``scope_for`` counts a role), in id order (gaps14: whom to notify)."""
    return sorted(
        set(
            Membership.objects.filter(
                department_id=department_id,
                role__in=list(roles),
                is_active=True,
                user__is_active=True,
                department__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )
