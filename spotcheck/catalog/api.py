"""REST API of the item list, with the same rules as the pages: reads through the selectors and
access helpers, writes through the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.catalog import services
from spotcheck.catalog.access import can_review_filings, get_item_for_user
from spotcheck.catalog.filters import ItemFilter
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.catalog.selectors import item_detail_versions, item_list, version_with_content
from spotcheck.catalog.serializers import (
    AcceptSerializer,
    ItemCreateSerializer,
    ItemDetailSerializer,
    ItemListSerializer,
    NewVersionSerializer,
    ReturnSerializer,
    VersionContentSerializer,
    VersionSerializer,
)
from spotcheck.core.params import ID_PATTERN


def _content_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(data)
    kwargs["scope"] = {key: list(values) for key, values in (kwargs.get("scope") or {}).items()}
    return kwargs


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """抽查事项: list and read the items, create one (version 1 as a draft) and file its versions."""

    lookup_value_regex = ID_PATTERN

    filter_backends = [DjangoFilterBackend]
    filterset_class = ItemFilter
    queryset = InspectionItem.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionItem.objects.none()
        return item_list(require_staff(self.request.user))

    def get_object(self) -> InspectionItem:
        return get_item_for_user(self.request.user, int(self.kwargs["pk"]))

    def get_serializer_class(self):
        if self.action == "create":
            return ItemCreateSerializer
        if self.action == "list":
            return ItemListSerializer
        return ItemDetailSerializer

    def _detail(self, item: InspectionItem, status_code: int = status.HTTP_200_OK) -> Response:
        item = get_item_for_user(self.request.user, item.pk)
        return Response(ItemDetailSerializer(item, context=self.get_serializer_context()).data, status=status_code)

    def _visible_version(self, item: InspectionItem, statuses) -> ItemVersion | None:
        scope = scope_for(self.request.user)
        return item_detail_versions(scope, item).filter(status__in=statuses).first()

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        require_staff(request.user)
        serializer = ItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.item_create(actor=request.user, **_content_kwargs(serializer.validated_data))
        return self._detail(item, status.HTTP_201_CREATED)

    @extend_schema(request=VersionContentSerializer, responses={200: VersionSerializer})
    @action(detail=True, methods=["patch"], url_path="draft")
    def draft(self, request: Request, pk: str) -> Response:
        """修改正在起草（或已退回）的版本；只需给出要改的字段。"""
        item = get_item_for_user(request.user, int(pk), write=True)
        version = self._visible_version(item, ItemVersion.EDITABLE_STATUSES)
        if version is None:
            raise ValidationError({"detail": [_("该事项没有可修改的草稿或退回版本。")]})
        serializer = VersionContentSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        version = services.version_update_draft(actor=request.user, version=version, **_content_kwargs(data))
        fresh = version_with_content(
            ItemVersion.objects.filter(pk=version.pk).select_related("created_by", "reviewed_by")
        )
        return Response(VersionSerializer(fresh.get()).data)

    @extend_schema(request=None, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """提交备案：把草稿版本提交联席办审查。"""
        item = get_item_for_user(request.user, int(pk), write=True)
        version = self._visible_version(item, [ItemVersion.Status.DRAFT])
        if version is None:
            raise ValidationError({"detail": [_("该事项没有可提交备案的草稿。")]})
        services.version_submit(actor=request.user, version=version)
        return self._detail(item)

    def _submitted_for_review(self, pk: str) -> tuple[InspectionItem, ItemVersion]:
        item = get_item_for_user(self.request.user, int(pk))
        if not can_review_filings(scope_for(self.request.user)):
            raise PermissionDenied(_("只有联席会议办公室协调员可以审查备案。"))
        version = self._visible_version(item, [ItemVersion.Status.FILING])
        if version is None:
            raise ValidationError({"detail": [_("该事项没有待备案的版本。")]})
        return item, version

    @extend_schema(request=AcceptSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """备案通过并公布（联席办协调员）：待备案版本成为现行版本。"""
        item, version = self._submitted_for_review(pk)
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.version_accept(actor=request.user, version=version, note=serializer.validated_data["note"])
        return self._detail(item)

    @extend_schema(request=ReturnSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_filing(self, request: Request, pk: str) -> Response:
        """退回（联席办协调员）：须说明理由。"""
        item, version = self._submitted_for_review(pk)
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.version_return(actor=request.user, version=version, reason=serializer.validated_data["reason"])
        return self._detail(item)

    @extend_schema(request=NewVersionSerializer, responses={201: ItemDetailSerializer})
    @action(detail=True, methods=["post"], url_path="new-version", url_name="new-version")
    def new_version(self, request: Request, pk: str) -> Response:
        """据现行版本起草新版本。"""
        item = get_item_for_user(request.user, int(pk), write=True)
        serializer = NewVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.version_new_draft(
            actor=request.user,
            item=item,
            change_note=serializer.validated_data["change_note"],
        )
        return self._detail(item, status.HTTP_201_CREATED)
