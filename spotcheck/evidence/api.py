"""REST API of a visit's 证据材料 (issue 13, item 13), with the evidence pages' rules
(spotcheck/evidence/views.py):

- read by whoever reads the visit (``inspections.access.get_visit_for_user``; others: a 404 that
  reveals nothing) — its own evidence and that of the visits merged with it, withdrawn pieces
  included with their reason, as the visit page lists them. The bytes come from ``file_url``,
  the same access-checked view as the page's links;
- uploaded (multipart) by the team through ``services.evidence_upload``: a body announced
  over ``SPOTCHECK_EVIDENCE_MAX_BYTES`` is refused with 413 before anything reads it
  (authentication included: a session's CSRF check reads the form), one that passes the limit
  while it arrives is cut off there (``uploads``, as on the page);
- withdrawn with a reason through ``services.evidence_withdraw`` (the uploader or the lead
  department's admin; a department's read-write token is such an admin)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.draws.models import Visit
from spotcheck.evidence import access, selectors, services
from spotcheck.evidence.access import visits_together
from spotcheck.evidence.checks import megabytes
from spotcheck.evidence.models import Evidence
from spotcheck.evidence.uploads import EvidenceUploadLimitHandler, announced_too_big, limit_evidence_upload
from spotcheck.inspections.access import get_visit_for_user

# A bigint, as the URLs' ids.
MAX_ID = 2**63 - 1


class EvidenceApiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_id")
    item = serializers.SerializerMethodField(help_text=gettext_lazy("检查事项代码；空为整个检查"))
    item_version = serializers.IntegerField(source="item_version_id", allow_null=True)
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    name = serializers.CharField(source="original_name")
    caption = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by.full_name")
    uploaded_at = serializers.DateTimeField()
    withdrawn = serializers.BooleanField(source="is_withdrawn")
    withdrawn_by = serializers.CharField(source="withdrawn_by.full_name", allow_null=True, default=None)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.CharField()
    file_url = serializers.SerializerMethodField()

    def get_item(self, evidence: Evidence) -> str | None:
        return evidence.item_version.item.code if evidence.item_version_id else None

    def get_file_url(self, evidence: Evidence) -> str:
        return self.context["request"].build_absolute_uri(reverse("evidence:file", args=[evidence.pk]))


class EvidenceUploadSerializer(serializers.Serializer):
    # Checked by the service, by content (type, size, pixels): the field only carries the file.
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=gettext_lazy("照片（JPEG、PNG、WebP）或 PDF 文件；类型按内容判断，大小上限见设置"),
    )
    item = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text=gettext_lazy(
            "检查表上的检查事项代码（如任务的 items 所列）；与 item_version 二选一，都不填为整个检查"
        ),
    )
    item_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy("检查表上的事项版本编号；不填为整个检查"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("item") and attrs.get("item_version") is not None:
            raise serializers.ValidationError({"item": [_("检查事项代码和事项版本编号只能填一个。")]})
        return attrs

    caption = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("客户端生成的编号：同一编号重发时返回第一次保存的证据材料，不重复保存"),
    )


class EvidenceWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text=gettext_lazy("撤回原因"))


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_big"

    def __init__(self) -> None:
        limit = megabytes(settings.SPOTCHECK_EVIDENCE_MAX_BYTES)
        super().__init__({"file": [_("上传的文件超过上限 %(limit)s MB，不能上传。") % {"limit": limit}]})


def _item_version(visit: Visit, code: str) -> int:
    """The version of the item ``code`` on the visit's checklist (merged visits' items included),
    as the page offers them; the service checks it again."""
    for version in selectors.checklist_versions(selectors.checklist_of(visit)):
        if version.item.code == code:
            return version.pk
    raise ValidationError({"item": [_("本次检查的检查表上没有代码为“%(code)s”的检查事项。") % {"code": code}]})


def _metadata(request: Request, evidence: Evidence, code: int = status.HTTP_200_OK) -> Response:
    return Response(EvidenceApiSerializer(evidence, context={"request": request}).data, status=code)


class VisitEvidenceViewSet(viewsets.ViewSet):
    """证据材料 of one visit (``/visits/<id>/evidence/``): list, and upload."""

    serializer_class = EvidenceApiSerializer
    pagination_class = PageNumberPagination  # for the schema: the list is paged
    # An upload is a multipart form; any other body is a 415.
    parser_classes = [parsers.MultiPartParser]
    _limit: EvidenceUploadLimitHandler | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action == "create":
            # Before authentication: the session's CSRF check reads the form, and so the body.
            if announced_too_big(request):
                raise UploadTooLarge
            self._limit = limit_evidence_upload(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(summary=gettext_lazy("检查的证据材料（元数据，含已撤回的及其原因）"))
    def list(self, request: Request, visit_pk: str) -> Response:
        visit = get_visit_for_user(request.user, int(visit_pk))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.evidence_of_visits(visits_together(visit)), request, view=self)
        return paginator.get_paginated_response(
            EvidenceApiSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary=gettext_lazy("上传证据材料（检查组成员；multipart）"),
        description=gettext_lazy(
            "上传到检查或其检查表上的一个事项。文件按内容哈希存储：相同内容只存一份文件，但每次上传都是一条证据材料记录；"
            "重发请带同一 client_id，返回第一次保存的记录（200）。超过大小上限的请求返回 413。"
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceApiSerializer,
            200: OpenApiResponse(EvidenceApiSerializer, description=gettext_lazy("同一 client_id 的重发")),
            413: OpenApiResponse(description=gettext_lazy("文件超过大小上限")),
        },
    )
    def create(self, request: Request, visit_pk: str) -> Response:
        visit = access.get_visit_for_upload(request.user, int(visit_pk))
        request.FILES  # noqa: B018 (reads the body, through the limit put first in initial())
        if self._limit is not None and self._limit.refused:
            raise UploadTooLarge
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        started = timezone.now()
        evidence = services.evidence_upload(
            actor=request.user,
            visit=visit,
            file=data["file"],
            item_version=_item_version(visit, data["item"]) if data["item"] else data.get("item_version"),
            caption=data["caption"],
            client_id=data.get("client_id"),
        )
        # A resent client id returns the row an earlier request wrote.
        resent = evidence.uploaded_at < started
        return _metadata(request, evidence, status.HTTP_200_OK if resent else status.HTTP_201_CREATED)


class EvidenceViewSet(viewsets.ViewSet):
    """One piece of evidence (``/evidence/<id>/``), and its withdrawal."""

    serializer_class = EvidenceApiSerializer

    @extend_schema(summary=gettext_lazy("一份证据材料（元数据）"))
    def retrieve(self, request: Request, pk: str) -> Response:
        return _metadata(request, access.get_evidence_for_user(request.user, int(pk)))

    @extend_schema(
        summary=gettext_lazy("撤回证据材料（上传人或发起部门的部门管理员；须说明原因）"),
        request=EvidenceWithdrawSerializer,
        responses={200: EvidenceApiSerializer},
    )
    def withdraw(self, request: Request, pk: str) -> Response:
        evidence = access.get_evidence_for_user(request.user, int(pk), write=True)
        body = EvidenceWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.evidence_withdraw(actor=request.user, evidence=evidence, reason=body.validated_data["reason"])
        return _metadata(request, access.get_evidence_for_user(request.user, evidence.pk))
