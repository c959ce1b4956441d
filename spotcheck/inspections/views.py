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
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import Department
from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.draws.access import get_task_for_user
from spotcheck.draws.selectors import tasks_for_scope
from spotcheck.inspections import access, selectors, services

PROPOSALS_PER_PAGE = 20
JOINT_VISITS_PER_PAGE = 20
DECLINES_SHOWN = 20


class ConfirmForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("合并说明"), max_length=255, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=255)


def _task_filter(params, user):
    raw = (params.get("task") or "").strip()
    if not raw:
        return None
    if parse_id(raw) is None:
        raise Http404(_("没有找到该抽查任务。"))
    return get_task_for_user(user, parse_id(raw))


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


class WindowForm(forms.Form):
    """The merge page's date filter: proposals whose common window overlaps these days."""

    window_from = forms.DateField(label=gettext_lazy("共同检查时间自"), required=False)
    window_to = forms.DateField(label=gettext_lazy("至"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("window_from"), data.get("window_to")
        if start and end and start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return data


FILTER_PARAMS = ("task", "department", "window_from", "window_to")


def _filters(params) -> dict[str, str]:
    """The filters of the page as given (GET, or the hidden fields of the decision form)."""
    return {name: params.get(name, "").strip() for name in FILTER_PARAMS if params.get(name, "").strip()}


def _list_url(filters: dict[str, str]) -> str:
    """The merge page with the same filters, after a decision (its first page: what was decided
    has left the list)."""
    url = reverse("inspections:merges")
    return f"{url}?{urlencode(filters)}" if filters else url


def _render_list(request, scope, params, *, chosen=None, status: int = 200):
    """The merge page for ``params`` (its filters and pages); after a refused decision, the
    proposals the user had chosen stay chosen and the note and reason stay filled in."""
    task = _task_filter(params, request.user)
    filters = _filters(params)
    window = WindowForm(params)
    dates = window.cleaned_data if window.is_valid() else {}
    department_id = parse_id(filters.get("department"))
    search = selectors.merge_proposal_search(
        scope,
        task=task,
        department_id=department_id,
        window_from=dates.get("window_from"),
        window_to=dates.get("window_to"),
    )
    proposals = Paginator(search.proposals, PROPOSALS_PER_PAGE).get_page(params.get("page"))
    merged_visits = Paginator(selectors.merged_visit_list(scope, task=task), JOINT_VISITS_PER_PAGE).get_page(
        params.get("jpage")
    )
    task_ids = search.task_ids | ({task.pk} if task is not None else set())
    department_ids = search.department_ids | ({department_id} if department_id is not None else set())
    chosen = chosen or {}
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
            "querystring": urlencode(filters),
            "filters": filters,
            "filtered": bool(filters),
            "window_form": window,
            "task_choices": list(
                tasks_for_scope(scope).filter(pk__in=task_ids).order_by("code").values_list("pk", "code", "title")
            ),
            "department_choices": list(
                Department.objects.filter(pk__in=department_ids)
                .order_by("sort_order", "pk")
                .values_list("pk", "short_name")
            ),
            "department_id": department_id,
            "page_number": str(proposals.number),
            "chosen": set(chosen.get("proposals", ())),
            "left_out": set(chosen.get("left_out", ())),
            "note": chosen.get("note", ""),
            "reason": chosen.get("reason", ""),
            "confirm_form": ConfirmForm(),
            "reason_form": ReasonForm(),
        },
        status=status,
    )


@login_required
@require_GET
def merge_list_view(request):
    scope = access.require_merge_viewer(request.user)
    return _render_list(request, scope, request.GET)


def _chosen_proposals(request) -> tuple[list[str], list[services.ProposalChoice]]:
    """The proposals ticked on the page, fetched for the user as the single decision is (another
    department's visits: 404; a reader who may not decide: 403), less the visits left out."""
    keys = request.POST.getlist("proposal")
    parsed = [selectors.parse_proposal_key(key) for key in keys]
    if None in parsed:
        raise Http404(_("没有找到所选的合并建议。"))
    left_out = {parse_id(value) for value in request.POST.getlist("leave_out")} - {None}
    if not parsed:
        access.require_merge_decider(request.user)
        return [], []
    visits = {
        v.pk: v
        for v in access.get_merge_visits_for_user(
            request.user, {pk for ids, _merged in parsed for pk in ids}, write=True
        )
    }
    merged_visits = {
        pk: access.get_merged_visit_for_user(request.user, pk, write=True)
        for pk in sorted({merged for _ids, merged in parsed if merged is not None})
    }
    choices = [
        services.ProposalChoice(
            visits=[visits[pk] for pk in ids if pk not in left_out],
            merged_visit=merged_visits[merged] if merged is not None else None,
        )
        for ids, merged in parsed
    ]
    return keys, choices


@login_required
@require_POST
def merge_decide_view(request):
    """确认合并 or 不予合并 for the proposals ticked on the page, with one note or one reason:
    all or nothing. Refused, the page comes back with the same proposals ticked."""
    scope = access.require_merge_viewer(request.user)  # before reading anything the post names
    keys, choices = _chosen_proposals(request)
    decline = request.POST.get("decision") == "decline"
    chosen = {
        "proposals": keys,
        "left_out": {parse_id(value) for value in request.POST.getlist("leave_out")},
        "note": request.POST.get("note", ""),
        "reason": request.POST.get("reason", ""),
    }
    filters = _filters(request.POST)
    if not choices:
        messages.error(request, _("请选择至少一条合并建议。"))
        return _render_list(request, scope, request.POST, chosen=chosen, status=400)
    try:
        if decline:
            reason = ReasonForm(request.POST)
            if not reason.is_valid():
                messages.error(request, _("不予合并时请填写原因（不超过 255 个字）。"))
                return _render_list(request, scope, request.POST, chosen=chosen, status=400)
            declines = services.merge_proposals_decline(
                actor=request.user, choices=choices, reason=reason.cleaned_data["reason"]
            )
            messages.success(
                request,
                ngettext(
                    "已对 %(n)s 条合并建议记录不予合并，这些检查不再提示合并。",
                    "已对 %(n)s 条合并建议记录不予合并，这些检查不再提示合并。",
                    len(declines),
                )
                % {"n": len(declines)},
            )
        else:
            note = ConfirmForm(request.POST)
            if not note.is_valid():
                messages.error(request, _("合并说明不能超过 255 个字。"))
                return _render_list(request, scope, request.POST, chosen=chosen, status=400)
            merged = services.merge_proposals_confirm(
                actor=request.user, choices=choices, note=note.cleaned_data["note"]
            )
            messages.success(
                request,
                ngettext(
                    "已确认 %(n)s 条合并建议（合并检查 %(codes)s）。",
                    "已确认 %(n)s 条合并建议（合并检查 %(codes)s）。",
                    len(merged),
                )
                % {"n": len(merged), "codes": "、".join(m.code for m in merged)},
            )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return _render_list(request, scope, request.POST, chosen=chosen, status=400)
    return redirect(_list_url(filters))


@login_required
@require_POST
def merge_confirm_view(request):
    task = _task_filter(request.POST, request.user)
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
    task = _task_filter(request.POST, request.user)
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
    task = _task_filter(request.POST, request.user)
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
