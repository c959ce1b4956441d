"""我的检查 (an inspector's visits) and the visit page with its one checklist (一表通查), issue 13
item 1. Read-only; fetched through ``access``, read through ``selectors``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from spotcheck.accounts.scope import require_staff
from spotcheck.draws.onsite import onsite_cap_warning
from spotcheck.inspections import access, check_codes, selectors
from spotcheck.inspectors.access import may_see_private_details

MY_VISITS_PER_PAGE = 20


class MyVisitFilter(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    window_from = forms.DateField(label=gettext_lazy("检查时间自"), required=False)
    window_to = forms.DateField(label=gettext_lazy("至"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext_lazy("全部")), *selectors.MyVisitState.choices()]


@login_required
@require_GET
def my_visits_view(request):
    scope = require_staff(request.user)
    form = MyVisitFilter(request.GET)
    # A bad value is reported and left out; the others still filter (no 500, no empty page).
    form.is_valid()
    data = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
    visits = selectors.my_visits(
        scope,
        state=data.get("state") or None,
        window_from=data.get("window_from"),
        window_to=data.get("window_to"),
    )
    page_obj = Paginator(visits, MY_VISITS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for visit in page_obj.object_list:
        visit.state = selectors.my_visit_state(visit, today)
    filters = {k: v for k, v in ((k, request.GET.get(k, "")) for k in form.fields) if v and k not in form.errors}
    return render(
        request,
        "inspections/my_visits.html",
        {
            "form": form,
            "page_obj": page_obj,
            "visits": page_obj.object_list,
            "querystring": urlencode(filters),
            "filtered": bool(filters),
            "user_id": request.user.pk,
            "state_labels": dict(selectors.MyVisitState.choices()),
        },
    )


@login_required
@require_GET
def visit_detail_view(request, pk: int):
    visit = access.get_visit_for_user(request.user, pk)
    scope = require_staff(request.user)
    page = selectors.visit_page(visit)
    phone_departments = {
        m.inspector.department_id for m in page.team if may_see_private_details(scope, m.inspector.department_id)
    }
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "task": visit.task,
            "obj": visit.inspection_object,
            "page": page,
            "phone_departments": phone_departments,
            "approval": selectors.approval_state(visit),
            "may_start_emergency": access.can_start_emergency(scope, request.user, visit),
            **_on_site_context(request, scope, visit),
        },
    )


def _on_site_context(request, scope, visit) -> dict:
    """检查码, 到场登记 and 企业评价/投诉 of the visit page (issue 13, item 3; i13-code)."""
    code = selectors.visit_code_of(visit)
    url = check_codes.public_url(code.code, request) if code else ""
    reads_feedback = access.reads_visit_feedback(scope, visit)
    return {
        "check_code": code,
        "check_code_grouped": check_codes.grouped(code.code) if code else "",
        "check_code_url": url,
        "check_code_qr": check_codes.qr_svg(url) if code else "",
        "check_in": selectors.check_in_of(visit),
        "may_check_in": (may_check_in := access.is_team_member(request.user, visit)),
        # 无事不扰: the task's departments already at their yearly on-site cap for the object, so
        # the form asks for the reason before posting (the service refuses without it).
        "cap_reached": onsite_cap_warning(visit) if may_check_in and not selectors.check_in_of(visit) else [],
        "reads_feedback": reads_feedback,
        "feedback": selectors.visit_feedback(visit) if reads_feedback else [],
    }
