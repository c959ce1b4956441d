"""合并检查 pages: the coordinator's proposals (confirm or decline) and merged visits (dissolve);
read-only for auditors and for departments whose tasks are involved. Thin: fetched through ``access``,
read through ``selectors``, written through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.draws.access import get_task_for_user
from spotcheck.inspections import access, selectors, services

PROPOSALS_PER_PAGE = 20
JOINT_VISITS_PER_PAGE = 20
DECLINES_SHOWN = 20


class ConfirmForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("合并说明"), max_length=255, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=255)


def _task_filter(request):
    raw = request.GET.get("task") or request.POST.get("task") or ""
    if not raw:
        return None
    if parse_id(raw) is None:
        raise Http404(_("没有找到该抽查任务。"))
    return get_task_for_user(request.user, parse_id(raw))


def _back(task) -> str:
    url = reverse("inspections:merges")
    return f"{url}?task={task.pk}" if task is not None else url


def _visit_ids(request) -> list[int]:
    raw = request.POST.getlist("visits")
    ids = [parse_id(value) for value in raw]
    if not ids or None in ids:
        raise Http404(_("没有找到所选的检查。"))
    return ids


def _merged_visit(request, write: bool = True):
    """The confirmed merged visit a proposal would extend, when the form names one."""
    raw = request.POST.get("merged_visit") or ""
    if not raw:
        return None
    if parse_id(raw) is None:
        raise Http404(_("没有找到该合并检查。"))
    return access.get_merged_visit_for_user(request.user, parse_id(raw), write=write)


@login_required
@require_GET
def merge_list_view(request):
    scope = access.require_merge_viewer(request.user)
    task = _task_filter(request)
    proposals = Paginator(selectors.merge_proposals(scope, task=task), PROPOSALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    merged_visits = Paginator(selectors.merged_visit_list(scope, task=task), JOINT_VISITS_PER_PAGE).get_page(
        request.GET.get("jpage")
    )
    return render(
        request,
        "inspections/merge_list.html",
        {
            "task": task,
            "page_obj": proposals,
            "proposals": proposals.object_list,
            "joint_page": merged_visits,
            "merged_visits": merged_visits.object_list,
            "declines": list(selectors.merge_declines(scope, task=task)[:DECLINES_SHOWN]),
            "can_decide": access.can_decide_merges(scope),
            "querystring": f"task={task.pk}" if task is not None else "",
            "confirm_form": ConfirmForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def merge_confirm_view(request):
    task = _task_filter(request)
    visits = access.get_merge_visits_for_user(request.user, _visit_ids(request), write=True)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("合并说明不能超过 255 个字。"))
        return redirect(_back(task))
    extended = _merged_visit(request)
    note = form.cleaned_data["note"]
    try:
        if extended is not None:
            merged_visit = services.merged_visit_extend(
                actor=request.user, merged_visit=extended, visits=visits, note=note
            )
        else:
            merged_visit = services.merged_visit_confirm(actor=request.user, visits=visits, note=note)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        done = _("已加入合并检查 %(code)s。") if extended is not None else _("已确认合并检查 %(code)s。")
        messages.success(request, done % {"code": merged_visit.code})
    return redirect(_back(task))


@login_required
@require_POST
def merge_decline_view(request):
    task = _task_filter(request)
    visits = access.get_merge_visits_for_user(request.user, _visit_ids(request), write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("不予合并时请填写原因。"))
        return redirect(_back(task))
    try:
        services.merge_proposal_decline(
            actor=request.user, visits=visits, reason=form.cleaned_data["reason"], merged_visit=_merged_visit(request)
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已记录不予合并的决定，该组检查不再提示合并。"))
    return redirect(_back(task))


@login_required
@require_POST
def merged_visit_dissolve_view(request, pk: int):
    task = _task_filter(request)
    merged_visit = access.get_merged_visit_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("解除合并时请填写原因。"))
        return redirect(_back(task))
    try:
        services.merged_visit_dissolve(
            actor=request.user, merged_visit=merged_visit, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已解除合并检查 %(code)s。") % {"code": merged_visit.code})
    return redirect(_back(task))
