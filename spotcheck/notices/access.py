"""Whose notice is whose: only its recipient reads it or marks it read."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from spotcheck.notices.models import Notice


def get_notice_for_user(user: Any, pk: Any) -> Notice:
    """The user's own notice, or a 404 that does not say whether the id exists."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**63:  # beyond the column's range: the database would raise
        raise Http404
    notice = Notice.objects.filter(pk=number, user_id=getattr(user, "pk", None)).first()
    if notice is None or not getattr(user, "is_authenticated", False):
        raise Http404
    return notice
