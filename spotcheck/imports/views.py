import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from spotcheck.accounts.scope import require_department_data_reader, require_staff
from spotcheck.imports import exports
from spotcheck.imports.forms import ImportUploadForm
from spotcheck.imports.limits import upload_too_large
from spotcheck.imports.models import ImportJob
from spotcheck.imports.progress import merge_live_progress
from spotcheck.imports.readers import ReadError
from spotcheck.imports.selectors import get_job_for_user, jobs_for_scope
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
    forms = forms or {}
    kinds = []
    for value, label in ImportJob.Kind.choices:
        form = forms.get(value) or (ImportUploadForm(scope=scope, prefix=value) if scope.can_write_anything else None)
        kinds.append({"value": value, "label": label, "form": form})
    jobs = list(jobs_for_scope(scope).order_by("-created_at")[:RECENT_JOBS])
    for job in jobs:
        merge_live_progress(job)
    return render(request, "imports/list.html", {"kinds": kinds, "jobs": jobs}, status=status)


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
@require_GET
def export(request, kind: str):
    require_staff(request.user)
    kind = _kind_or_404(kind)
    fmt = request.GET.get("format", "xlsx")
    out = io.BytesIO()
    try:
        exports.export_write(
            actor=request.user,
            kind=kind,
            filters=exports.filter_params(request.GET),
            fmt=fmt,
            out=out,
            request=request,
        )
    except exports.ExportError as exc:
        return render(request, "imports/export_error.html", {"message": str(exc)}, status=400)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{exports.SHEET_TITLES[kind]}-{stamp}.{fmt}"
    return HttpResponse(
        out.getvalue(), content_type=exports.CONTENT_TYPES[fmt], headers={"Content-Disposition": _attachment(name)}
    )


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"
