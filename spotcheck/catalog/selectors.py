"""Reading the item list. Every read takes the user's scope: a department reads all of its own
items (drafts included) and every other department's items once published; a user who is only
a witness in a department reads its items once published, as the public does."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import FilingEvent, InspectionItem, ItemVersion


def items_for_scope(scope: Scope) -> QuerySet[InspectionItem]:
    """Own department's items in every state; other departments' only once published
    (the item list is public information, drafts are not)."""
    qs = InspectionItem.objects.select_related("department", "current_version")
    if scope.reads_all:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    # Not the drafts of a department where the user is only a witness (issue 11).
    return qs.filter(Q(department_id__in=scope.data_read_departments) | Q(current_version__isnull=False))


def versions_for_scope(scope: Scope) -> QuerySet[ItemVersion]:
    """Versions a user may read: published ones (accepted or superseded) of every item, and
    every version of the departments they read."""
    qs = ItemVersion.objects.select_related("item", "item__department", "created_by", "reviewed_by")
    if scope.reads_all:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    return qs.filter(
        Q(item__department_id__in=scope.data_read_departments) | Q(status__in=ItemVersion.PUBLISHED_STATUSES)
    )


def open_versions_for_scope(scope: Scope) -> QuerySet[ItemVersion]:
    """Versions in the filing process (draft, submitted, returned) the user may see."""
    qs = ItemVersion.objects.filter(status__in=ItemVersion.OPEN_STATUSES)
    if scope.reads_all:
        return qs
    return qs.filter(item__department_id__in=scope.data_read_departments or ())


def item_list(scope: Scope) -> QuerySet[InspectionItem]:
    """The list page and the export: each item with its current version and, as
    ``open_versions`` (zero or one), the version being filed if the user may see it."""
    return items_for_scope(scope).prefetch_related(
        Prefetch("versions", queryset=open_versions_for_scope(scope), to_attr="open_versions")
    )


def item_detail_versions(scope: Scope, item: InspectionItem) -> QuerySet[ItemVersion]:
    """The version history of one item as the user may read it, newest first."""
    return versions_for_scope(scope).filter(item=item).order_by("-number")


def version_with_content(qs: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
    """Everything a version page shows, in a fixed number of queries."""
    return qs.prefetch_related(
        "questions",
        "required_qualifications",
        "joint_departments",
        Prefetch("filing_events", queryset=FilingEvent.objects.select_related("actor")),
    )


def pending_filings(scope: Scope) -> QuerySet[ItemVersion]:
    """待备案: versions submitted and waiting for the joint office, oldest first. The
    coordinator sees every department's; a department sees its own."""
    return (
        versions_for_scope(scope)
        .filter(status=ItemVersion.Status.FILING)
        .select_related("item__current_version")
        .order_by("submitted_at", "pk")
    )
