"""审批 pages (issue 13, item 2): a task's visits with their approval state, approved in one
click or by checkbox by the lead department's approver, withdrawn with a reason; an emergency
start recorded with a reason; and the printable 行政检查审批表. Thin: fetched through
``access``, read through ``selectors``, written through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import scope_for
from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.draws.models import Task, Visit
from spotcheck.inspections import access, selectors, services

VISITS_PER_PAGE = 50


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=255)


def _page(task: Task) -> str:
    return reverse("inspections:approval", args=[task.pk])


def _visit_of(task: Task, raw: str | None) -> Visit:
    pk = parse_id(raw or "")
    visit = Visit.objects.filter(task=task, pk=pk).select_related("task").first() if pk else None
    if visit is None:
        raise Http404(_("没有找到所选的检查。"))
    return visit


def _rows(visits):
    states = selectors.approval_states(visits)
    return [(visit, states[visit.pk]) for visit in visits]


@login_required
@require_GET
def approval_view(request, task_pk: int):
    task = access.get_approval_task_for_user(request.user, task_pk)
    scope = scope_for(request.user)
    visits = (
        Visit.objects.filter(task=task)
        .select_related("inspection_object", "stratum")
        .prefetch_related("members__inspector")
        .order_by("stratum__name", "rank")
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/approval_page.html",
        {
            "task": task,
            "rows": _rows(list(page.object_list)),
            "page_obj": page,
            "counts": selectors.task_approval_counts(task),
            "can_approve": access.can_approve_visits(scope, task) and task.status == Task.Status.DRAWN,
            "may_emergency": scope.has_role_in(Membership.Role.DEPT_ADMIN, task.lead_department_id)
            and task.status == Task.Status.DRAWN,
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def approve_view(request, task_pk: int):
    task = access.get_approval_task_for_user(request.user, task_pk, write=True)
    chosen = None
    if request.POST.get("scope") != "all":
        chosen = [parse_id(v) for v in request.POST.getlist("visits")]
        if None in chosen:
            raise Http404(_("没有找到所选的检查。"))
    try:
        approvals = services.visits_approve(actor=request.user, task=task, visits=chosen)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        count = len(approvals)
        messages.success(
            request, ngettext("已审批 %(count)d 个检查。", "已审批 %(count)d 个检查。", count) % {"count": count}
        )
    return redirect((request.POST.get("next") == "task" and reverse("draws:detail", args=[task.pk])) or _page(task))


@login_required
@require_POST
def withdraw_view(request, task_pk: int):
    task = access.get_approval_task_for_user(request.user, task_pk, write=True)
    visit = _visit_of(task, request.POST.get("visit"))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤回审批时请填写原因。"))
        return redirect(_page(task))
    try:
        services.visit_approval_withdraw(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已撤回检查 %(visit)s 的审批。") % {"visit": visit.public_id})
    return redirect(_page(task))


@login_required
@require_POST
def emergency_start_view(request, visit_pk: int):
    """A team member (from the visit page) or the lead department's admin (from the approval
    page). Whoever may do neither and cannot read the task gets a 404."""
    visit = Visit.objects.filter(pk=visit_pk).select_related("task").first()
    if visit is None:
        raise Http404(_("没有找到所选的检查。"))
    scope = scope_for(request.user)
    if not access.can_start_emergency(scope, request.user, visit):
        access.get_approval_task_for_user(request.user, visit.task_id)  # 404 for other departments
        raise PermissionDenied(access.EMERGENCY_RULE)
    back = request.POST.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else _page(visit.task)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("登记紧急先行检查时请填写原因。"))
        return redirect(target)
    try:
        services.visit_emergency_start(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已登记紧急先行检查，等待事后补批。"))
    return redirect(target)


@login_required
@require_GET
def approval_print_view(request, task_pk: int):
    """行政检查审批表 (MOJ template): the body, the source of the task, the legal basis, the objects,
    the window, the officers with their certificates, and the approval."""
    task = access.get_approval_task_for_user(request.user, task_pk)
    visits = list(
        Visit.objects.filter(task=task)
        .select_related("inspection_object")
        .prefetch_related("members__inspector")
        .order_by("stratum__name", "rank")
    )
    rows = _rows(visits)
    officers = {}
    for visit in visits:
        for member in visit.members.all():
            officers.setdefault(member.inspector_id, member.inspector)
    approvals = [state.approval for _visit, state in rows if state.approval]
    latest = max(approvals, key=lambda a: a.approved_at) if approvals else None
    return render(
        request,
        "inspections/approval_print.html",
        {
            "task": task,
            "rows": rows,
            # The lead department first; a joint task's participants after it (the lead is among them).
            "bodies": [task.lead_department, *task.participating_departments.exclude(pk=task.lead_department_id)],
            "items": task.items.order_by("pk"),
            "officers": sorted(officers.values(), key=lambda i: i.name),
            "latest": latest,
            "all_approved": bool(rows) and len(approvals) == len(rows),
            "printed_at": timezone.localtime(),
        },
    )


@login_required
@require_GET
def approval_todo_view(request):
    """The approver's 待办: drawn tasks of their departments with visits waiting for approval."""
    scope = scope_for(request.user)
    if not scope.has_role(Membership.Role.APPROVER):
        raise PermissionDenied(_("只有主体负责人（审核/分管领导）有待审批的检查。"))
    tasks = list(selectors.tasks_awaiting_approval(scope).select_related("lead_department").order_by("window_start"))
    counts = selectors.waiting_counts(tasks)
    return render(
        request, "inspections/approval_todo.html", {"rows": [(task, counts.get(task.pk, 0)) for task in tasks]}
    )
