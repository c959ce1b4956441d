"""A service's ValidationError shown on the form the user filled in."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import ValidationError


def put_service_errors(
    exc: ValidationError,
    form: forms.Form,
    field_map: Mapping[str, str] | None = None,
    *,
    extra: Mapping[str, Callable[[list[str]], None]] | None = None,
) -> None:
    """Each message under the field the service names (through ``field_map`` where the form
    calls it otherwise: the service's ``scope`` is the form's ``scope_kinds``), a field that
    ``extra`` handles (a formset beside the form) there, anything else at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    field_map = field_map or {}
    extra = extra or {}
    for key, messages in exc.message_dict.items():
        if key in extra:
            extra[key](messages)
            continue
        target = field_map.get(key, key)
        form.add_error(target if target in form.fields else None, messages)
