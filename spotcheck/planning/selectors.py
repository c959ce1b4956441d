"""Reading plans. Departments read their own plans and the joint plans they take part in (as
lead or participating department of an entry); the coordinator and auditors read all; the public,
and a user where they are only a witness, read published plans only."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.accounts.scope import Scope
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent, PlanStratum


def _takes_part(departments: frozenset[int]) -> Q:
    entries = PlanEntry.objects.filter(plan_id=OuterRef("pk"), retired_at__isnull=True)
    participants = PlanEntry.participating_departments.through.objects.filter(
        planentry__plan_id=OuterRef("pk"), planentry__retired_at__isnull=True, department_id__in=departments
    )
    return Q(Exists(entries.filter(lead_department_id__in=departments))) | Q(Exists(participants))


def _of_departments(departments: frozenset[int]) -> Q:
    return Q(department_id__in=departments) | (Q(kind=AnnualPlan.Kind.JOINT) & _takes_part(departments))


def plans_for_scope(scope: Scope) -> QuerySet[AnnualPlan]:
    qs = AnnualPlan.objects.select_related("department", "region")
    if scope.reads_all:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    departments = scope.data_read_departments or frozenset()
    # Where the user is only a witness (often an outsider), what the public reads: a plan
    # once published, not one in the making (issue 11).
    witnessed = (scope.read_departments or frozenset()) - departments
    readable = _of_departments(departments) if departments else Q(pk__in=[])
    if witnessed:
        published = Q(status=AnnualPlan.Status.PUBLISHED, retired_at__isnull=True)
        readable |= published & _of_departments(witnessed)
    return qs.filter(readable)


def plan_list(scope: Scope, *, year: int | None = None, include_retired: bool = False) -> QuerySet[AnnualPlan]:
    qs = plans_for_scope(scope)
    if year is not None:
        qs = qs.filter(year=year)
    if not include_retired:
        qs = qs.filter(retired_at__isnull=True)
    return qs.order_by("-year", "kind", "department__sort_order", "pk")


class PlanTodo(models.TextChoices):
    """Plans waiting for the user (the home page's 待办 and the plan list's filter): the same
    rules as ``access`` (approve, file, publish, rework), as conditions on the rows."""

    APPROVE = "approve", _("待我审核")
    FILE = "file", _("待联席办备案")
    PUBLISH = "publish", _("已备案，待公布")
    RETURNED = "returned", _("被退回，待修改")


Role = Membership.Role


def _joint_office(scope: Scope) -> bool:
    return scope.has_role(Role.COORDINATOR, Role.SYSADMIN)


def plans_waiting(scope: Scope, todo: str) -> QuerySet[AnnualPlan]:
    """The live plans of ``plan_list`` waiting for the scope at ``todo`` (a ``PlanTodo``):
    submitted plans it may approve and did not submit itself (an approver of the plan's
    department, or of the department hosting the joint office for the joint plan; the
    coordinator any); approved plans the joint office files, filed plans it publishes; returned
    plans that the scope makes (its departments' as their admin; the joint plan as the office)."""
    plans = plan_list(scope)
    Status, Kind = AnnualPlan.Status, AnnualPlan.Kind
    if todo == PlanTodo.APPROVE:
        plans = plans.filter(status=Status.SUBMITTED).exclude(submitted_by_id=scope.user_id)
        if scope.has_role(Role.COORDINATOR):
            return plans
        approver_of = scope.departments_with_role(Role.APPROVER)
        hosting = Department.objects.filter(pk__in=approver_of, hosts_joint_office=True, is_active=True)
        return plans.filter(
            Q(kind=Kind.DEPARTMENT, department_id__in=approver_of)
            | Q(kind=Kind.JOINT, region_id__in=hosting.values("region_id"))
        )
    if todo in (PlanTodo.FILE, PlanTodo.PUBLISH):
        if not _joint_office(scope):
            return plans.none()
        return plans.filter(status=Status.FILING if todo == PlanTodo.FILE else Status.FILED)
    if todo == PlanTodo.RETURNED:
        mine = Q(kind=Kind.DEPARTMENT, department_id__in=scope.departments_with_role(Role.DEPT_ADMIN))
        if _joint_office(scope):
            mine |= Q(kind=Kind.JOINT)
        return plans.filter(mine, status=Status.RETURNED)
    return plans.none()


def published_plans() -> QuerySet[AnnualPlan]:
    """What the public portal shows: published plans that were not withdrawn."""
    return (
        AnnualPlan.objects.filter(status=AnnualPlan.Status.PUBLISHED, retired_at__isnull=True)
        .select_related("department", "region")
        .order_by("-year", "kind", "department__sort_order", "pk")
    )


def live_entries(plan: AnnualPlan) -> QuerySet[PlanEntry]:
    """The plan's entries in force, with everything the detail page shows."""
    return (
        PlanEntry.objects.filter(plan=plan, retired_at__isnull=True)
        .select_related("lead_department")
        .prefetch_related(
            "participating_departments",
            "items__current_version",
            Prefetch("strata", queryset=PlanStratum.objects.filter(retired_at__isnull=True), to_attr="live_strata"),
        )
        .order_by("position", "pk")
    )


def retired_entries(plan: AnnualPlan) -> QuerySet[PlanEntry]:
    return PlanEntry.objects.filter(plan=plan, retired_at__isnull=False).order_by("position", "pk")


def plan_history(plan: AnnualPlan) -> QuerySet[PlanEvent]:
    return PlanEvent.objects.filter(plan=plan).select_related("actor").order_by("created_at", "pk")
