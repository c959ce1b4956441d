"""A service called from a page that answers with a redirect: its outcome as flash messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def flash_service_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Every message of a service's ValidationError, as an error on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def run_service(request: HttpRequest, service: Callable[..., Any], success: str, **kwargs: Any) -> bool:
    """Call ``service(actor=request.user, **kwargs)``; flash ``success`` or its errors. Returns
    whether it succeeded (permission errors are not caught: they are the view's 403/404)."""
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return False
    messages.success(request, success)
    return True
