"""Validators shared by forms, services and imports of the directory."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)


def normalize_uscc(value: str) -> str:
    """Return the canonical 18-character 统一社会信用代码 or raise a ValidationError in Chinese."""
    raw = (value or "").strip()
    compact = stdnum_uscc.compact(raw)
    try:
        return stdnum_uscc.validate(compact)
    except InvalidLength as exc:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”应为 18 位，实为 %(length)s 位。") % {"code": raw, "length": len(compact)},
            code="uscc_length",
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”校验位不正确。") % {"code": raw}, code="uscc_checksum"
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”含有不允许的字符或代码段。") % {"code": raw}, code="uscc_format"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(_("统一社会信用代码“%(code)s”无效。") % {"code": raw}, code="uscc_invalid") from exc


def canonical_text(value: str, field_label: str) -> str:
    """Public codes follow SC-DRAW-1's canonical strings: NFC, no outer white space, no
    control characters. They are refused, never silently repaired."""
    if value != value.strip():
        raise ValidationError(_("%(label)s首尾不能有空白字符。") % {"label": field_label}, code="outer_space")
    if not value:
        raise ValidationError(_("%(label)s不能为空。") % {"label": field_label}, code="empty")
    if unicodedata.normalize("NFC", value) != value:
        raise ValidationError(_("%(label)s不是 NFC 规范形式。") % {"label": field_label}, code="not_nfc")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValidationError(_("%(label)s含有控制字符。") % {"label": field_label}, code="control_char")
    return value
