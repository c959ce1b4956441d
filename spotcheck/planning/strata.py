"""Strata of a plan entry (分层): which objects of the entry's pool a stratum holds, and at what
ratio they are drawn. Complaints, high risk and bad credit raise the ratio; good credit lowers it.

A stratum's filter is an object filter (``spotcheck.directory.object_filter``) of the keys a
task's filters accept, so that a task made from the entry takes it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from spotcheck.directory.object_filter import FILTER_KEYS, describe_object_filters, validate_object_filter
from spotcheck.drawspec.engine import DrawInputError, check_canonical, parse_ratio


def validate_stratum_filter(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The canonical form of a stratum's filter; a ValidationError in Chinese names the key."""
    return validate_object_filter(raw, label=_("分层条件"), keys=FILTER_KEYS)


def validate_stratum_name(value: Any) -> str:
    """The name goes into the draw record as it is: it must be canonical, never repaired."""
    if isinstance(value, str) and len(value) > 100:
        raise ValidationError(_("分层名称最多 100 个字符。"))
    try:
        return check_canonical(value, _("分层名称"))
    except DrawInputError as exc:
        raise ValidationError(str(exc)) from None


def validate_ratio(value: Any) -> str:
    """A ratio as the draw engine reads it: a decimal string between 0 and 1 (``"0.05"``, ``"1"``)."""
    text = str(value) if value is not None and not isinstance(value, float) else value
    try:
        parse_ratio(text)
    except DrawInputError as exc:
        raise ValidationError(str(exc)) from None
    return text


def default_credit_strata() -> list[dict[str, Any]]:
    """The demo bands of the credit classification in use: A ≤ 5%, B 5–20%, C 21–60%, D 61–100%,
    each drawn at the top of its band."""
    return [
        {"name": "A类（信用风险低）", "filter": {"credit_levels": ["A"]}, "ratio": "0.05"},
        {"name": "B类（信用风险一般）", "filter": {"credit_levels": ["B"]}, "ratio": "0.2"},
        {"name": "C类（信用风险较高）", "filter": {"credit_levels": ["C"]}, "ratio": "0.6"},
        {"name": "D类（信用风险高）", "filter": {"credit_levels": ["D"]}, "ratio": "1"},
    ]


def describe_stratum_filters(filters: Iterable[Mapping[str, Any] | None]) -> list[list[str]]:
    """Each filter in words, one phrase per condition (an empty filter: every object of the pool)."""
    return [
        [str(c) for c in conditions] or [_("不限（范围内全部对象）")] for conditions in describe_object_filters(filters)
    ]
