import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_department_data_reader, require_staff, scope_for
from spotcheck.imports import exports
from spotcheck.imports.access import export_departments
from spotcheck.imports.export_jobs import (
    export_job_create,
    export_job_download,
    export_job_run,
    reap_stale_export_jobs,
)
from spotcheck.imports.forms import ExportForm, ImportUploadForm
from spotcheck.imports.limits import upload_too_large
from spotcheck.imports.models import ExportJob, ImportJob
from spotcheck.imports.progress import merge_live_progress
from spotcheck.imports.readers import ReadError
from spotcheck.imports.selectors import exports_of_user, get_export_job_for_user, get_job_for_user, jobs_for_scope
from spotcheck.imports.services import import_job_create, reap_stale_jobs
from spotcheck.imports.template import write_template
from spotcheck.imports.uploads import limit_import_upload

RECENT_JOBS = 20
ERRORS_PER_PAGE = 200


def _kind_or_404(kind: str) -> str:
    if kind not in ImportJob.Kind.values:
        raise Http404
    return kind


def _render_list(request, scope, forms=None, status=200):
    reap_stale_jobs()
    reap_stale_export_jobs()
    forms = forms or {}
    kinds = []
    for value, label in ImportJob.Kind.choices:
        form = forms.get(value) or (ImportUploadForm(scope=scope, prefix=value) if scope.can_write_anything else None)
        kinds.append({"value": value, "label": label, "form": form, "can_export": _may_export(value, scope)})
    jobs = list(jobs_for_scope(scope).order_by("-created_at")[:RECENT_JOBS])
    export_jobs = list(exports_of_user(scope)[:RECENT_JOBS])
    for job in [*jobs, *export_jobs]:
        merge_live_progress(job)
    context = {"kinds": kinds, "jobs": jobs, "export_jobs": export_jobs}
    return render(request, "imports/list.html", context, status=status)


def _may_export(kind: str, scope) -> bool:
    """Whether the page offers the export of ``kind`` (a reader who may not export is not sent
    to a refusal)."""
    try:
        export_departments(kind, scope)
    except (PermissionDenied, Http404):
        return False
    return True


@login_required
@require_GET
def job_list(request):
    scope = require_department_data_reader(request.user)
    return _render_list(request, scope)


# The CSRF check reads request.POST, which receives the upload: the size limit's handler has to
# be in place before it, so the check runs inside (Django's documented way).
@csrf_exempt
@login_required
@require_POST
def job_create(request):
    limit = limit_import_upload(request)
    return _job_create(request, limit)


@csrf_protect
def _job_create(request, limit):
    scope = require_department_data_reader(request.user)
    if not scope.can_write_anything:
        raise PermissionDenied(_("您的角色没有导入数据的权限。"))
    kind = _kind_or_404(request.POST.get("kind", ""))
    form = ImportUploadForm(request.POST, request.FILES, scope=scope, prefix=kind)
    if limit.refused:
        # The file was cut off while it arrived; nothing of it is kept.
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", upload_too_large(limit.limits))
        return _render_list(request, scope, forms={kind: form}, status=413)
    if form.is_valid():
        try:
            job = import_job_create(
                actor=request.user,
                kind=kind,
                department=form.cleaned_data["department"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ReadError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("文件已上传，正在后台导入。"))
            return redirect("imports:job", pk=job.pk)
    return _render_list(request, scope, forms={kind: form}, status=400)


@login_required
@require_GET
def job_detail(request, pk: int):
    job = get_job_for_user(request.user, pk)
    if job.is_active:
        reap_stale_jobs()
        job.refresh_from_db()
    merge_live_progress(job)
    context = {"job": job}
    if request.htmx and request.GET.get("part") == "status":
        if not job.is_active:
            # Finished: reload the whole page to show the counts or the error table.
            return HttpResponseClientRefresh()
        return render(request, "imports/_job_status.html", context)
    context["page_obj"] = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/job.html", context)


@login_required
@require_GET
def job_file(request, pk: int):
    job = get_job_for_user(request.user, pk)
    if not job.file:  # retired after the retention period (the page says so)
        raise Http404(_("文件已按保留期限删除。"))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.original_name)


