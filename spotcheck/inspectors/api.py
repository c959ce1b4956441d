"""REST API of the inspectors directory: the same scope, access helpers and services as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.scope import require_staff
from spotcheck.core.params import ID_PATTERN
from spotcheck.inspectors import services
from spotcheck.inspectors.access import (
    get_inspector_for_user,
    get_recusal_for_user,
    may_see_recusals,
    require_roster_reader,
)
from spotcheck.inspectors.filters import InspectorFilter
from spotcheck.inspectors.models import Inspector, Recusal
from spotcheck.inspectors.selectors import inspector_list, recusals_for_scope
from spotcheck.inspectors.serializers import (
    AvailabilitySerializer,
    InspectorSerializer,
    ReasonSerializer,
    RecusalSerializer,
    RestoreSerializer,
)


class InspectorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """执法检查人员. Filters are those of the list page (``InspectorFilter``)."""

    lookup_value_regex = ID_PATTERN

    serializer_class = InspectorSerializer
    filterset_class = InspectorFilter
    queryset = Inspector.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inspector.objects.none()
        return inspector_list(require_roster_reader(self.request.user)).prefetch_related("jurisdictions")

    def get_object(self) -> Inspector:
        write = self.request.method not in SAFE_METHODS
        inspector = get_inspector_for_user(self.request.user, self.kwargs["pk"], write=write)
        self.check_object_permissions(self.request, inspector)
        return inspector

    def perform_create(self, serializer: InspectorSerializer) -> None:
        require_roster_reader(self.request.user)
        data = dict(serializer.validated_data)
        serializer.instance = services.inspector_create(actor=self.request.user, **data)

    def perform_update(self, serializer: InspectorSerializer) -> None:
        serializer.instance = services.inspector_update(
            actor=self.request.user,
            inspector=serializer.instance,
            changes=dict(serializer.validated_data),
        )

    def _respond(self, inspector: Inspector) -> Response:
        return Response(self.get_serializer(get_inspector_for_user(self.request.user, inspector.pk)).data)

    @extend_schema(request=ReasonSerializer, responses=InspectorSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        inspector = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.inspector_retire(actor=request.user, inspector=inspector, **body.validated_data))

    @extend_schema(request=RestoreSerializer, responses=InspectorSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        inspector = self.get_object()
        body = RestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.inspector_restore(actor=request.user, inspector=inspector, **body.validated_data))

    @extend_schema(request=AvailabilitySerializer, responses=InspectorSerializer)
    @action(detail=True, methods=["post"])
    def availability(self, request: Request, pk: str) -> Response:
        inspector = self.get_object()
        body = AvailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.inspector_set_availability(actor=request.user, inspector=inspector, **body.validated_data)
        )


class RecusalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """回避关系: only for the inspector's department and auditors; everyone else gets 404.
    Every read is recorded in the audit trail."""

    lookup_value_regex = ID_PATTERN

    serializer_class = RecusalSerializer
    queryset = Recusal.objects.none()
    filterset_fields = ["inspector"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recusal.objects.none()
        scope = require_staff(self.request.user)
        if not may_see_recusals(scope):
            raise Http404
        return recusals_for_scope(scope)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        results = response.data["results"] if isinstance(response.data, dict) else response.data
        services.recusal_view_record(
            actor=request.user,
            recusals=[Recusal(pk=row["id"]) for row in results],
            query=request.GET.urlencode(),
        )
        return response

    def get_object(self) -> Recusal:
        write = self.request.method not in SAFE_METHODS
        recusal = get_recusal_for_user(self.request.user, self.kwargs["pk"], write=write)
        self.check_object_permissions(self.request, recusal)
        return recusal

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        recusal = self.get_object()
        services.recusal_view_record(actor=request.user, recusals=[recusal], inspector=recusal.inspector)
        return Response(self.get_serializer(recusal).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not may_see_recusals(require_staff(request.user)):
            raise Http404
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recusal = services.recusal_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(recusal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=RecusalSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        recusal = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recusal = services.recusal_end(actor=request.user, recusal=recusal, **body.validated_data)
        return Response(self.get_serializer(recusal).data)
