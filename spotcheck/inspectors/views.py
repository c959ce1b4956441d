"""Pages of the inspectors directory. Reads go through selectors and access helpers, writes
through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spotcheck.accounts.scope import require_staff
from spotcheck.core.forms import put_service_errors
from spotcheck.core.params import parse_id
from spotcheck.inspectors import services
from spotcheck.inspectors.access import (
    can_export_inspectors,
    get_inspector_for_recusal_write,
    get_inspector_for_user,
    get_recusal_for_user,
    may_see_private_details,
    may_see_recusals,
    require_roster_reader,
)
from spotcheck.inspectors.filters import InspectorFilter
from spotcheck.inspectors.forms import (
    AvailabilityForm,
    InspectorForm,
    RecusalEndForm,
    RecusalForm,
    RestoreForm,
    RetireForm,
)
from spotcheck.inspectors.selectors import (
    inspector_history,
    inspector_list,
    recusals_for_scope,
)

PAGE_SIZE = 50


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    scope = require_roster_reader(request.user)
    filterset = InspectorFilter(request.GET, queryset=inspector_list(scope), request=request)
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = _querystring_without_page(request)
    # The export applies the same InspectorFilter to the same query string.
    export_path = reverse("imports:export", kwargs={"kind": "inspectors"})
    return render(
        request,
        "inspectors/list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "querystring": querystring,
            "export_url": f"{export_path}?{querystring}" if querystring else export_path,
            "can_export": can_export_inspectors(scope),
            "can_create": scope.can_write_anything,
            "sees_recusals": may_see_recusals(scope),
        },
    )


@login_required
@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_inspector_for_user(request.user, pk)
    scope = require_roster_reader(request.user)
    today = timezone.localdate()
    recusals = None
    if may_see_recusals(scope, inspector.department_id):
        recusals = list(recusals_for_scope(scope).filter(inspector=inspector))
        services.recusal_view_record(actor=request.user, recusals=recusals, inspector=inspector)
    return render(
        request,
        "inspectors/detail.html",
        {
            "inspector": inspector,
            "today": today,
            "matchable": inspector.is_matchable_on(today),
            "unmatchable_reasons": inspector.unmatchable_reasons(today),
            "recusals": recusals,
            "sees_private": may_see_private_details(scope, inspector.department_id),
            "history": inspector_history(inspector)
            if may_see_private_details(scope, inspector.department_id)
            else None,
            "can_write": scope.can_write_department(inspector.department_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    scope = require_roster_reader(request.user)
    if not scope.can_write_anything:
        raise PermissionDenied(_("您的角色没有登记执法检查人员的权限。"))
    form = InspectorForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            inspector = services.inspector_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已登记执法检查人员 %(name)s。") % {"name": inspector.name})
            return redirect("inspectors:detail", pk=inspector.pk)
    return render(request, "inspectors/form.html", {"form": form, "title": _("登记执法检查人员")})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_inspector_for_user(request.user, pk, write=True)
    scope = require_roster_reader(request.user)
    form = InspectorForm(
        request.POST or None,
        scope=scope,
        instance=inspector,
        # The phone number is the department admins'; others edit the rest and leave it as it is.
        with_phone=may_see_private_details(scope, inspector.department_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.inspector_update(actor=request.user, inspector=inspector, changes=form.service_kwargs())
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("inspectors:detail", pk=inspector.pk)
    return render(
        request,
        "inspectors/form.html",
        {"form": form, "inspector": inspector, "title": _("修改执法检查人员信息")},
    )


def _reason_action(request: HttpRequest, pk: int, form_class, action, template_title: str, done: str):
    inspector = get_inspector_for_user(request.user, pk, write=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, inspector=inspector, **form.cleaned_data)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, done)
            return redirect("inspectors:detail", pk=inspector.pk)
    return render(request, "inspectors/action.html", {"form": form, "inspector": inspector, "title": template_title})


@login_required
@require_http_methods(["GET", "POST"])
def retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, RetireForm, services.inspector_retire, _("停用执法检查人员"), _("已停用。"))


@login_required
@require_http_methods(["GET", "POST"])
def restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, RestoreForm, services.inspector_restore, _("恢复执法检查人员"), _("已恢复。"))


@login_required
@require_http_methods(["GET", "POST"])
def availability_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_inspector_for_user(request.user, pk, write=True)
    initial = {
        "availability": inspector.availability,
        "available_from": inspector.availability_from,
        "available_until": inspector.availability_until,
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspector_set_availability(actor=request.user, inspector=inspector, **form.cleaned_data)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("在岗状态已更新。"))
            return redirect("inspectors:detail", pk=inspector.pk)
    return render(request, "inspectors/action.html", {"form": form, "inspector": inspector, "title": _("变更在岗状态")})


@login_required
@require_GET
def recusals_view(request: HttpRequest) -> HttpResponse:
    scope = require_staff(request.user)
    if not may_see_recusals(scope):
        raise Http404
    qs = recusals_for_scope(scope)
    status = request.GET.get("status", "active")
    if status == "active":
        qs = qs.filter(ended_at__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_at__isnull=False)
    inspector = None
    if (inspector_id := parse_id(request.GET.get("inspector"))) is not None:
        inspector = get_inspector_for_user(request.user, inspector_id)
        qs = qs.filter(inspector=inspector)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(
            Q(inspector__name__icontains=text)
            | Q(inspector__code__icontains=text)
            | Q(inspection_object__name__icontains=text)
            | Q(inspection_object__public_code__icontains=text)
        )
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for recusal in page_obj.object_list:
        recusal.can_end = scope.can_write_department(recusal.inspector.department_id)
    querystring = _querystring_without_page(request)
    services.recusal_view_record(actor=request.user, recusals=page_obj.object_list, query=querystring)
    return render(
        request,
        "inspectors/recusals.html",
        {"page_obj": page_obj, "querystring": querystring, "status": status, "inspector": inspector, "q": text},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recusal_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_inspector_for_recusal_write(request.user, pk)
    form = RecusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_create(
                actor=request.user,
                inspector=inspector,
                inspection_object=form.cleaned_data["object_code"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已登记回避关系。"))
            return redirect("inspectors:detail", pk=inspector.pk)
    return render(request, "inspectors/action.html", {"form": form, "inspector": inspector, "title": _("登记回避关系")})


@login_required
@require_http_methods(["GET", "POST"])
def recusal_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    recusal = get_recusal_for_user(request.user, pk, write=True)
    form = RecusalEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_end(actor=request.user, recusal=recusal, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已解除回避关系。"))
            return redirect("inspectors:detail", pk=recusal.inspector_id)
    return render(
        request,
        "inspectors/action.html",
        {"form": form, "inspector": recusal.inspector, "recusal": recusal, "title": _("解除回避关系")},
    )
