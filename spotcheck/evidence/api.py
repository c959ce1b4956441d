"""REST API of a visit's 证据材料 (issue 13, item 13): metadata only, read by whoever reads the
visit (``inspections.access.get_visit_for_user``; others: a 404 that reveals nothing) — its own
evidence and that of the visits merged with it, withdrawn pieces included with their reason, as
the visit page lists them. The bytes come from ``file_url``, the same access-checked view as
the page's links."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.evidence import selectors
from spotcheck.evidence.access import visits_together
from spotcheck.evidence.models import Evidence
from spotcheck.inspections.access import get_visit_for_user


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


class VisitEvidenceViewSet(viewsets.ViewSet):
    """证据材料 of one visit (``/visits/<id>/evidence/``)."""

    serializer_class = EvidenceApiSerializer

    @extend_schema(summary=gettext_lazy("检查的证据材料（元数据，含已撤回的及其原因）"))
    def list(self, request: Request, visit_pk: str) -> Response:
        visit = get_visit_for_user(request.user, int(visit_pk))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.evidence_of_visits(visits_together(visit)), request, view=self)
        return paginator.get_paginated_response(
            EvidenceApiSerializer(page, many=True, context={"request": request}).data
        )
