"""Pages of the item list (一单). Thin: fetch through the access helpers and selectors, write
through the services, show service errors on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.catalog import services
from spotcheck.catalog.access import (
    can_export_items,
    can_review_filings,
    can_write_items_of,
    get_item_for_user,
    get_version_for_user,
)
from spotcheck.catalog.filters import ItemFilter
from spotcheck.catalog.forms import (
    AcceptForm,
    ItemCreateForm,
    ReasonForm,
    ScopeForm,
    VersionForm,
    checklist_formset,
)
from spotcheck.catalog.models import ItemVersion
from spotcheck.catalog.presenters import version_diff, version_fields
from spotcheck.catalog.selectors import item_detail_versions, item_list, pending_filings, version_with_content
from spotcheck.core.forms import put_service_errors
from spotcheck.core.messages import flash_service_errors, run_service
from spotcheck.directory.object_filter import describe_object_filter, objects_in_scope

PAGE_SIZE = 50


def _put_errors(exc: ValidationError, form, formset) -> None:
    """A service's errors on the item form: the scope's on its section, the checklist's above
    the checklist, the rest on their fields or at the top."""

    def on_checklist(messages: list[str]) -> None:
        formset._non_form_errors = formset.error_class(list(formset.non_form_errors()) + messages)

    put_service_errors(exc, form, {"scope": "scope_kinds"}, extra={"checklist": on_checklist})


def _querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _live_count(scope: dict) -> tuple[int | None, str]:
    """The number of objects a stored scope matches now, or why it cannot be counted (a code
    that was valid when filed may have been withdrawn since)."""
    try:
        return objects_in_scope(scope).count(), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _version_context(request, version: ItemVersion) -> dict:
    scope = scope_for(request.user)
    count, count_error = _live_count(version.scope)
    return {
        "version": version,
        "fields": version_fields(version),
        "scope_lines": describe_object_filter(version.scope),
        "match_count": count,
        "match_count_error": count_error,
        "can_write": can_write_items_of(scope, version.item.department_id),
        "can_review": can_review_filings(scope),
    }


@login_required
@require_GET
def item_list_view(request):
    scope = require_staff(request.user)
    filterset = ItemFilter(request.GET, queryset=item_list(scope), request=request)
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = _querystring_without_page(request)
    return render(
        request,
        "catalog/item_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "querystring": querystring,
            "export_url": f"/imports/export/items/?{querystring}",
            "can_export": can_export_items(scope),
            "can_create": scope.can_write_anything,
        },
    )


@login_required
@require_GET
def item_detail_view(request, pk: int):
    item = get_item_for_user(request.user, pk)
    scope = scope_for(request.user)
    versions = list(item_detail_versions(scope, item))
    shown = next((v for v in versions if v.pk == item.current_version_id), versions[0] if versions else None)
    context = {
        "item": item,
        "versions": versions,
        "open_version": next((v for v in versions if v.is_open), None),
        "can_write": can_write_items_of(scope, item.department_id),
    }
    if shown is not None:
        shown = version_with_content(ItemVersion.objects.filter(pk=shown.pk).select_related("item")).get()
        context |= _version_context(request, shown)
    return render(request, "catalog/item_detail.html", context)


def _scope_count_for(data) -> tuple[int | None, str]:
    form = ScopeForm(data)
    if not form.is_valid():
        problems = [
            _("%(label)s：%(values)s") % {"label": form.fields[name].label, "values": e}
            for name, errors in form.errors.items()
            for e in errors
        ]
        return None, " ".join(problems)
    return _live_count(form.scope())


def _render_version_form(request, template: str, form, formset, **extra):
    if form.is_bound:
        count, count_error = _scope_count_for(form.data)
    else:
        initial = {key: list(form.initial.get(field) or []) for key, field in ScopeForm.SCOPE_FIELDS.items()}
        count, count_error = _live_count(initial)
    return render(
        request,
        template,
        {"form": form, "formset": formset, "match_count": count, "match_count_error": count_error, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request):
    scope = require_staff(request.user)
    if not scope.can_write_anything:
        raise PermissionDenied(_("您的角色不能新建抽查事项。"))
    if request.method == "POST":
        form = ItemCreateForm(request.POST, scope=scope)
        formset = checklist_formset(request.POST)
        if "add_rows" not in request.POST and form.is_valid() and formset.is_valid():
            try:
                item = services.item_create(actor=request.user, checklist=formset.questions(), **form.service_kwargs())
            except ValidationError as exc:
                _put_errors(exc, form, formset)
            else:
                messages.success(request, _("已创建事项 %(code)s 的草稿（v1）。") % {"code": item.code})
                return redirect("catalog:detail", pk=item.pk)
    else:
        form = ItemCreateForm(scope=scope, initial={"times_per_year": 1, "methods": [ItemVersion.Method.ON_SITE]})
        formset = checklist_formset()
    return _render_version_form(request, "catalog/item_form.html", form, formset, title=_("新建抽查事项"))


@login_required
@require_GET
def version_detail_view(request, pk: int):
    version = get_version_for_user(request.user, pk)
    item = version.item
    context = _version_context(request, version) | {"item": item}
    if item.current_version_id and item.current_version_id != version.pk:
        context["compare_url"] = reverse("catalog:version_compare", args=[version.pk])
    return render(request, "catalog/version_detail.html", context)


@login_required
@require_GET
def version_compare_view(request, pk: int):
    """Side by side: this version against the item's current version."""
    version = get_version_for_user(request.user, pk)
    item = version.item
    if not item.current_version_id or item.current_version_id == version.pk:
        return redirect("catalog:version_detail", pk=version.pk)
    current = get_version_for_user(request.user, item.current_version_id)
    rows = version_diff(current, version)
    return render(
        request,
        "catalog/version_compare.html",
        {"item": item, "version": version, "current": current, "rows": rows},
    )


