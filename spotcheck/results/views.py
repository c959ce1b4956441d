"""检查结果 pages (issue 13, items 5, 7, 8): a visit's result, its entry form (phone-first, with
a server draft and a browser draft), confirmation, the revisions with what changed, and the
task-level approval. Thin: fetched through ``access``, read through ``selectors``, written
through ``services``."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.draws.models import Visit
from spotcheck.inspections.selectors import merged_visit_of
from spotcheck.results import access, selectors, services
from spotcheck.results.content import clean_result, data_from_form, form_from_clean
from spotcheck.results.forms import build_form, default_values
from spotcheck.results.models import VisitResult

RESULTS_PER_PAGE = 50


def _result_url(visit: Visit) -> str:
    return reverse("results:visit", args=[visit.pk])


def _other_visits(visit: Visit) -> list[Visit]:
    """The other visits of the visit's merged visit (their teams enter their own results)."""
    merged = merged_visit_of(visit)
    if merged is None:
        return []
    return list(
        Visit.objects.filter(merged_visit_memberships__merged_visit=merged, merged_visit_memberships__is_active=True)
        .exclude(pk=visit.pk)
        .select_related("task__lead_department")
        .order_by("task__code")
    )


@login_required
@require_GET
def result_view(request, pk: int):
    visit = access.get_result_visit_for_user(request.user, pk)
    page = selectors.result_page(visit)
    inspector = access.team_inspector(request.user, visit)
    today = timezone.localdate()
    confirmed_by_me = inspector is not None and any(c.inspector_id == inspector.pk for c in page.confirmations)
    result = page.result
    return render(
        request,
        "results/result_detail.html",
        {
            "visit": visit,
            "task": visit.task,
            "obj": visit.inspection_object,
            "page": page,
            "may_enter": inspector is not None,
            "may_confirm": bool(
                result and not result.is_confirmed and access.certified_on(inspector, today) and not confirmed_by_me
            ),
            "confirmed_by_me": confirmed_by_me,
            "may_approve": bool(page.needs_approval and access.may_approve(request.user, visit.task)),
            "is_final": bool(result and selectors.is_final(result)),
            "other_visits": _other_visits(visit),
            "publication_days": settings.SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS,
        },
    )


def _render_form(request, visit, *, form, status=200, notice="", conflict=None):
    return render(
        request,
        "results/result_form.html",
        {
            "visit": visit,
            "task": visit.task,
            "obj": visit.inspection_object,
            "form": form,
            "notice": notice,
            "conflict": conflict,
            "other_visits": _other_visits(visit),
            "result": selectors.result_of(visit),
        },
        status=status,
    )


