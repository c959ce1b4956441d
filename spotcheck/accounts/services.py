"""Changes to users, departments, regions and roles, each with its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from spotcheck.accounts.models import Membership, User
from spotcheck.accounts.scope import forget_scope
from spotcheck.audit.services import audit_record, diff, snapshot

# Never put password hashes into the trail.
_SECRET_FIELDS = {"password"}


def _snap(instance: models.Model) -> dict[str, Any]:
    return {k: v for k, v in snapshot(instance).items() if k not in _SECRET_FIELDS}


@transaction.atomic
def reference_save(*, actor: User, instance: models.Model, is_new: bool) -> models.Model:
    """Save a user, department, region or membership edited by a system admin (Django admin)."""
    before = None if is_new else _snap(type(instance).objects.get(pk=instance.pk))
    instance.full_clean(exclude=["password"] if isinstance(instance, User) else None)
    instance.save()
    after = _snap(instance)
    label = instance._meta.label_lower
    if is_new:
        audit_record(actor=actor, action=f"{label}.create", target=instance, after=after)
    else:
        old, new = diff(before, after)
        if old or new:
            audit_record(actor=actor, action=f"{label}.update", target=instance, before=old, after=new)
    if isinstance(instance, Membership):
        forget_scope(instance.user)
    return instance


@transaction.atomic
def user_set_password(*, actor: User, user: User, raw_password: str) -> None:
    user.set_password(raw_password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.user.set_password", target=user)
