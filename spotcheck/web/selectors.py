"""What the home page (工作台) shows: the size of the directories a user can read and the
things waiting for them."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import ItemVersion
from spotcheck.catalog.selectors import items_for_scope, pending_filings, versions_for_scope
from spotcheck.deadlines.access import dashboard_departments
from spotcheck.deadlines.board_text import board_text
from spotcheck.deadlines.selectors import Board, Horizon, board_counts
from spotcheck.directory.selectors import objects_for_scope
from spotcheck.draws.guide import TaskStep, step_counts
from spotcheck.draws.models import Task
from spotcheck.draws.onsite_selectors import over_cap_to_review
from spotcheck.draws.selectors import redraws_awaiting_approval, tasks_awaiting_witness, tasks_for_scope
from spotcheck.imports.models import ImportJob
from spotcheck.imports.selectors import jobs_for_scope
from spotcheck.inspections.access import can_decide_merges
from spotcheck.inspections.selectors import (
    MyVisitState,
    merge_proposal_count,
    my_pending_visit_count,
    my_visits,
    tasks_awaiting_approval,
)
from spotcheck.inspectors.filters import InspectorFilter
from spotcheck.inspectors.selectors import inspectors_for_scope
from spotcheck.planning.selectors import PlanTodo, plans_waiting
from spotcheck.publication.selectors import tasks_awaiting
from spotcheck.replies.selectors import pending_reply_count, unanswered_complaint_count  # voice14
from spotcheck.results.selectors import tasks_with_results_to_approve

CERTIFICATE_WARNING_DAYS = 30
AWAITING_WITNESS_SHOWN = 20
Role = Membership.Role
# A department admin's tasks by the step of the ceremony at which they wait for it.
ADMIN_STEPS = (TaskStep.DRAFT, TaskStep.FROZEN, TaskStep.WITNESSES, TaskStep.READY, TaskStep.UNPUBLISHED)


@dataclass(frozen=True)
class StepCount:
    """A count of tasks at one step, with the task list filtered to exactly them."""

    label: str
    count: int
    url: str


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
    # The coordinator's: open merge proposals, announced tasks whose witness inputs are missing,
    # redraws to approve; the joint office's: plans to file and to publish.
    merge_proposals: int = 0
    # An inspector's: visits of their teams whose window is not over (我的检查).
    visits_pending: int = 0
    tasks_awaiting_witnesses: int = 0
    redraws_awaiting: int = 0
    plans_to_file: int = 0
    plans_to_publish: int = 0
    # An approver's plans to approve; a department admin's returned plans and tasks by step.
    plans_to_approve: int = 0
    plans_returned: int = 0
    task_steps: list[StepCount] = field(default_factory=list)
    # An approver's drawn tasks with visits not yet approved (审批, issue 13).
    visit_approvals: int = 0
    # i13-deadlines: the deadline dashboard's non-empty lists (期限看板) for the coordinator,
    # department admins and approvers.
    deadline_boards: list[StepCount] = field(default_factory=list)
    # The coordinator's: over-cap on-site inspections not yet read (i13-onsite, issue 13 item 11).
    onsite_over_cap: int = 0
    # pub14: a department admin's or approver's tasks with results (or corrections) to publish.
    tasks_to_publish: int = 0
    # (e2e13) An inspector's visits whose result waits for its confirmations (我的检查, 结果待确认);
    # an approver's tasks with confirmed results to approve, each linking to its results page.
    results_to_confirm: int = 0
    results_to_approve: list[Task] = field(default_factory=list)
    # voice14 (issue 14, item 4): a lead department's admin's or approver's replies to review and
    # complaints to answer.
    replies_pending: int = 0
    complaints_unanswered: int = 0

    @property
    def has_todo(self) -> bool:
        return bool(
            self.pending_filings
            or self.returned_versions
            or self.certificates_expiring
            or self.certificates_lapsed
            or self.awaiting_witness
            or self.merge_proposals
            or self.visits_pending
            or self.tasks_awaiting_witnesses
            or self.redraws_awaiting
            or self.plans_to_file
            or self.plans_to_publish
            or self.plans_to_approve
            or self.plans_returned
            or self.task_steps
            or self.visit_approvals
            or self.deadline_boards
            or self.onsite_over_cap
            or self.tasks_to_publish
            or self.results_to_confirm
            or self.results_to_approve
            or self.replies_pending
            or self.complaints_unanswered
        )


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
    _add_workflow(board, scope)
    return board


def _tasks_url(**params: object) -> str:
    return f"{reverse('draws:list')}?{urlencode(params, doseq=True)}"


def _add_workflow(board: Dashboard, scope: Scope) -> None:
    """What waits for each role in the ceremony, the merges and the plans (issue 12, item 6);
    each count is what its link's list shows."""
    if scope.has_role(Role.INSPECTOR):
        board.visits_pending = my_pending_visit_count(scope)
    if can_decide_merges(scope):
        board.merge_proposals = merge_proposal_count(scope)
    if scope.coordinator_region_id is not None:
        board.tasks_awaiting_witnesses = step_counts(tasks_for_scope(scope))[TaskStep.WITNESSES]
        board.redraws_awaiting = redraws_awaiting_approval(scope).count()
    if scope.has_role(Role.COORDINATOR, Role.SYSADMIN):
        board.plans_to_file = plans_waiting(scope, PlanTodo.FILE).count()
        board.plans_to_publish = plans_waiting(scope, PlanTodo.PUBLISH).count()
    if scope.has_role(Role.APPROVER, Role.COORDINATOR):
        board.plans_to_approve = plans_waiting(scope, PlanTodo.APPROVE).count()
    if scope.has_role(Role.APPROVER):
        board.visit_approvals = tasks_awaiting_approval(scope).count()
    _add_results(board, scope)
    if scope.has_role(Role.DEPT_ADMIN, Role.COORDINATOR, Role.SYSADMIN):
        board.plans_returned = plans_waiting(scope, PlanTodo.RETURNED).count()
    _add_deadlines(board, scope)
    departments = sorted(scope.departments_with_role(Role.DEPT_ADMIN))
    if departments:
        counts = step_counts(tasks_for_scope(scope).filter(lead_department_id__in=departments))
        board.task_steps = [
            StepCount(str(step.label), counts[step], _tasks_url(step=step.value, lead=departments))
            for step in ADMIN_STEPS
            if counts[step]
        ]
    # 无事不扰 per body (i13-onsite): over-cap on-site inspections flagged to the coordinator.
    if scope.coordinator_region_id is not None:
        board.onsite_over_cap = over_cap_to_review(scope).count()
    # pub14: 检查结果公示, for those who publish (the lead department's admin or approver).
    publishers = scope.departments_with_role(Role.DEPT_ADMIN, Role.APPROVER)
    if publishers:
        board.tasks_to_publish = tasks_awaiting(Task.objects.filter(lead_department_id__in=publishers)).count()
    # voice14: the enterprise's voice waiting for its department's answer.
    board.replies_pending = pending_reply_count(scope)
    board.complaints_unanswered = unanswered_complaint_count(scope)


# i13-deadlines
def _add_deadlines(board: Dashboard, scope: Scope) -> None:
    """The deadline dashboard's counts (five queries: the calendar and four counts), each
    linking to its list; for the roles that answer for deadlines, not the auditor."""
    if not scope.has_role(Role.COORDINATOR, Role.DEPT_ADMIN, Role.APPROVER):
        return
    departments = dashboard_departments(scope)
    counts = board_counts(departments, Horizon.on())
    board.deadline_boards = [
        StepCount(board_text(b)[0], counts[b], reverse("deadlines:list", args=[b.value])) for b in Board if counts[b]
    ]


# e2e13
def _add_results(board: Dashboard, scope: Scope) -> None:
    """What waits after the visit: an inspector's results to confirm (the count is what
    我的检查's 结果待确认 lists), an approver's tasks whose confirmed results wait for approval."""
    if scope.has_role(Role.INSPECTOR):
        board.results_to_confirm = my_visits(scope, state=MyVisitState.TO_CONFIRM).count()
    if scope.has_role(Role.APPROVER):
        tasks = tasks_with_results_to_approve(scope).order_by("window_end", "code")
        board.results_to_approve = list(tasks[:AWAITING_WITNESS_SHOWN])
