"""Staff pages of the enterprise's voice: the replies to review (accept, or reject with a reason)
and the complaints of the 检查码 page to answer. Thin: fetched through ``access``, read through
``selectors``, written through ``services``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.scope import scope_for
from spotcheck.core.messages import flash_service_errors
from spotcheck.replies import access, selectors, services
from spotcheck.replies.selectors import ComplaintFilter, ReplyFilter

PER_PAGE = 50


def _state(request, allowed: tuple[str, ...], default: str) -> str:
    state = request.GET.get("state") or default
    return state if state in allowed else default


@login_required
@require_GET
def reply_list_view(request):
    scope = access.require_reader(request.user)
    state = _state(request, ReplyFilter.STATES, "pending")
    page_obj = Paginator(selectors.staff_replies(scope, state), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "replies/reply_list.html",
        {
            "page_obj": page_obj,
            "state": state,
            "states": [
                ("pending", _("待审核")),
                ("accepted", _("已采纳")),
                ("rejected", _("不予采纳")),
                ("all", _("全部")),
            ],
            "querystring": urlencode({"state": state}),
        },
    )


@login_required
@require_GET
def reply_detail_view(request, pk: int):
    reply = access.get_reply_for_user(request.user, pk)
    scope = scope_for(request.user)
    # The other replies on the same result still waiting (one notice tells of them all: gaps14).
    others = (
        selectors.staff_replies(scope, "pending").filter(visit_result_id=reply.visit_result_id).exclude(pk=reply.pk)
    )
    return render(
        request,
        "replies/reply_detail.html",
        {
            "reply": reply,
            "others": list(others[:PER_PAGE]),
            "may_review": access.may_review(scope, reply.department_id),
            "reason_max": services.REASON_MAX,
        },
    )


def _back(reply_pk: int):
    return redirect(reverse("replies:detail", args=[reply_pk]))


@login_required
@require_POST
def reply_accept_view(request, pk: int):
    reply = access.get_reply_for_user(request.user, pk, write=True)
    try:
        services.reply_accept(actor=request.user, reply=reply)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已采纳：该企业说明/异议已在门户网站上显示在检查结果旁。"))
    return _back(reply.pk)


@login_required
@require_POST
def reply_reject_view(request, pk: int):
    reply = access.get_reply_for_user(request.user, pk, write=True)
    try:
        services.reply_reject(actor=request.user, reply=reply, reason=request.POST.get("reason", "")[:2000])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已不予采纳：企业凭检查码可查看审核结果和理由。"))
    return _back(reply.pk)


@login_required
@require_GET
def complaint_list_view(request):
    scope = access.require_reader(request.user)
    state = _state(request, ComplaintFilter.STATES, ComplaintFilter.UNANSWERED)
    page_obj = Paginator(selectors.staff_complaints(scope, state), PER_PAGE).get_page(request.GET.get("page"))
    rows = [(f, access.may_review(scope, f.visit.task.lead_department_id)) for f in page_obj.object_list]
    return render(
        request,
        "replies/complaint_list.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "state": state,
            "states": [
                (ComplaintFilter.UNANSWERED, _("待答复")),
                (ComplaintFilter.ANSWERED, _("已答复")),
                (ComplaintFilter.ALL, _("全部")),
            ],
            "querystring": urlencode({"state": state}),
            "max_chars": settings.SPOTCHECK_REPLY_MAX_CHARS,
        },
    )


@login_required
@require_POST
def complaint_answer_view(request, pk: int):
    feedback = access.get_complaint_for_user(request.user, pk, write=True)
    try:
        services.complaint_answer(actor=request.user, feedback=feedback, text=request.POST.get("text", "")[:20000])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已答复：企业再次打开检查码页面时可以看到答复。"))
    return redirect(reverse("replies:complaints") + f"?state=all#complaint-{feedback.pk}")
