"""A user's own notices (nobody reads another's inbox)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from spotcheck.notices.models import Notice


def notices_for(user: Any) -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return notices_for(user).filter(read_at__isnull=True).count()
