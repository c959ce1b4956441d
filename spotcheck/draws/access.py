"""Who may do what with a task and its ceremony, and the one way views, the API and commands
fetch a task for a user (see STYLE.md): no read access gives a 404 that does not reveal the task
exists; a read-only role asking to write gets a 403.

The predicates are pure functions of a ``Scope`` (and the row): the services call them first
and raise, the pages and the API call them to show or hide a button. They decide who runs the
ceremony, who enters a witness input (their own, or typed for a witness), who reads the full
draw record and who sets the region's yearly cap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.draws.models import Draw, OnSiteInspection, Task
from spotcheck.draws.selectors import tasks_for_scope
from spotcheck.inspectors.access import may_see_recusals
from spotcheck.planning.access import can_create_task_from_entry  # noqa: F401 (its home is planning: the plan page asks it too)

if TYPE_CHECKING:
    from spotcheck.accounts.models import Department, User

Role = Membership.Role


def get_task_for_user(user: User, pk: int, write: bool = False) -> Task:
    scope = require_staff(user)
    task = tasks_for_scope(scope).filter(pk=pk).first()
    if task is None:
        raise Http404(_("没有找到该抽查任务。"))
    # A participant of a joint task reads it but only the lead department runs it: 403, not 404.
    if write and not can_operate(scope, task):
        raise PermissionDenied(_("只有发起部门可以操作该抽查任务。"))
    return task


def out_of_scope_reason(scope: Scope, pk: int) -> str | None:
    """Why a staff member of the task's region may not read task ``pk`` (issue 12, item 2): a
    witness of another department is told the rule rather than given a bare 404. The page
    keeps the 404 and names nothing of the task; anyone outside the region gets the plain 404
    (None), which does not reveal that the task exists."""
    if not scope.is_staff_member:
        return None
    region_id = Task.objects.filter(pk=pk).values_list("lead_department__region_id", flat=True).first()
    if region_id is None or region_id not in {m.region_id for m in scope.memberships}:
        return None
    if scope.has_role(Role.WITNESS):
        return _(
            "该任务不在您的见证范围内：见证人只能查看本部门发起或参与、已发布任务公告并正在等待见证人输入的任务，"
            "以及本人录入过输入的任务。抽取结果公开后，可在公示平台查看。"
        )
    return _("该任务不在您的查看范围内：抽查任务只对发起部门和参与部门的人员、联席办和审计人员开放。")


def can_operate(scope: Scope, task: Task) -> bool:
    """Whether the scope runs the ceremony of ``task``: write access to its lead department
    (its admin, or the coordinator)."""
    return scope.can_write_department(task.lead_department_id)


def has_full_record_access(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """The full record lists the exclusions, i.e. which inspector is recused from which object:
    it is for those who may read the recusals of every department on the task's roster (the
    lead's and, for a joint task, the participants': their admins, the auditors — see
    inspectors/access.py). Everyone else who reads the task (witnesses, the coordinator, a
    participating department) gets the public copy, which verifies all the same.
    ``department_ids``: the task's participating departments, when the caller has read them."""
    if department_ids is None:
        department_ids = set(task.participating_departments.values_list("pk", flat=True))
    departments = {task.lead_department_id, *department_ids}
    return all(may_see_recusals(scope, department_id) for department_id in departments)


