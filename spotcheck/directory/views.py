"""Pages of the inspection objects directory: list and search, detail with history, and the
forms that change an object (all through the services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spotcheck.core.forms import put_service_errors
from spotcheck.directory.access import (
    can_export_objects,
    can_write_object,
    get_object_for_user,
    require_directory_reader,
)
from spotcheck.directory.forms import (
    LevelChangeForm,
    LicenceForm,
    ObjectForm,
    PenaltyForm,
    ReasonForm,
)
from spotcheck.directory.licences import licence_add, licence_retire
from spotcheck.directory.models import LevelChange
from spotcheck.directory.penalties import penalty_record
from spotcheck.directory.selectors import object_history, object_list_results
from spotcheck.directory.services import (
    object_change_level,
    object_create,
    object_restore,
    object_retire,
    object_update,
)

PAGE_SIZE = 50


def _export_base_url() -> str:
    # The import/export app owns this url; the plain path keeps the page working before it exists.
    try:
        return reverse("imports:export", args=["objects"])
    except NoReverseMatch:
        return "/imports/export/objects/"


@login_required
@require_GET
def object_list(request: HttpRequest) -> HttpResponse:
    scope = require_directory_reader(request.user)
    filterset, results = object_list_results(scope, request.GET)
    paginator = Paginator(results, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    querystring = params.urlencode()
    context = {
        "filter": filterset,
        "page_obj": page_obj,
        "objects": page_obj.object_list,
        "querystring": querystring,
        "truncated": getattr(results, "truncated", False),
        "search_cap": getattr(results, "cap", None),
        "export_url": f"{_export_base_url()}?{querystring}" if querystring else _export_base_url(),
        "can_create": scope.can_write_anything,
        "can_export": can_export_objects(scope),
        "advanced_open": any(k not in {"q", "page"} and v for k, v in params.items()),
    }
    template = "directory/_object_results.html" if request.htmx else "directory/object_list.html"
    return render(request, template, context)


@login_required
@require_GET
def object_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk)
    scope = require_directory_reader(request.user)
    return render(
        request,
        "directory/object_detail.html",
        {"obj": obj, "history": object_history(obj), "can_write": can_write_object(scope, obj)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def object_create_view(request: HttpRequest) -> HttpResponse:
    scope = require_directory_reader(request.user)
    if not scope.can_write_anything:
        raise PermissionDenied(_("您的角色没有录入检查对象的权限。"))
    form = ObjectForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            obj = object_create(actor=request.user, data=form.service_data(), **_note(form))
        except ValidationError as exc:
            put_service_errors(exc, form, _LEVEL_ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("已录入检查对象“%(name)s”，公开编码 %(code)s。") % {"name": obj.name, "code": obj.public_code},
            )
            return redirect("directory:detail", pk=obj.pk)
    return render(request, "directory/object_form.html", {"form": form, "obj": None})


_LEVEL_ERROR_FIELDS = {
    "level_reason": "level_reason",
    "level_source": "level_source",
    "level_effective_on": "level_effective_on",
}


def _note(form: ObjectForm) -> dict:
    note = form.level_note()
    if "level_effective_on" not in form.fields:
        note.pop("level_effective_on")
    return note


@login_required
@require_http_methods(["GET", "POST"])
def object_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk, write=True)
    scope = require_directory_reader(request.user)
    if obj.is_retired:
        messages.error(request, _("该检查对象已停用，请先恢复再修改。"))
        return redirect("directory:detail", pk=obj.pk)
    form = ObjectForm(request.POST or None, instance=obj, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            obj = object_update(actor=request.user, obj=obj, data=form.service_data(), **_note(form))
        except ValidationError as exc:
            put_service_errors(exc, form, _LEVEL_ERROR_FIELDS)
        else:
            messages.success(request, _("已保存。"))
            return redirect("directory:detail", pk=obj.pk)
    return render(request, "directory/object_form.html", {"form": form, "obj": obj})


def _reason_page(request: HttpRequest, pk: int, *, retire: bool) -> HttpResponse:
    obj = get_object_for_user(request.user, pk, write=True)
    label = _("停用原因") if retire else _("恢复原因")
    form = ReasonForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        service = object_retire if retire else object_restore
        try:
            service(actor=request.user, obj=obj, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已停用该检查对象。") if retire else _("已恢复该检查对象。"))
            return redirect("directory:detail", pk=obj.pk)
    context = {
        "obj": obj,
        "form": form,
        "title": _("停用检查对象") if retire else _("恢复检查对象"),
        "intro": _("停用后该对象不再进入抽查对象库，记录和历史仍然保留，可以恢复。")
        if retire
        else _("恢复后该对象重新进入抽查对象库。"),
        "submit": _("停用") if retire else _("恢复"),
        "danger": retire,
    }
    return render(request, "directory/object_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(request, pk, retire=True)


@login_required
@require_http_methods(["GET", "POST"])
def object_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(request, pk, retire=False)


@login_required
@require_http_methods(["GET", "POST"])
def object_level(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk, write=True)
    field = request.POST.get("field") or request.GET.get("field") or LevelChange.Field.RISK
    if field not in LevelChange.Field.values:
        raise Http404
    form = LevelChangeForm(request.POST or None, field=field)
    if request.method == "POST" and form.is_valid():
        try:
            object_change_level(actor=request.user, obj=obj, field=field, **form.cleaned_data)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已记录等级变更。"))
            return redirect("directory:detail", pk=obj.pk)
    is_risk = field == LevelChange.Field.RISK
    current = obj.get_risk_level_display() if is_risk else obj.get_credit_level_display()
    context = {
        "obj": obj,
        "form": form,
        "field": field,
        "title": _("调整风险等级") if is_risk else _("调整信用等级"),
        "intro": _("当前：%(level)s。每次调整都记入等级变更记录。") % {"level": current},
        "submit": _("保存"),
        "danger": False,
    }
    return render(request, "directory/object_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_licence_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk, write=True)
    form = LicenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            licence_add(actor=request.user, obj=obj, **form.cleaned_data)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已登记许可证。"))
            return redirect("directory:detail", pk=obj.pk)
    context = {"obj": obj, "form": form, "title": _("登记许可证"), "submit": _("保存"), "danger": False}
    return render(request, "directory/object_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_licence_retire(request: HttpRequest, pk: int, licence_pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk, write=True)
    licence = next((lic for lic in obj.licences.all() if lic.pk == licence_pk), None)
    if licence is None:
        raise Http404
    form = ReasonForm(request.POST or None, label=_("注销原因"))
    if request.method == "POST" and form.is_valid():
        try:
            licence_retire(actor=request.user, licence=licence, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已注销许可证。"))
            return redirect("directory:detail", pk=obj.pk)
    context = {
        "obj": obj,
        "form": form,
        "title": _("注销许可证 %(licence)s") % {"licence": licence},
        "intro": _("许可证记录保留，只标记为已注销。"),
        "submit": _("注销"),
        "danger": True,
    }
    return render(request, "directory/object_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_penalty_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_for_user(request.user, pk)
    scope = require_directory_reader(request.user)
    if not scope.can_write_anything:
        raise PermissionDenied(_("您的角色没有登记行政处罚的权限。"))
    form = PenaltyForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            penalty_record(actor=request.user, obj=obj, **form.cleaned_data)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已登记行政处罚。"))
            return redirect("directory:detail", pk=obj.pk)
    context = {"obj": obj, "form": form, "title": _("登记行政处罚"), "submit": _("保存"), "danger": False}
    return render(request, "directory/object_action.html", context)
