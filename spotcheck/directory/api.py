"""REST API of the inspection objects directory: same scope, access helper, filters and
services as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.directory import services
from spotcheck.directory.access import get_object_by_key_for_user, require_directory_reader
from spotcheck.directory.filters import ObjectFilter
from spotcheck.directory.models import InspectionObject, ObjectLicence
from spotcheck.directory.selectors import objects_for_scope
from spotcheck.directory.serializers import (
    LEVEL_NOTE_FIELDS,
    LevelChangeSerializer,
    ObjectReasonSerializer,
    ObjectSerializer,
)

KEY_PARAMETER = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("公开编码（统一社会信用代码或平台分配的编码）或数据库编号"),
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[KEY_PARAMETER]),
    update=extend_schema(parameters=[KEY_PARAMETER]),
    partial_update=extend_schema(parameters=[KEY_PARAMETER]),
)
class ObjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """检查对象. The list takes the filters of the list page (``ObjectFilter``)."""

    serializer_class = ObjectSerializer
    filterset_class = ObjectFilter
    queryset = InspectionObject.objects.none()
    lookup_url_kwarg = "key"
    lookup_value_regex = "[^/]+"

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Users without a role, and witness-only users, see nothing of the directory, as on the pages.
        require_directory_reader(request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionObject.objects.none()
        return objects_for_scope(require_directory_reader(self.request.user)).prefetch_related(
            "tags",
            "supervising_departments",
            Prefetch("licences", queryset=ObjectLicence.objects.select_related("kind")),
        )

    def get_object(self) -> InspectionObject:
        write = self.request.method not in SAFE_METHODS
        obj = get_object_by_key_for_user(self.request.user, self.kwargs["key"], write=write)
        self.check_object_permissions(self.request, obj)
        return obj

    @staticmethod
    def _split(validated: dict) -> tuple[dict, dict]:
        note = {k: validated.pop(k) for k in LEVEL_NOTE_FIELDS if k in validated}
        if "level_effective_on" in note and note["level_effective_on"] is None:
            del note["level_effective_on"]
        return validated, note

    def perform_create(self, serializer: ObjectSerializer) -> None:
        data, note = self._split(dict(serializer.validated_data))
        serializer.instance = services.object_create(actor=self.request.user, data=data, **note)

    def perform_update(self, serializer: ObjectSerializer) -> None:
        data, note = self._split(dict(serializer.validated_data))
        serializer.instance = services.object_update(
            actor=self.request.user, obj=serializer.instance, data=data, **note
        )

    def _respond(self, obj: InspectionObject) -> Response:
        fresh = get_object_by_key_for_user(self.request.user, str(obj.pk))
        return Response(self.get_serializer(fresh).data)

    @extend_schema(parameters=[KEY_PARAMETER], request=LevelChangeSerializer, responses=ObjectSerializer)
    @action(detail=True, methods=["post"])
    def level(self, request: Request, key: str) -> Response:
        """调整风险等级或信用等级（记入等级变更记录）。"""
        obj = self.get_object()
        body = LevelChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.object_change_level(actor=request.user, obj=obj, **body.validated_data)
        return self._respond(obj)

    @extend_schema(parameters=[KEY_PARAMETER], request=ObjectReasonSerializer, responses=ObjectSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, key: str) -> Response:
        """停用检查对象（必须填写原因）。"""
        obj = self.get_object()
        body = ObjectReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.object_retire(actor=request.user, obj=obj, reason=body.validated_data["reason"])
        return self._respond(obj)

    @extend_schema(parameters=[KEY_PARAMETER], request=ObjectReasonSerializer, responses=ObjectSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, key: str) -> Response:
        """恢复已停用的检查对象（必须填写原因）。"""
        obj = self.get_object()
        body = ObjectReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.object_restore(actor=request.user, obj=obj, reason=body.validated_data["reason"])
        return self._respond(obj)
