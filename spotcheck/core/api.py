"""The REST API's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): a service's
Django ValidationError becomes a 400 with the same (Chinese) messages — ``{field: [...]}`` when
the service names fields, ``{"detail": [...]}`` otherwise — so viewsets call services directly.
Django's Http404 and PermissionDenied are DRF's own 404 and 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def service_error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"detail": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(service_error_detail(exc))
    return drf_exception_handler(exc, context)