def _parse_revision(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    number = parse_id(raw)
    if number is None or number < 1:
        raise ValidationError({"base_revision": [_("版本号不正确，请重新打开录入页面。")]}, code="invalid_revision")
    return number


@login_required
@require_http_methods(["GET", "POST"])
def result_edit_view(request, pk: int):
    visit = access.get_result_visit_for_user(request.user, pk, write=True)
    try:
        services.require_enterable(request.user, visit)
    except ValidationError as exc:
        return render(
            request,
            "results/result_blocked.html",
            {"visit": visit, "task": visit.task, "obj": visit.inspection_object, "reasons": exc.messages},
            status=200 if request.method == "GET" else 400,
        )
    groups = selectors.entry_groups(visit)
    result = selectors.result_of(visit)
    status = visit.inspection_object.status
    needs_reason = bool(result and result.is_confirmed)
    if request.method == "GET":
        draft = selectors.draft_of(visit, request.user)
        notice = ""
        if draft is not None:
            values, base = draft.data, draft.base_revision
            notice = _("已恢复未提交的草稿（%(time)s 保存于服务器）。") % {
                "time": timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M")
            }
            if result is not None and base != result.revision:
                notice += " " + _(
                    "该草稿基于第 %(base)s 版，检查结果已更新为第 %(current)s 版：提交时将并列显示两个版本供您对照。"
                ) % {"base": base or "—", "current": result.revision}
        elif result is not None:
            latest = result.revisions.order_by("-number").values_list("data", flat=True).first()
            values, base = form_from_clean(latest or {}), result.revision
        else:
            values, base = default_values(groups, timezone.localdate()), None
        form = build_form(groups, values, object_status=status, base_revision=base, needs_reason=needs_reason)
        return _render_form(request, visit, form=form, notice=notice)

    items = [entry for group in groups for entry in group.items]
    values = {name: request.POST.getlist(name) for name in request.POST}
    try:
        base = _parse_revision(request.POST.get("base_revision"))
        saved = services.result_save(
            actor=request.user,
            visit=visit,
            data=data_from_form(request.POST, items),
            base_revision=base,
            client_id=request.POST.get("client_id"),
            reason=request.POST.get("reason", ""),
        )
    except services.StaleRevision as stale:
        current = stale.visit_result
        latest = current.revisions.order_by("-number").select_related("saved_by").first()
        mine = clean_result(stale.submitted, items, object_status=status, today=timezone.localdate(), strict=False)
        compared = selectors.compare_rows(
            selectors.revision_rows(mine, items), selectors.revision_rows(latest.data if latest else {}, items)
        )
        # The form keeps what was typed, now based on the current revision: reviewed and sent
        # again, it replaces the current version knowingly.
        form = build_form(
            groups,
            values,
            object_status=status,
            base_revision=current.revision,
            needs_reason=current.is_confirmed,
        )
        conflict = {"rows": compared, "latest": latest, "base": stale.base_revision}
        return _render_form(request, visit, form=form, status=409, conflict=conflict)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        form = build_form(
            groups,
            values,
            object_status=status,
            base_revision=base if "base_revision" not in errors else (result.revision if result else None),
            errors=errors,
            needs_reason=needs_reason,
            client_id=request.POST.get("client_id"),
        )
        return _render_form(request, visit, form=form, status=400)
    messages.success(request, _("检查结果已保存（第 %(revision)s 版）。") % {"revision": saved.revision})
    return redirect(_result_url(visit))


@login_required
@require_POST
def result_draft_view(request, pk: int):
    """The form's autosave: JSON ``{"data": {name: [values]}, "base_revision": n|null}``."""
    visit = access.get_result_visit_for_user(request.user, pk, write=True)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("草稿内容不是有效的 JSON。")}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": _("草稿内容格式不正确。")}, status=400)
    try:
        draft = services.result_draft_save(
            actor=request.user, visit=visit, data=body.get("data"), base_revision=body.get("base_revision")
        )
    except services.StaleRevision as stale:
        return JsonResponse(
            {"error": _("检查结果已更新为第 %(n)s 版，草稿仅保存在本机。") % {"n": stale.visit_result.revision}},
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"saved_at": timezone.localtime(draft.updated_at).isoformat()})


@login_required
@require_POST
def result_confirm_view(request, pk: int):
    visit = access.get_result_visit_for_user(request.user, pk)
    result = selectors.result_of(visit)
    if result is None:
        raise Http404(_("该检查还没有检查结果。"))
    revision = parse_id(request.POST.get("revision"))
    try:
        services.result_confirm(actor=request.user, visit_result=result, revision=revision or 0)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        result.refresh_from_db()
        if result.is_confirmed:
            messages.success(request, _("检查结果已确认完成。"))
        else:
            messages.success(request, _("已确认第 %(revision)s 版检查结果。") % {"revision": result.revision})
    return redirect(_result_url(visit))


@login_required
@require_GET
def result_revisions_view(request, pk: int):
    visit = access.get_result_visit_for_user(request.user, pk)
    result = selectors.result_of(visit)
    if result is None:
        raise Http404(_("该检查还没有检查结果。"))
    items = selectors.entry_items(visit)
    return render(
        request,
        "results/result_revisions.html",
        {
            "visit": visit,
            "task": visit.task,
            "obj": visit.inspection_object,
            "result": result,
            "history": selectors.revision_history(result, items),
        },
    )


@login_required
@require_GET
def task_results_view(request, task_pk: int):
    """The approver's page: the task's results, the confirmed ones approved in one click."""
    task = access.get_results_task_for_user(request.user, task_pk)
    page = Paginator(selectors.results_for_approval(task), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.task_result_counts(task)
    return render(
        request,
        "results/task_results.html",
        {
            "task": task,
            "results": page.object_list,
            "page_obj": page,
            "counts": counts,
            "needs_approval": task.lead_department.results_need_approval,
            "may_approve": access.may_approve(request.user, task),
            "to_approve": counts[VisitResult.Status.CONFIRMED],
            "confirmations_needed": settings.SPOTCHECK_RESULT_CONFIRMATIONS,
        },
    )


@login_required
@require_POST
def task_results_approve_view(request, task_pk: int):
    task = access.get_results_task_for_user(request.user, task_pk, write=True)
    try:
        approved = services.result_approve(actor=request.user, task=task)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        count = len(approved)
        messages.success(
            request,
            ngettext("已审批 %(count)d 个检查结果。", "已审批 %(count)d 个检查结果。", count) % {"count": count},
        )
    return redirect(reverse("results:task", args=[task.pk]))
