"""The REST API's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): a service's
Django ValidationError becomes a 400 with the same (Chinese) messages — ``{field: [...]}`` when
the service names fields, ``{"detail": [...]}`` otherwise — so viewsets call services directly.
Django's Http404 and PermissionDenied are DRF's own 404 and 403. ``JSONParser`` is the API's JSON
parser (``DEFAULT_PARSER_CLASSES``); ``AnonRateThrottle`` and ``UserRateThrottle`` its throttles
(``DEFAULT_THROTTLE_CLASSES``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import parsers, throttling
from rest_framework.exceptions import ParseError, ValidationError
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


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested too deep for Python's parser (``[[[[…]]]]`` 10^5
    levels) is a 400 like any other malformed body, not a RecursionError and a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层级过深。")) from None


class _RatesFromSettings:
    """DRF reads its rates once, when the throttle module is imported; these read
    ``SPOTCHECK_API_THROTTLE_RATES`` at each request, so a changed setting applies (tests)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.SPOTCHECK_API_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous clients, by address (REMOTE_ADDR, or X-Forwarded-For as DRF's NUM_PROXIES says)."""


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """A user or a department system's token (its service account), by account."""
