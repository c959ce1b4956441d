"""检查码 on the public portal (扫码入企): what an enterprise reads to check that a visit is real.

Only what it needs and RULES.md lets out: the body (lead and participating departments), the
task (code, name, kind), the legal basis of its items, the officers' names and certificate
numbers (执法证号; no phone, nothing else of a person), the window, whether the approval is
current, and whether the team has checked in. The enterprise's own feedback is never read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department
from spotcheck.catalog.models import ItemVersion
from spotcheck.draws.models import Task, VisitMember
from spotcheck.inspections.check_codes import normalise_code
from spotcheck.inspections.models import VisitCode
from spotcheck.inspections.selectors import approval_state, check_in_of
from spotcheck.publication.public_record import public_name


class CodeInvalid(Http404):
    """No visit has this code (or it cannot be one): the portal's 检查码无效 page."""


@dataclass
class PublicOfficer:
    name: str
    certificate_number: str
    department: str


@dataclass
class PublicVisit:
    code: str
    visit_id: int  # for the feedback form's service call; never shown
    object_name: str
    task_code: str
    task_title: str
    task_kind: str
    task_cancelled: bool
    lead_department: str
    participating_departments: list[str]
    items: list[tuple[str, str]]  # (name, legal basis)
    officers: list[PublicOfficer]
    window_start: dt.date
    window_end: dt.date
    # "approved", "emergency" (started first, approval afterwards) or "withdrawn" (the approval
    # was withdrawn and none is current)
    approval: str
    approved_at: dt.datetime | None = None
    checked_in_at: dt.datetime | None = None

    @property
    def is_current(self) -> bool:
        return not self.task_cancelled and self.approval in ("approved", "emergency")


def public_visit(raw_code: str | None) -> PublicVisit:
    """The visit of a 检查码 as the public reads it; ``CodeInvalid`` for anything else."""
    code = normalise_code(raw_code)
    if code is None:
        raise CodeInvalid(_("检查码无效"))
    row = (
        VisitCode.objects.filter(code=code)
        .select_related("visit__inspection_object", "visit__task__lead_department")
        .prefetch_related(
            Prefetch(
                "visit__members",
                queryset=VisitMember.objects.select_related("inspector__department").order_by("position"),
            ),
            Prefetch(
                "visit__task__participating_departments", queryset=Department.objects.order_by("sort_order", "pk")
            ),
            Prefetch("visit__task__items", queryset=ItemVersion.objects.select_related("item").order_by("item__code")),
        )
        .first()
    )
    if row is None:
        raise CodeInvalid(_("检查码无效"))
    visit, task = row.visit, row.visit.task
    state = approval_state(visit)
    if state.approval is not None:
        approval = "approved"
    elif state.emergency is not None:
        approval = "emergency"
    else:
        # A code exists only once the visit was approved or started: no current approval now
        # means it was withdrawn.
        approval = "withdrawn"
    check_in = check_in_of(visit)
    lead = task.lead_department
    return PublicVisit(
        code=code,
        visit_id=visit.pk,
        # A 个体工商户's operator is not published, here either (RULES.md, Disclosure).
        object_name=public_name(visit.inspection_object),
        task_code=task.code,
        task_title=task.title,
        task_kind=task.get_kind_display(),
        task_cancelled=task.status == Task.Status.CANCELLED,
        lead_department=lead.name,
        participating_departments=[d.name for d in task.participating_departments.all() if d.pk != lead.pk],
        items=[(v.name, v.legal_basis) for v in task.items.all()],
        officers=[
            PublicOfficer(m.inspector.name, m.inspector.certificate_number, m.inspector.department.short_name)
            for m in visit.members.all()
        ],
        window_start=task.window_start,
        window_end=task.window_end,
        approval=approval,
        approved_at=state.approval.approved_at if state.approval else None,
        checked_in_at=check_in.checked_in_at if check_in else None,
    )
