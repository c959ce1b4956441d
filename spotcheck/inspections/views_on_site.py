"""到场登记 (a team member's check-in, from the visit page) and the staff page of enterprises'
feedback (企业评价/投诉), issue 13 item 3. Thin: fetched through ``access``, read through
``selectors``, written through the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import Department
from spotcheck.core.messages import flash_service_errors
from spotcheck.inspections import access, selectors
from spotcheck.inspections.check_in import merged_visit_check_in

FEEDBACK_PER_PAGE = 30


@login_required
@require_POST
def check_in_view(request, pk: int):
    """Another department's visit, or one the user does not read: 404; a reader who is not on
    the team: 403 naming the rule."""
    visit = access.get_visit_for_user(request.user, pk)
    if access.team_inspector_of(request.user, visit) is None:
        raise PermissionDenied(access.CHECK_IN_RULE)
    try:
        check_ins, skipped = merged_visit_check_in(
            actor=request.user,
            visit=visit,
            latitude=request.POST.get("latitude"),
            longitude=request.POST.get("longitude"),
            accuracy=request.POST.get("accuracy"),
            over_cap_reason=request.POST.get("over_cap_reason", ""),
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已登记到场。"))
        for other in check_ins[1:]:
            messages.success(
                request,
                _("您也是合并检查中 %(task)s 的检查组成员，已同时为该检查登记到场。") % {"task": other.visit.task.code},
            )
        for other, reason in skipped:
            message = _("合并检查中 %(task)s 的检查未登记到场：%(reason)s")
            messages.warning(request, message % {"task": other.task.code, "reason": reason})
    return redirect(reverse("inspections:visit_detail", args=[visit.pk]) + "#check-in")


class FeedbackFilter(forms.Form):
    department = forms.TypedChoiceField(label=gettext_lazy("部门"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部")), *((d.pk, d.name) for d in departments)]
        self.fields["kind"].choices = [("", _("全部")), *selectors.FeedbackKind.choices()]


@login_required
@require_GET
def feedback_list_view(request):
    scope = access.require_feedback_viewer(request.user)
    visible = access.feedback_departments(scope)
    departments = Department.objects.order_by("sort_order", "pk")
    if visible is not None:
        departments = departments.filter(pk__in=visible)
    form = FeedbackFilter(request.GET, departments=list(departments))
    # A bad value is reported and left out; the other filter still applies.
    form.is_valid()
    data = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
    feedback = selectors.feedback_for_departments(
        visible, department_id=data.get("department"), kind=data.get("kind") or None
    )
    page_obj = Paginator(feedback, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    filters = {k: v for k, v in ((k, request.GET.get(k, "")) for k in form.fields) if v and k not in form.errors}
    return render(
        request,
        "inspections/feedback_list.html",
        {"form": form, "page_obj": page_obj, "querystring": urlencode(filters), "filtered": bool(filters)},
    )
