"""The one way a view or API endpoint gets hold of an inspection object.

No read access → 404 (the page does not reveal that the row exists); read access but a
write is asked for by a role that may not write it → 403.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from spotcheck.accounts.scope import require_staff
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.selectors import object_detail_queryset
from spotcheck.directory.services import require_object_write


def get_object_for_user(user: Any, pk: Any, write: bool = False) -> InspectionObject:
    scope = require_staff(user)
    try:
        obj = object_detail_queryset(scope).get(pk=int(pk))
    except (InspectionObject.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if write:
        require_object_write(user, obj)
    return obj


def get_object_by_key_for_user(user: Any, key: str, write: bool = False) -> InspectionObject:
    """``key`` is a public code (USCC or platform code) or, failing that, a numeric id."""
    scope = require_staff(user)
    obj = object_detail_queryset(scope).filter(public_code=str(key).strip().upper()).first()
    if obj is None:
        if not str(key).isdigit():
            raise Http404
        return get_object_for_user(user, key, write=write)
    if write:
        require_object_write(user, obj)
    return obj
