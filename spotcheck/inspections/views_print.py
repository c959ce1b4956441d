"""Print views of a visit (issue 13, item 4): the A4 checklist (检查表) with the object, the team,
every department's items with result boxes and the 检查码's QR; and the 现场检查笔录 (MOJ template
elements). Same access as the visit page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from spotcheck.inspections import access, check_codes, selectors

RECORD_LINES = 10


def _context(request, pk: int) -> dict:
    visit = access.get_visit_for_user(request.user, pk)
    page = selectors.visit_page(visit)
    code = selectors.visit_code_of(visit)
    url = check_codes.public_url(code.code, request) if code else ""
    departments = [visit.task.lead_department]
    departments += [
        d for d in visit.task.participating_departments.order_by("sort_order", "pk") if d.pk != departments[0].pk
    ]
    for other in page.merged_with:
        for d in [other.task.lead_department, *other.task.participating_departments.all()]:
            if d.pk not in {x.pk for x in departments}:
                departments.append(d)
    return {
        "visit": visit,
        "task": visit.task,
        "obj": visit.inspection_object,
        "page": page,
        "bodies": departments,
        "bodies_names": "、".join(d.name for d in departments),
        # 检查情况: ruled lines for the handwritten record.
        "line_count": range(RECORD_LINES),
        "team": [*page.team, *(m for v in page.merged_with for m in v.members.all())],
        "code": code,
        "code_grouped": check_codes.grouped(code.code) if code else "",
        "public_url": url,
        "qr": check_codes.qr_svg(url, scale=3) if code else "",
        "approval": selectors.approval_state(visit),
        "check_in": selectors.check_in_of(visit),
        "printed_at": timezone.localtime(),
    }


@login_required
@require_GET
def checklist_print_view(request, pk: int):
    return render(request, "inspections/print_checklist.html", _context(request, pk))


@login_required
@require_GET
def record_print_view(request, pk: int):
    return render(request, "inspections/print_record.html", _context(request, pk))