@login_required
@require_GET
def version_checklist_view(request, pk: int):
    """检查表: the printable checklist of a version."""
    version = get_version_for_user(request.user, pk)
    return render(
        request,
        "catalog/version_checklist.html",
        {"version": version, "item": version.item, "scope_lines": describe_object_filter(version.scope)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit_view(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    if not version.is_editable:
        messages.error(
            request,
            _("版本 v%(n)s 的状态为“%(s)s”，只有草稿或已退回的版本可以修改。")
            % {"n": version.number, "s": version.get_status_display()},
        )
        return redirect("catalog:version_detail", pk=version.pk)
    if request.method == "POST":
        form = VersionForm(request.POST, department=version.item.department)
        formset = checklist_formset(request.POST)
        if "add_rows" not in request.POST and form.is_valid() and formset.is_valid():
            try:
                services.version_update_draft(
                    actor=request.user, version=version, checklist=formset.questions(), **form.service_kwargs()
                )
            except ValidationError as exc:
                _put_errors(exc, form, formset)
            else:
                messages.success(request, _("已保存 v%(n)s。") % {"n": version.number})
                return redirect("catalog:version_detail", pk=version.pk)
    else:
        form = VersionForm(initial=VersionForm.initial_from(version), department=version.item.department)
        formset = checklist_formset(initial=[{"text": q.text, "basis": q.basis} for q in version.questions.all()])
    return _render_version_form(
        request,
        "catalog/item_form.html",
        form,
        formset,
        title=_("修改 %(code)s v%(n)s") % {"code": version.item.code, "n": version.number},
        version=version,
        item=version.item,
    )


@login_required
@require_GET
def scope_count_view(request):
    """htmx: how many objects the scope fields of the edit form match now."""
    require_staff(request.user)
    count, error = _scope_count_for(request.GET)
    return render(request, "catalog/_scope_count.html", {"match_count": count, "match_count_error": error})


@login_required
@require_POST
def version_submit_view(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    run_service(request, services.version_submit, _("已提交备案，等待联席办审查。"), version=version)
    return redirect("catalog:version_detail", pk=version.pk)


@login_required
@require_POST
def version_accept_view(request, pk: int):
    version = get_version_for_user(request.user, pk)
    form = AcceptForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(
        request,
        services.version_accept,
        _("已备案并公布 v%(n)s，成为现行版本。") % {"n": version.number},
        version=version,
        note=note,
    )
    return redirect("catalog:version_detail", pk=version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def version_return_view(request, pk: int):
    version = get_version_for_user(request.user, pk)
    if not can_review_filings(scope_for(request.user)):
        raise PermissionDenied(_("只有联席会议办公室协调员可以审查备案。"))
    form = ReasonForm(request.POST or None, label=_("退回理由"))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_return(actor=request.user, version=version, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                form.add_error("reason", exc.error_dict["reason"])
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("已退回 v%(n)s。") % {"n": version.number})
            return redirect("catalog:version_detail", pk=version.pk)
    return render(
        request,
        "catalog/reason_form.html",
        {
            "form": form,
            "item": version.item,
            "version": version,
            "title": _("退回备案：%(code)s v%(n)s") % {"code": version.item.code, "n": version.number},
            "submit_label": _("退回"),
            "cancel_url": reverse("catalog:version_detail", args=[version.pk]),
        },
    )


@login_required
@require_POST
def version_new_view(request, pk: int):
    item = get_item_for_user(request.user, pk, write=True)
    try:
        version = services.version_new_draft(
            actor=request.user, item=item, change_note=request.POST.get("change_note", "")
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("catalog:detail", pk=item.pk)
    messages.success(request, _("已据现行版本起草 v%(n)s。") % {"n": version.number})
    return redirect("catalog:version_edit", pk=version.pk)


def _reason_view(request, pk: int, *, action, label: str, title: str, submit_label: str, done: str):
    item = get_item_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("catalog:detail", pk=item.pk)
    return render(
        request,
        "catalog/reason_form.html",
        {
            "form": form,
            "item": item,
            "title": _("%(label)s：%(values)s") % {"label": title, "values": item.code},
            "submit_label": submit_label,
            "cancel_url": reverse("catalog:detail", args=[item.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_retire_view(request, pk: int):
    return _reason_view(
        request,
        pk,
        action=services.item_retire,
        label=_("停用原因"),
        title=_("停用事项"),
        submit_label=_("停用"),
        done=_("事项已停用。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_restore_view(request, pk: int):
    return _reason_view(
        request,
        pk,
        action=services.item_restore,
        label=_("恢复原因"),
        title=_("恢复事项"),
        submit_label=_("恢复"),
        done=_("事项已恢复使用。"),
    )


@login_required
@require_GET
def filings_view(request):
    """待备案: the coordinator's inbox (a department sees its own pending filings)."""
    scope = require_staff(request.user)
    page_obj = Paginator(pending_filings(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/filings.html",
        {"page_obj": page_obj, "can_review": can_review_filings(scope)},
    )
