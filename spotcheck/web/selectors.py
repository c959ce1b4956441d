"""What the home page (工作台) shows: the size of the directories a user can read and the
things waiting for them."""

from dataclasses import dataclass, field

from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import ItemVersion
from spotcheck.catalog.selectors import items_for_scope, pending_filings, versions_for_scope
from spotcheck.directory.selectors import objects_for_scope
from spotcheck.draws.models import Task
from spotcheck.draws.selectors import tasks_awaiting_witness
from spotcheck.imports.models import ImportJob
from spotcheck.imports.selectors import jobs_for_scope
from spotcheck.inspectors.filters import InspectorFilter
from spotcheck.inspectors.selectors import inspectors_for_scope

CERTIFICATE_WARNING_DAYS = 30
AWAITING_WITNESS_SHOWN = 20


@dataclass
class Dashboard:
    counts: dict[str, int]
    pending_filings: int = 0
    returned_versions: int = 0
    certificates_expiring: int = 0
    certificates_lapsed: int = 0
    recent_jobs: list[ImportJob] = field(default_factory=list)
    # Announced tasks waiting for the user's own witness input (a witness's 待办).
    awaiting_witness: list[Task] = field(default_factory=list)
    warning_days: int = CERTIFICATE_WARNING_DAYS


def _inspector_count(scope: Scope, params: dict[str, str]) -> int:
    return InspectorFilter(params, queryset=inspectors_for_scope(scope)).qs.count()


def dashboard(scope: Scope, user) -> Dashboard:
    board = Dashboard(
        counts={
            "objects": objects_for_scope(scope).filter(retired_at__isnull=True).count(),
            "inspectors": inspectors_for_scope(scope).filter(retired_at__isnull=True).count(),
            "items": items_for_scope(scope).filter(retired_at__isnull=True).count(),
        }
    )
    board.awaiting_witness = list(tasks_awaiting_witness(scope)[:AWAITING_WITNESS_SHOWN])
    if scope.has_role("coordinator", "dept_admin", "approver", "sysadmin"):
        board.pending_filings = pending_filings(scope).count()
    if scope.can_write_anything:
        own = versions_for_scope(scope).filter(status=ItemVersion.Status.RETURNED)
        if not scope.writes_all:
            own = own.filter(item__department_id__in=scope.write_departments)
        board.returned_versions = own.count()
        board.certificates_expiring = _inspector_count(
            scope, {"certificate_expires_within": str(CERTIFICATE_WARNING_DAYS)}
        )
        board.certificates_lapsed = _inspector_count(scope, {"certificate_expired": "true"})
        board.recent_jobs = list(jobs_for_scope(scope).filter(created_by=user)[:5])
    return board
