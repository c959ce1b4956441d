"""A service's ValidationError shown on the form the user filled in."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


# Django's empty choice of a select; the Chinese UI never shows it.
DJANGO_EMPTY_LABEL = "---------"


def please_choose(form: forms.BaseForm) -> None:
    """Every select of ``form`` offers 请选择 as its empty choice, in place of Django's
    "---------" (model choice fields' empty_label, and the blank choice model fields add)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = _("请选择")
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(field.choices)
            if any(label == DJANGO_EMPTY_LABEL for _value, label in choices):
                field.choices = [
                    (value, _("请选择") if label == DJANGO_EMPTY_LABEL else label) for value, label in choices
                ]


class ChineseSelectsMixin:
    """A form whose selects read 请选择, not "---------": applied when the form's fields are
    first read for rendering, after its own ``__init__`` has set querysets and choices."""

    _selects_in_chinese = False

    def __getitem__(self, name: str) -> forms.BoundField:
        if not self._selects_in_chinese:
            please_choose(self)  # type: ignore[arg-type]
            self._selects_in_chinese = True
        return super().__getitem__(name)  # type: ignore[misc]
