"""Plain validators of an item's fields: the services, the forms and the import of item lists
(one row at a time) share them, so a value is refused with the same Chinese message wherever
it comes from. Each returns the canonical value or raises ``ValidationError``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from spotcheck.catalog.models import ChecklistQuestion, InspectionItem, ItemVersion
from spotcheck.core.choices import source_labels
from spotcheck.directory.validators import canonical_text

RATIO_MAX_DECIMALS = 6
_CODE_MAX = InspectionItem._meta.get_field("code").max_length
_QUESTION_MAX = ChecklistQuestion._meta.get_field("text").max_length
_BASIS_MAX = ChecklistQuestion._meta.get_field("basis").max_length
_SUB_ITEM_MAX = 200
# Imports write the Chinese labels, whatever the language of the page.
_METHOD_BY_LABEL = {label: value for value, label in source_labels(ItemVersion.Method).items()}
_CATEGORY_BY_LABEL = {label: value for value, label in source_labels(ItemVersion.Category).items()} | {
    "重点": ItemVersion.Category.KEY,
    "一般": ItemVersion.Category.GENERAL,
}
_LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")


def validate_item_code(value: str) -> str:
    """事项编码: a canonical public string (SC-DRAW-1), no inner white space, at most 32 characters."""
    code = canonical_text(value if isinstance(value, str) else "", _("事项编码"))
    if len(code) > _CODE_MAX:
        raise ValidationError(
            _("事项编码最多 %(max)s 个字符，实为 %(length)s 个。") % {"max": _CODE_MAX, "length": len(code)},
            code="code_length",
        )
    if any(ch.isspace() for ch in code):
        raise ValidationError(_("事项编码“%(code)s”不能含有空白字符。") % {"code": code}, code="code_space")
    return code


def validate_item_code_unique(code: str, *, exclude_pk: int | None = None) -> str:
    qs = InspectionItem.objects.filter(code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError(_("事项编码“%(code)s”已被其他事项使用。") % {"code": code}, code="code_taken")
    return code


def validate_ratio(value: Any) -> Decimal:
    """默认抽查比例: an exact decimal in [0, 1] with at most six decimals. Accepts a Decimal,
    an int, or a string such as "0.05" or "5%"; a float is refused because it is not exact."""
    if isinstance(value, bool):
        raise ValidationError(_("默认抽查比例“%(value)s”不是有效的数字。") % {"value": value}, code="ratio_invalid")
    if isinstance(value, float):
        raise ValidationError(_("默认抽查比例须以精确小数（如 0.05）给出，不能使用浮点数。"), code="ratio_float")
    if isinstance(value, Decimal):
        ratio = value
    elif isinstance(value, int):
        ratio = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith(("%", "％"))
        try:
            ratio = Decimal(text.rstrip("%％").strip())
        except InvalidOperation as exc:
            raise ValidationError(
                _("默认抽查比例“%(value)s”不是有效的数字。") % {"value": value}, code="ratio_invalid"
            ) from exc
        if percent:
            ratio = ratio / 100
    else:
        raise ValidationError(_("默认抽查比例不能为空。"), code="ratio_required")
    if not ratio.is_finite():
        raise ValidationError(_("默认抽查比例“%(value)s”不是有效的数字。") % {"value": value}, code="ratio_invalid")
    if ratio < 0 or ratio > 1:
        raise ValidationError(
            _("默认抽查比例应在 0 到 1 之间（如 0.05 表示 5%%），实为 %(value)s。") % {"value": value},
            code="ratio_range",
        )
    exponent = ratio.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATIO_MAX_DECIMALS:
        raise ValidationError(
            _("默认抽查比例最多保留 %(decimals)s 位小数，“%(value)s”超出。")
            % {"decimals": RATIO_MAX_DECIMALS, "value": value},
            code="ratio_precision",
        )
    return ratio.quantize(Decimal(1).scaleb(-RATIO_MAX_DECIMALS))


def validate_methods(values: Iterable[str] | str | None) -> list[str]:
    """检查方式: a non-empty subset of the Method choices, by value, Chinese label (imports
    write labels) or the label in the language of the page. Returned in the order of the
    choices, without repeats."""
    if isinstance(values, str):
        values = [v for v in _LIST_SEPARATORS.split(values) if v.strip()]
    chosen: set[str] = set()
    for raw in values or []:
        text = str(raw).strip()
        value = text if text in ItemVersion.Method.values else _METHOD_BY_LABEL.get(text)
        if value is None:
            value = {str(label): code for code, label in ItemVersion.Method.choices}.get(text)
        if value is None:
            options = pgettext("list separator", "、").join(str(label) for label in ItemVersion.Method.labels)
            raise ValidationError(
                _("检查方式“%(value)s”无效，可选：%(options)s。") % {"value": text, "options": options},
                code="method_invalid",
            )
        chosen.add(value)
    if not chosen:
        raise ValidationError(_("请至少选择一种检查方式。"), code="methods_required")
    return [value for value in ItemVersion.Method.values if value in chosen]


def validate_category(value: str) -> str:
    """事项类别: 重点/一般, by value or Chinese label."""
    text = (value or "").strip()
    if text in ItemVersion.Category.values:
        return text
    if text in _CATEGORY_BY_LABEL:
        return _CATEGORY_BY_LABEL[text]
    shown = {str(label): code for code, label in ItemVersion.Category.choices}
    if text in shown:
        return shown[text]
    options = pgettext("list separator", "、").join(str(label) for label in ItemVersion.Category.labels)
    raise ValidationError(
        _("事项类别“%(value)s”无效，可选：%(options)s。") % {"value": text, "options": options}, code="category_invalid"
    )


def validate_required_text(value: str | None, label: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("%(label)s不能为空。") % {"label": label}, code="required")
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("%(label)s最多 %(max)s 个字符，实为 %(length)s 个。")
            % {"label": label, "max": max_length, "length": len(text)},
            code="max_length",
        )
    return text


def validate_sub_items(values: Iterable[str] | str | None) -> list[str]:
    """检查子项: a list of short texts; a string is split into lines. Blank lines are dropped,
    repeats refused."""
    if isinstance(values, str):
        values = values.splitlines()
    items: list[str] = []
    for position, raw in enumerate(values or [], start=1):
        if not isinstance(raw, str):
            raise ValidationError(
                _("检查子项第 %(position)s 项应为文字。") % {"position": position}, code="sub_item_type"
            )
        text = raw.strip()
        if not text:
            continue
        if len(text) > _SUB_ITEM_MAX:
            raise ValidationError(
                _("检查子项“%(text)s…”最多 %(max)s 个字符。") % {"text": text[:20], "max": _SUB_ITEM_MAX},
                code="sub_item_length",
            )
        if text in items:
            raise ValidationError(_("检查子项“%(text)s”重复。") % {"text": text}, code="sub_item_repeat")
        items.append(text)
    return items


def validate_times_per_year(value: Any) -> int:
    try:
        times = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("默认抽查频次“%(value)s”应为整数。") % {"value": value}, code="times_invalid") from exc
    if isinstance(value, float) or times < 1 or times > 365:
        raise ValidationError(
            _("默认抽查频次应为 1 到 365 之间的整数（次/年），实为 %(value)s。") % {"value": value}, code="times_range"
        )
    return times


def validate_checklist(questions: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """检查表: each question needs its text (检查内容); the basis (检查依据) is optional. Returns
    ``[{"text": …, "basis": …}, …]`` in order; errors name the question's number."""
    clean: list[dict[str, str]] = []
    errors: list[ValidationError] = []
    for number, question in enumerate(questions or [], start=1):
        text = str(question.get("text") or "").strip()
        basis = str(question.get("basis") or "").strip()
        if not text:
            errors.append(
                ValidationError(
                    _("检查表第 %(number)s 条：检查内容不能为空。") % {"number": number}, code="question_empty"
                )
            )
            continue
        if len(text) > _QUESTION_MAX:
            errors.append(
                ValidationError(
                    _("检查表第 %(number)s 条：检查内容最多 %(max)s 个字符。")
                    % {"number": number, "max": _QUESTION_MAX},
                    code="question_long",
                )
            )
            continue
        if len(basis) > _BASIS_MAX:
            errors.append(
                ValidationError(
                    _("检查表第 %(number)s 条：检查依据最多 %(max)s 个字符。") % {"number": number, "max": _BASIS_MAX},
                    code="basis_long",
                )
            )
            continue
        clean.append({"text": text, "basis": basis})
    if errors:
        raise ValidationError(errors)
    return clean
