from django.db.models import QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.inspectors.models import Inspector


def inspectors_for_scope(scope: Scope) -> QuerySet[Inspector]:
    qs = Inspector.objects.select_related("department")
    if scope.reads_all:
        return qs
    return qs.filter(department_id__in=scope.read_departments or [])
