from django.db.models import QuerySet

from spotcheck.audit.models import AuditEntry


def entries_for_target(target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
        .select_related("actor", "department")
        .order_by("-seq")
    )
