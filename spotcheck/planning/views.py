"""Pages of the annual plans. Thin: fetch through the access helpers and selectors, write
through the services, show service errors on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff
from spotcheck.core.forms import put_service_errors
from spotcheck.core.messages import run_service
from spotcheck.core.params import parse_year
from spotcheck.directory.object_filter import describe_object_filter
from spotcheck.planning import access, services
from spotcheck.planning.access import get_entry_for_user, get_plan_for_user, get_stratum_for_user
from spotcheck.planning.forms import (
    SERVICE_ERROR_FIELDS,
    EntryForm,
    PlanForm,
    PlanTitleForm,
    ReasonForm,
    StratumForm,
)
from spotcheck.planning.models import AnnualPlan
from spotcheck.planning.selectors import PlanTodo, live_entries, plan_history, plan_list, plans_waiting, retired_entries
from spotcheck.planning.strata import describe_stratum_filters


@login_required
@require_GET
def plan_list_view(request):
    scope = require_staff(request.user)
    year = request.GET.get("year")
    status = request.GET.get("status") or ""
    status = status if status in AnnualPlan.Status.values else ""
    todo = request.GET.get("todo") or ""
    todo = todo if todo in PlanTodo.values else ""
    plans = plans_waiting(scope, todo) if todo else plan_list(scope)
    if parse_year(year) is not None:
        plans = plans.filter(year=parse_year(year))
    if status:
        plans = plans.filter(status=status)
    return render(
        request,
        "planning/plan_list.html",
        {
            "plans": plans,
            "year": year,
            "status": status,
            "statuses": AnnualPlan.STATUS_CHOICES,
            "todo": todo,
            "todos": PlanTodo.choices,
            "can_create": access.can_create_plans(scope),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    scope = require_staff(request.user)
    if not access.can_create_plans(scope):
        raise PermissionDenied(_("您的角色不能编制抽查计划。"))
    joint_allowed = access.is_joint_office(scope)
    # A department's plan is made by that department (four eyes): only the user's own.
    departments = Department.objects.filter(is_active=True, pk__in=access.plan_departments(scope))
    form = PlanForm(request.POST or None, departments=departments, joint_allowed=joint_allowed)
    if request.method == "POST" and form.is_valid():
        try:
            # A joint plan (no department) is the region's the service takes for the user.
            plan = services.plan_create(
                actor=request.user,
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                department=form.cleaned_data["department"],
            )
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已创建计划草稿。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/form.html",
        {"form": form, "title": _("编制年度抽查计划"), "cancel_url": reverse("planning:list")},
    )


def _stratum_rows(entry) -> list[dict]:
    conditions = describe_stratum_filters([s.filter for s in entry.live_strata])
    return [{"stratum": s, "conditions": c} for s, c in zip(entry.live_strata, conditions, strict=True)]


@login_required
@require_GET
def plan_detail_view(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    scope = require_staff(request.user)
    entries = [
        {
            "entry": e,
            "scope_lines": describe_object_filter(e.scope),
            "strata": _stratum_rows(e),
            # The link is shown only to whom the task form would not answer 403.
            "may_create_task": plan.status == AnnualPlan.Status.PUBLISHED
            and access.can_create_task_from_entry(scope, e),
        }
        for e in live_entries(plan)
    ]
    writable = access.can_write_plan(scope, plan)
    status = AnnualPlan.Status
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "entries": entries,
            "retired_entries": retired_entries(plan),
            "events": plan_history(plan),
            "can_edit": writable and (plan.is_editable or plan.status == status.PUBLISHED),
            "is_adjusting": plan.status == status.PUBLISHED,
            "can_submit": writable and plan.is_editable,
            "can_review": plan.status == status.SUBMITTED and access.may_approve_plan(scope, plan),
            "can_file": plan.status == status.FILING and access.can_file_plans(scope),
            "can_return_approved": plan.status == status.FILING and access.can_return_plan(scope, plan),
            "can_publish": plan.status == status.FILED and access.can_publish_plan(scope, plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit_view(request, pk: int):
    plan = get_plan_for_user(request.user, pk, write=True)
    form = PlanTitleForm(request.POST or None, initial={"title": plan.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, title=form.cleaned_data["title"])
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已保存。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/form.html",
        {"form": form, "plan": plan, "title": _("修改计划"), "cancel_url": reverse("planning:detail", args=[plan.pk])},
    )


def _workflow_step(action, success: str, *, write: bool = False):
    """A POST-only view that runs one workflow service on the plan and goes back to it. The
    services check who may take the step; the submit step also needs write access here."""

    @login_required
    @require_POST
    def view(request, pk: int):
        plan = get_plan_for_user(request.user, pk, write=write)
        run_service(request, action, success, plan=plan)
        return redirect("planning:detail", pk=plan.pk)

    return view


plan_submit_view = _workflow_step(services.plan_submit, gettext_lazy("已提交审核。"), write=True)
plan_approve_view = _workflow_step(services.plan_approve, gettext_lazy("已审核通过，等待联席办备案。"))
plan_file_view = _workflow_step(services.plan_file, gettext_lazy("已备案。"))
plan_publish_view = _workflow_step(services.plan_publish, gettext_lazy("已公布。"))


@login_required
@require_http_methods(["GET", "POST"])
def plan_return_view(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    # The form is for those who may return the plan (the service checks again on POST).
    access.require_plan_return(require_staff(request.user), plan)
    form = ReasonForm(request.POST or None, label=_("退回理由"))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_return(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已退回。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("退回计划"),
            "submit_label": _("退回"),
            "cancel_url": reverse("planning:detail", args=[plan.pk]),
        },
    )


def _entry_form_view(request, plan, entry=None):
    if request.method == "POST":
        form = EntryForm(request.POST, plan=plan)
    else:
        initial = EntryForm.initial_from(entry) if entry else {"lead_department": plan.department}
        form = EntryForm(initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.entry_add(actor=request.user, plan=plan, **form.service_kwargs())
            else:
                services.entry_update(actor=request.user, entry=entry, **form.service_kwargs())
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已保存计划条目。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/entry_form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("修改计划条目") if entry else _("新增计划条目"),
            "cancel_url": reverse("planning:detail", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create_view(request, pk: int):
    return _entry_form_view(request, get_plan_for_user(request.user, pk, write=True))


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit_view(request, pk: int):
    entry = get_entry_for_user(request.user, pk, write=True)
    return _entry_form_view(request, entry.plan, entry)


def _remove_view(request, *, plan, action, target_kwargs: dict, title: str):
    adjusting = plan.status == AnnualPlan.Status.PUBLISHED
    form = ReasonForm(request.POST or None, label=_("调整原因"), required=adjusting)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, reason=form.cleaned_data["reason"], **target_kwargs)
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已删除。") if not adjusting else _("已撤销并记入调整记录。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "plan": plan,
            "title": title,
            "submit_label": _("删除"),
            "cancel_url": reverse("planning:detail", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_remove_view(request, pk: int):
    entry = get_entry_for_user(request.user, pk, write=True)
    return _remove_view(
        request,
        plan=entry.plan,
        action=services.entry_remove,
        target_kwargs={"entry": entry},
        title=_("删除计划条目：%(code)s") % {"code": entry.code},
    )


@login_required
@require_POST
def entry_default_strata_view(request, pk: int):
    entry = get_entry_for_user(request.user, pk, write=True)
    run_service(
        request,
        services.entry_add_default_strata,
        _("已套用默认信用分层。"),
        entry=entry,
        reason=request.POST.get("reason", ""),
    )
    return redirect("planning:detail", pk=entry.plan.pk)


def _stratum_form_view(request, entry, stratum=None):
    plan = entry.plan
    initial = StratumForm.initial_from(stratum) if stratum else None
    form = StratumForm(request.POST or None, initial=initial, plan=plan, stratum=stratum)
    if request.method == "POST" and form.is_valid():
        try:
            if stratum is None:
                services.stratum_add(actor=request.user, entry=entry, **form.service_kwargs())
            else:
                services.stratum_update(actor=request.user, stratum=stratum, **form.service_kwargs())
        except ValidationError as exc:
            put_service_errors(exc, form, SERVICE_ERROR_FIELDS)
        else:
            messages.success(request, _("已保存分层。"))
            return redirect("planning:detail", pk=plan.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("%(entry)s：抽取分层") % {"entry": entry.code},
            "cancel_url": reverse("planning:detail", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stratum_create_view(request, pk: int):
    return _stratum_form_view(request, get_entry_for_user(request.user, pk, write=True))


@login_required
@require_http_methods(["GET", "POST"])
def stratum_edit_view(request, pk: int):
    stratum = get_stratum_for_user(request.user, pk, write=True)
    return _stratum_form_view(request, stratum.entry, stratum)


@login_required
@require_http_methods(["GET", "POST"])
def stratum_remove_view(request, pk: int):
    stratum = get_stratum_for_user(request.user, pk, write=True)
    return _remove_view(
        request,
        plan=stratum.entry.plan,
        action=services.stratum_remove,
        target_kwargs={"stratum": stratum},
        title=_("删除分层：%(name)s") % {"name": stratum.name},
    )
