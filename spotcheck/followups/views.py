"""Pages of 后续处置: the lists (open / overdue / 完结 / 待处置), an item's follow-ups with their
forms, the re-check form, the 抄告 inbox and the printable 检查结果告知. Thin: fetched through
``access``, read through ``selectors``, written through ``services``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_department_data_reader, require_staff
from spotcheck.core.forms import put_service_errors
from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.followups import access, selectors, services
from spotcheck.followups.forms import CloseForm, HandledForm, OpenForm, ReCheckForm, WithdrawForm
from spotcheck.followups.models import FollowUp
from spotcheck.inspections import check_codes
from spotcheck.inspections.access import get_visit_for_user
from spotcheck.inspections.selectors import visit_code_of
from spotcheck.results.models import VisitResult

ROWS_PER_PAGE = 50
STATES = {
    "open": gettext_lazy("处置中"),
    "overdue": gettext_lazy("逾期"),
    "pending": gettext_lazy("待处置"),
    "closed": gettext_lazy("已完结"),
    "withdrawn": gettext_lazy("已撤回"),
    "all": gettext_lazy("全部"),
}


def _department_param(request) -> int | None:
    raw = request.GET.get("department", "")
    if raw == "":
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404(_("没有找到该部门。"))
    return pk


@login_required
@require_GET
def followup_list_view(request):
    """Follow-ups by state, per department: a department's staff see their department's items
    and their teams' visits, the coordinator (and the other region-wide readers) all."""
    scope = require_department_data_reader(request.user)
    state = request.GET.get("state") or "open"
    if state not in STATES:
        state = "open"
    department_id = _department_param(request)
    if state == "pending":
        rows = selectors.pending_items(scope, request.user, department_id=department_id)
    else:
        rows = selectors.followups_for(scope, request.user, state=state, department_id=department_id)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(is_active=True) if scope.reads_all else None
    return render(
        request,
        "followups/followup_list.html",
        {
            "state": state,
            "state_label": STATES[state],
            "states": STATES,
            "querystring": urlencode({"state": state, **({"department": department_id} if department_id else {})}),
            "page_obj": page,
            "rows": list(page.object_list),
            "department_id": department_id,
            "departments": departments,
            "overdue_days": settings.SPOTCHECK_FOLLOWUP_OVERDUE_DAYS,
            "today": timezone.localdate(),
        },
    )