def reads_as_witness_only(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """Whether the scope reads ``task`` only because it witnesses it (a witness role is all it
    holds in the task's departments): then it sees what the public sees (issue 11, item 4) —
    the notice, the witness inputs, the public copy of the record and, once the list is public,
    the targets — not the teams, the pool's members or its exclusions."""
    if scope.reads_all:
        return False
    if department_ids is None:
        department_ids = set(task.participating_departments.values_list("pk", flat=True))
    departments = {task.lead_department_id, *department_ids}
    return not (scope.data_read_departments or frozenset()) & departments


def can_see_pool(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """The pool's members and exclusions (who was left out, and why: a recent inspection, the
    yearly cap) are the departments' working data, not public."""
    return not reads_as_witness_only(scope, task, department_ids)


def can_see_targets(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """The drawn targets: staff once drawn; a witness as the public, once the list is public."""
    return task.list_published_at is not None or not reads_as_witness_only(scope, task, department_ids)


def can_see_teams(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """Which inspectors visit which enterprise is not public (the portal does not show it)."""
    return not reads_as_witness_only(scope, task, department_ids)


def can_export_visits(scope: Scope, task: Task, department_ids: set[int] | None = None) -> bool:
    """The spreadsheet of a drawn task's visits and teams is for those who see the teams."""
    return can_see_teams(scope, task, department_ids)


def require_visit_export(scope: Scope, task: Task) -> None:
    """A witness-only reader gets the 404 it gets for the teams' absence on the page (it is
    not told that they exist); so does a task that has drawn nothing yet."""
    # Not ``task.draw``: that would load the draw's result (10^5 targets for a province).
    drawn = Draw.objects.filter(task=task).exclude(seed="").exists()
    if not drawn or not can_export_visits(scope, task):
        raise Http404(_("没有可导出的检查名单。"))


# --------------------------------------------------------------------------------- witnesses


def can_enter_own_witness_input(scope: Scope) -> bool:
    """A user with the witness role, in any department, enters their own input."""
    return scope.has_role(Role.WITNESS)


def can_type_witness_input(scope: Scope, task: Task) -> bool:
    """The operator types an input for a witness user or a named witness."""
    return can_operate(scope, task)


def can_enter_witness_input(scope: Scope, task: Task) -> bool:
    """Whether the witness form is for the scope at all: a witness, or the task's operator."""
    return can_type_witness_input(scope, task) or can_enter_own_witness_input(scope)


def _reads_task(scope: Scope, task: Task) -> bool:
    if scope.can_read_department(task.lead_department_id):
        return True
    return scope.can_read_any(set(task.participating_departments.values_list("pk", flat=True)))


def _refuse(scope: Scope, task: Task, message: str) -> None:
    """Another department's task is a 404 (its existence is not revealed); a reader a 403."""
    if not _reads_task(scope, task):
        raise Http404
    raise PermissionDenied(message)


def require_witness_entry(scope: Scope, task: Task, *, for_witness: bool = False) -> None:
    """Refuse a witness input the scope may not enter: nobody but a witness or the operator
    enters one, and only the operator types one for a witness (``for_witness``)."""
    if not can_enter_witness_input(scope, task):
        _refuse(scope, task, _("只有见证人或发起部门可以录入见证人输入。"))
    if for_witness and not can_type_witness_input(scope, task):
        _refuse(scope, task, _("只有发起部门可以代见证人录入。"))


# ------------------------------------------------------------------------------ yearly cap


def can_set_frequency_rule(scope: Scope) -> bool:
    """The region's yearly cap (无事不扰) is set by the joint office's coordinator."""
    return scope.coordinator_region_id is not None


# --------------------------------------------------------------------------------- redraws


def can_decide_redraw(scope: Scope, task: Task) -> bool:
    """A redraw (a task drawing again what a cancelled drawn task drew) is approved or refused
    by the joint office's coordinator of the task's region; the services add that the one who
    asked for it may not decide it (four eyes)."""
    region_id = scope.coordinator_region_id
    return region_id is not None and region_id == task.lead_department.region_id


# ---------------------------------------------------------- on-site cap (i13-onsite, item 11)


def can_set_onsite_cap(scope: Scope, department: Department) -> bool:
    """A department's yearly cap on on-site inspections is set by the coordinator of its region."""
    region_id = scope.coordinator_region_id
    return region_id is not None and region_id == department.region_id


def can_review_over_cap(scope: Scope, inspection: OnSiteInspection) -> bool:
    """An over-cap inspection is flagged to the coordinator of its department's region, who
    marks it read."""
    region_id = scope.coordinator_region_id
    return region_id is not None and region_id == inspection.department.region_id


def get_onsite_inspection_for_user(user: User, pk: int, write: bool = False) -> OnSiteInspection:
    """An on-site inspection record: a reader of its department's working data reads it (else
    404); writing it (withdrawing) is for those who write that department's rows (else 403)."""
    scope = require_staff(user)
    row = OnSiteInspection.objects.select_related("department", "inspection_object").filter(pk=pk).first()
    readable = scope.data_read_departments
    if row is None or (readable is not None and row.department_id not in readable):
        raise Http404(_("没有找到该现场检查记录。"))
    if write and not scope.can_write_department(row.department_id):
        raise PermissionDenied(_("只有该部门的管理员可以撤回现场检查记录。"))
    return row