@login_required
@require_GET
def template(request, kind: str):
    require_department_data_reader(request.user)
    kind = _kind_or_404(kind)
    out = io.BytesIO()
    write_template(kind, out)
    name = f"{exports.SHEET_TITLES[kind]}导入模板.xlsx"
    return HttpResponse(
        out.getvalue(),
        content_type=exports.CONTENT_TYPES["xlsx"],
        headers={"Content-Disposition": _attachment(name)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request, kind: str):
    """GET: what will be exported (the filters in words, the number of rows, the format);
    POST: export it — at once when small, else as a job whose page shows its progress."""
    scope = require_staff(request.user)
    kind = _kind_or_404(kind)
    export_departments(kind, scope)  # 404 / 403 before anything is counted
    filters = exports.filter_params(request.GET)
    form = ExportForm(request.POST or None, initial={"format": request.GET.get("format", "xlsx")})
    if request.method == "POST" and form.is_valid():
        try:
            start = export_job_create(
                actor=request.user, kind=kind, filters=filters, fmt=form.cleaned_data["format"], request=request
            )
        except exports.ExportError as exc:
            return render(request, "imports/export_error.html", {"message": str(exc)}, status=400)
        if not start.inline:
            return redirect("imports:export_job", pk=start.job.pk)
        job = export_job_run(job_id=start.job.pk)
        if job.status != ExportJob.Status.SUCCEEDED:
            return redirect("imports:export_job", pk=job.pk)
        return _export_file_response(request, job)
    try:
        _scope, queryset = exports.export_queryset(
            actor=request.user, kind=kind, filters=filters, fmt="xlsx", request=request
        )
    except exports.ExportError as exc:
        return render(request, "imports/export_error.html", {"message": str(exc)}, status=400)
    context = {
        "kind": kind,
        "kind_label": ExportJob.Kind(kind).label,
        "filter_words": exports.filter_words(kind, scope, filters, request=request),
        "rows": queryset.count(),
        "inline_rows": settings.SPOTCHECK_EXPORT_INLINE_ROWS,
        "retention_days": settings.SPOTCHECK_EXPORT_RETENTION_DAYS,
        "form": form,
        "back_url": reverse(EXPORT_BACK_URLS[kind]),
    }
    return render(request, "imports/export.html", context, status=400 if form.errors else 200)


# The list page the export page goes back to, by kind.
EXPORT_BACK_URLS = {"objects": "directory:list", "inspectors": "inspectors:list", "items": "catalog:list"}


@login_required
@require_GET
def export_job_detail(request, pk: int):
    job = get_export_job_for_user(request.user, pk)
    if job.is_active:
        reap_stale_export_jobs()
        job.refresh_from_db()
    merge_live_progress(job)
    if request.htmx and request.GET.get("part") == "status":
        if not job.is_active:
            return HttpResponseClientRefresh()  # finished: the whole page shows the link or the reason
        return render(request, "imports/_export_job_status.html", {"job": job})
    context = {
        "job": job,
        "filter_words": _job_filter_words(request, job),
        "departments": _department_names(job.departments),
    }
    return render(request, "imports/export_job.html", context)


def _job_filter_words(request, job: ExportJob) -> list[tuple[str, str]]:
    try:
        return exports.filter_words(job.kind, scope_for(request.user), job.filters, request=request)
    except (PermissionDenied, Http404):
        return []


def _department_names(ids: list[int] | None) -> str:
    if ids is None:
        return _("全部部门")
    return "、".join(Department.objects.filter(pk__in=ids).order_by("code").values_list("short_name", flat=True))


@login_required
@require_GET
def export_job_file(request, pk: int):
    job = get_export_job_for_user(request.user, pk)
    if job.status != ExportJob.Status.SUCCEEDED:
        raise Http404
    if not job.file:  # retired after the retention period (the page says so)
        raise Http404(_("文件已按保留期限删除。"))
    return _export_file_response(request, job)


def _export_file_response(request, job: ExportJob) -> FileResponse:
    export_job_download(actor=request.user, job=job)
    response = FileResponse(job.file.open("rb"), content_type=exports.CONTENT_TYPES[job.format])
    response["Content-Disposition"] = _attachment(job.file_name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"