def _item_page(request, item, open_form=None, status=200):
    scope = require_staff(request.user)
    can_write = access.writes_item(scope, request.user, item)
    final = item.visit_result.is_confirmed
    return render(
        request,
        "followups/item_detail.html",
        {
            "item": item,
            "visit": item.visit_result.visit,
            "followups": selectors.item_followups(item),
            "can_write": can_write,
            "final": final,
            "open_form": open_form or OpenForm(department_id=item.department_id),
            "close_form": CloseForm(initial={"closed_on": timezone.localdate().isoformat()}),
            "withdraw_form": WithdrawForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def item_view(request, pk: int):
    return _item_page(request, access.get_item_result_for_user(request.user, pk))


@login_required
@require_POST
def followup_open_view(request, pk: int):
    item = access.get_item_result_for_user(request.user, pk, write=True)
    form = OpenForm(request.POST, department_id=item.department_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_open(
                actor=request.user,
                item_result=item,
                kind=data["kind"],
                due_on=data["due_on"],
                case_number=data["case_number"],
                target_department=data["target_department"],
                note=data["note"],
            )
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已登记后续处置。"))
            return redirect("followups:item", pk=item.pk)
    return _item_page(request, item, open_form=form, status=400)


def _back_to_item(followup: FollowUp):
    return redirect("followups:item", pk=followup.item_result_id)


@login_required
@require_POST
def followup_close_view(request, pk: int):
    followup = access.get_followup_for_user(request.user, pk, write=True)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("完结时请填写完结日期和完结说明。"))
        return _back_to_item(followup)
    try:
        services.followup_close(
            actor=request.user,
            followup=followup,
            closed_on=form.cleaned_data["closed_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("后续处置已完结。"))
    return _back_to_item(followup)


@login_required
@require_POST
def followup_withdraw_view(request, pk: int):
    followup = access.get_followup_for_user(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤回时请填写原因。"))
        return _back_to_item(followup)
    try:
        services.followup_withdraw(actor=request.user, followup=followup, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已撤回该后续处置。"))
    return _back_to_item(followup)


@login_required
@require_http_methods(["GET", "POST"])
def recheck_view(request, pk: int):
    """复查 of a 责令改正: the department's officers on the date, 已改正 or 未改正."""
    followup = access.get_followup_for_user(request.user, pk, write=True)
    if followup.kind != FollowUp.Kind.RECTIFY:
        raise Http404(_("只有责令改正需要复查。"))
    form = ReCheckForm(request.POST or None, department_id=followup.department_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.recheck_record(
                    actor=request.user,
                    followup=followup,
                    checked_on=data["checked_on"],
                    officers=list(data["officers"]),
                    outcome=data["outcome"],
                    note=data["note"],
                    new_due_on=data["new_due_on"],
                    escalate_kind=data["escalate_kind"],
                    case_number=data["case_number"],
                    target_department=data["target_department"],
                )
            except ValidationError as exc:
                put_service_errors(exc, form)
            else:
                messages.success(request, _("已登记复查结果。"))
                return _back_to_item(followup)
        status = 400
    return render(
        request,
        "followups/recheck_form.html",
        {
            "followup": followup,
            "item": followup.item_result,
            "form": form,
            "min_officers": settings.SPOTCHECK_RECHECK_MIN_OFFICERS,
        },
        status=status,
    )


@login_required
@require_GET
def inbox_view(request):
    """抄告: what other departments sent to the reader's departments, with the result."""
    scope = require_department_data_reader(request.user)
    department_id = _department_param(request)
    page = Paginator(selectors.inbox_for(scope, department_id=department_id), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "followups/inbox.html",
        {
            "page_obj": page,
            "rows": list(page.object_list),
            "admin_of": scope.departments_with_role(access.Role.DEPT_ADMIN),
            "handled_form": HandledForm(),
        },
    )


@login_required
@require_POST
def notice_read_view(request, pk: int):
    followup = access.get_notice_for_user(request.user, pk, write=True)
    try:
        services.notice_mark_read(actor=request.user, followup=followup)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已标记为已阅。"))
    return redirect(reverse("followups:inbox") + f"#notice-{followup.pk}")


@login_required
@require_POST
def notice_handled_view(request, pk: int):
    followup = access.get_notice_for_user(request.user, pk, write=True)
    form = HandledForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("处理情况不能超过 255 个字。"))
        return redirect("followups:inbox")
    try:
        services.notice_mark_handled(actor=request.user, followup=followup, note=note)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已标记为已处理。"))
    return redirect(reverse("followups:inbox") + f"#notice-{followup.pk}")


@login_required
@require_GET
def result_notice_view(request, visit_pk: int):
    """检查结果告知 (MOJ template) for the enterprise, printable on A4: only for a final result;
    who may read the visit page may print it."""
    visit = get_visit_for_user(request.user, visit_pk)
    result = VisitResult.objects.filter(visit=visit).first()
    if result is None or not result.is_confirmed:
        raise Http404(_("该检查的结果尚未确认，不能出具检查结果告知。"))
    task = visit.task
    # voice14: the 检查码 on the notice, with which the enterprise checks the visit, reads the
    # answers to its complaints and replies to the published result (issue 14, item 4).
    code = visit_code_of(visit)
    return render(
        request,
        "followups/result_notice.html",
        {
            "check_code": check_codes.grouped(code.code) if code else "",
            "check_url": check_codes.public_url(code.code, request) if code else "",
            "visit": visit,
            "task": task,
            "obj": visit.inspection_object,
            "result": result,
            "items": selectors.notice_items(result),
            "members": list(visit.members.select_related("inspector").order_by("position")),
            "bodies": [task.lead_department, *task.participating_departments.exclude(pk=task.lead_department_id)],
            "printed_at": timezone.localtime(),
        },
    )
