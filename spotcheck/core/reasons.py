"""A reason a user must give (cancelling, retiring, returning, dissolving …): the one rule."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_LENGTH = 255
DEFAULT_LABEL = gettext_lazy("原因")


def clean_reason(
    reason: str | None,
    *,
    field: str = "reason",
    label: str | Promise = DEFAULT_LABEL,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> str:
    """The reason stripped; a ValidationError on ``field`` when it is empty or longer than
    ``max_length`` (pass the model field's own ``max_length``: nothing is cut short silently)."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("%(label)s不能超过 %(max)s 个字符。") % {"label": label, "max": max_length}]},
            code="max_length",
        )
    return text
