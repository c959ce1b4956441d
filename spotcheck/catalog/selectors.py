from django.db.models import Q, QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import InspectionItem


def items_for_scope(scope: Scope) -> QuerySet[InspectionItem]:
    """Own department's items in every state; other departments' only once published
    (the item list is public information, drafts are not)."""
    qs = InspectionItem.objects.select_related("department", "current_version")
    if scope.reads_all:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    return qs.filter(Q(department_id__in=scope.read_departments) | Q(current_version__isnull=False))
