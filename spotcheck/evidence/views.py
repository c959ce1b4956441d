"""证据材料 pages: upload (from the visit page; the browser's script sends scaled-down photos
with fetch and gets JSON, the plain form is redirected back), withdraw with a reason, and the
access-checked file view. Thin: fetched through ``access``, written through ``services``."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from spotcheck.core.messages import flash_service_errors
from spotcheck.draws.models import Visit
from spotcheck.evidence import access, services, storage, thumbnails
from spotcheck.evidence.checks import megabytes
from spotcheck.evidence.models import Evidence
from spotcheck.evidence.uploads import EvidenceUploadLimitHandler, announced_too_big, limit_evidence_upload

logger = logging.getLogger(__name__)


# The upload form's file inputs: 拍照 (camera) and 选择文件 (a photo or a PDF).
UPLOAD_FIELDS = ("file", "photo")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤回原因"), max_length=255)


def _visit_page(visit_pk: int) -> str:
    return reverse("inspections:visit_detail", args=[visit_pk]) + "#evidence"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request: HttpRequest, visit_pk: int, errors: list[str], status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"errors": errors}, status=status)
    for error in errors:
        messages.error(request, error)
    return redirect(_visit_page(visit_pk))


# The CSRF check reads request.POST, which receives the upload: the size checks come before it,
# so the check runs inside (Django's documented way, as imports' upload does).
@csrf_exempt
@login_required
@require_POST
def upload_view(request: HttpRequest, visit_pk: int) -> HttpResponse:
    visit = access.get_visit_for_upload(request.user, visit_pk)
    if announced_too_big(request):
        return _too_big(request, visit.pk)
    return _upload(request, visit, limit_evidence_upload(request))


def _too_big(request: HttpRequest, visit_pk: int) -> HttpResponse:
    limit = megabytes(settings.SPOTCHECK_EVIDENCE_MAX_BYTES)
    return _refuse(request, visit_pk, [_("上传的文件超过上限 %(limit)s MB，不能上传。") % {"limit": limit}], 413)


@csrf_protect
def _upload(request: HttpRequest, visit: Visit, limit: EvidenceUploadLimitHandler) -> HttpResponse:
    # "photo" is the camera's input (拍照), "file" the chooser's (选择文件); the script sends either
    # as "file", the plain form as it is. An empty input sends no file at all.
    chosen = [f for name in UPLOAD_FIELDS for f in request.FILES.getlist(name)]
    if limit.refused:
        return _too_big(request, visit.pk)
    if not chosen:
        return _refuse(request, visit.pk, [_("请选择要上传的照片或 PDF 文件。")], 400)
    if len(chosen) > 1:
        return _refuse(request, visit.pk, [_("一次上传一个文件：请只拍一张照片或只选择一个文件。")], 400)
    upload = chosen[0]
    try:
        evidence = services.evidence_upload(
            actor=request.user,
            visit=visit,
            file=upload,
            item_version=_item_id(request.POST.get("item_version") or ""),
            caption=request.POST.get("caption", ""),
            client_id=request.POST.get("client_id") or None,
        )
    except ValidationError as exc:
        return _refuse(request, visit.pk, exc.messages, 400)
    if _wants_json(request):
        return JsonResponse(
            {"id": evidence.pk, "name": evidence.original_name, "url": reverse("evidence:file", args=[evidence.pk])},
            status=201,
        )
    messages.success(request, _("已上传证据材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(_visit_page(visit.pk))


def _item_id(raw: str) -> int | None:
    """The chosen item: empty is the visit as a whole; anything not an id names no item (the
    service refuses it as not on the checklist)."""
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤回证据材料时请填写撤回原因。"))
        return redirect(_visit_page(evidence.visit_id))
    try:
        services.evidence_withdraw(actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已撤回证据材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(_visit_page(evidence.visit_id))


def content_disposition(name: str) -> str:
    """``inline`` with an ASCII fallback and the real (often Chinese) name in RFC 5987 form."""
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@login_required
@require_GET
def file_view(request: HttpRequest, pk: int) -> FileResponse:
    evidence: Evidence = access.get_evidence_for_user(request.user, pk)
    try:
        source = storage.open_file(evidence.storage_key)
    except FileNotFoundError:
        # The row without its file: storage lost or not restored with the database.
        logger.error("evidence %s: file %s missing from storage", evidence.pk, evidence.storage_key)
        raise Http404(_("证据材料的文件不在存储中，请联系系统管理员。")) from None
    response = FileResponse(source, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition(evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def thumbnail_view(request: HttpRequest, pk: int) -> FileResponse:
    """A photo's small preview (the same access as the file)."""
    evidence: Evidence = access.get_evidence_for_user(request.user, pk)
    if not thumbnails.can_preview(evidence):
        raise Http404(_("该证据材料没有预览图。"))
    response = FileResponse(open(thumbnails.thumbnail(evidence), "rb"), content_type="image/jpeg")  # noqa: SIM115
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
