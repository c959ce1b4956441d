from django.db.models import Exists, OuterRef, Q, QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.directory.models import InspectionObject


def objects_for_scope(scope: Scope) -> QuerySet[InspectionObject]:
    """Objects a user may read: all for region-wide roles, else those their department
    entered or supervises."""
    qs = InspectionObject.objects.select_related("region", "industry", "owner_department")
    if scope.reads_all:
        return qs
    if not scope.read_departments:
        return qs.none()
    supervised = InspectionObject.supervising_departments.through.objects.filter(
        inspectionobject_id=OuterRef("pk"), department_id__in=scope.read_departments
    )
    return qs.filter(Q(owner_department_id__in=scope.read_departments) | Q(Exists(supervised)))
