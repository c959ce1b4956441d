"""The directory's rules for a field's value, without an actor: the forms, the services, the
API and the imports check an object's fields with exactly these (``validate_object_fields``),
so an import can check a row before anything is written. ``FieldError`` carries the messages
of one field; ``validate_object_fields`` gathers them into one ValidationError per row."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
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

from spotcheck.accounts.models import Department, Region
from spotcheck.core.choices import source_labels
from spotcheck.directory.models import Industry, InspectionObject, Tag

Kind = InspectionObject.Kind

# The fields a caller may set through object_create / object_update / validate_object_fields.
OBJECT_FIELDS: tuple[str, ...] = (
    "kind",
    "uscc",
    "name",
    "legal_representative",
    "address",
    "region",
    "industry",
    "status",
    "established_on",
    "risk_level",
    "credit_level",
    "in_abnormal_list",
    "in_serious_violation_list",
    "annual_report_status",
    "annual_report_year",
    "owner_department",
    "tags",
    "supervising_departments",
)
M2M_FIELDS = ("tags", "supervising_departments")

_TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√"}
_FALSE_WORDS = {"0", "false", "no", "n", "否", "无", ""}


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


def field_label(field: str) -> str:
    return str(InspectionObject._meta.get_field(field).verbose_name)


def today() -> dt.date:
    return timezone.localdate()


# --- plain validation (no actor) -------------------------------------------------------------


class FieldError(Exception):
    def __init__(self, message: str | list[str]):
        self.messages = message if isinstance(message, list) else [message]


def _clean_text(value: Any, field: str, *, required: bool = False) -> str:
    label = field_label(field)
    text = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise FieldError(_("%(label)s含有控制字符。") % {"label": label})
    if required and not text:
        raise FieldError(_("请填写%(label)s。") % {"label": label})
    max_length = InspectionObject._meta.get_field(field).max_length
    if max_length and len(text) > max_length:
        raise FieldError(
            _("%(label)s不能超过 %(max)s 个字符（现为 %(length)s 个）。")
            % {"label": label, "max": max_length, "length": len(text)}
        )
    return text


def clean_choice(value: Any, field: str, choices: type[models.TextChoices], default: str) -> str:
    """Accepts the stored value, the Chinese label (imports carry labels) or the label in the
    language of the page."""
    if value is None or str(value).strip() == "":
        return default
    text = str(value).strip()
    for choice in choices:
        if text in (choice.value, str(choice.label)):
            return choice.value
    for code, source_label in source_labels(choices).items():
        if text == source_label:
            return code
    options = pgettext("list separator", "、").join(str(c.label) for c in choices)
    raise FieldError(
        _("%(label)s“%(value)s”不是有效选项，可选：%(options)s。")
        % {"label": field_label(field), "value": text, "options": options}
    )


def _clean_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise FieldError(_("%(label)s“%(value)s”应为“是”或“否”。") % {"label": field_label(field), "value": value})


def clean_date(value: Any, label: str, *, allow_future: bool = False) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise FieldError(_("%(label)s应为日期，不含时间。") % {"label": label})
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise FieldError(
                _("%(label)s“%(value)s”不是有效日期，应为 YYYY-MM-DD。") % {"label": label, "value": value}
            ) from None
    if not allow_future and day > today():
        raise FieldError(_("%(label)s不能晚于今天。") % {"label": label})
    return day


def _clean_year(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    label = field_label(field)
    try:
        year = int(str(value).strip())
    except ValueError:
        raise FieldError(_("%(label)s“%(value)s”应为四位年份。") % {"label": label, "value": value}) from None
    if not 1979 <= year <= today().year:
        raise FieldError(
            _("%(label)s“%(value)s”超出有效范围（1979—%(last)s）。")
            % {"label": label, "value": year, "last": today().year}
        )
    return year


def resolve_reference(model: type[models.Model], value: Any, label: str) -> Any:
    """A model instance as is, anything else as the row's code (never as a primary key: an
    industry code read as the number 52 must not find the row whose id is 52)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    found = model._default_manager.filter(code=str(value).strip()).first()
    if found is None:
        raise FieldError(_("%(label)s“%(value)s”不存在。") % {"label": label, "value": value})
    return found


def _clean_region(value: Any) -> Region:
    label = field_label("region")
    region = resolve_reference(Region, value, label)
    if region is None:
        raise FieldError(_("请填写%(label)s。") % {"label": label})
    if not region.is_active:
        raise FieldError(_("%(label)s“%(value)s”已撤销。") % {"label": label, "value": region.name})
    if region.level not in {Region.Level.COUNTY, Region.Level.TOWN}:
        raise FieldError(
            _("%(label)s应为县（市、区）或乡镇（街道），“%(value)s”不是。") % {"label": label, "value": region.name}
        )
    return region


def _clean_department(value: Any, label: str, *, required: bool) -> Department | None:
    department = resolve_reference(Department, value, label)
    if department is None:
        if required:
            raise FieldError(_("请填写%(label)s。") % {"label": label})
        return None
    if not department.is_active:
        raise FieldError(_("%(label)s“%(value)s”已停用。") % {"label": label, "value": department.short_name})
    return department


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        # Imports write several codes in one cell: 'a;b' or 'a、b' or 'a,b'.
        for sep in ("；", ";", "、", "，", ","):
            value = value.replace(sep, " ")
        return value.split()
    return list(value)


def _clean_tags(value: Any, instance: InspectionObject | None) -> list[Tag]:
    current = set(instance.tags.values_list("pk", flat=True)) if instance is not None and instance.pk else set()
    tags, problems = [], []
    for item in _as_list(value):
        try:
            tag = resolve_reference(Tag, item, field_label("tags"))
        except FieldError as exc:
            problems.extend(exc.messages)
            continue
        if not tag.is_active and tag.pk not in current:
            problems.append(_("%(label)s“%(value)s”已停用。") % {"label": field_label("tags"), "value": tag.name})
            continue
        tags.append(tag)
    if problems:
        raise FieldError(problems)
    return list({t.pk: t for t in tags}.values())


def _clean_departments(value: Any) -> list[Department]:
    departments, problems = [], []
    for item in _as_list(value):
        try:
            departments.append(_clean_department(item, field_label("supervising_departments"), required=True))
        except FieldError as exc:
            problems.extend(exc.messages)
    if problems:
        raise FieldError(problems)
    return list({d.pk: d for d in departments}.values())


def _clean_uscc_for_kind(
    kind: str, raw: Any, *, given: bool, instance: InspectionObject | None, errors: dict[str, list[str]]
) -> str | None:
    kind_label = str(Kind(kind).label)
    raw_text = "" if raw is None else str(raw).strip()
    if kind not in InspectionObject.KINDS_WITH_USCC:
        if raw_text and given:
            errors["uscc"] = [_("%(kind)s类对象不填写统一社会信用代码，平台会分配公开编码。") % {"kind": kind_label}]
        return None
    if not raw_text:
        errors["uscc"] = [_("%(kind)s须填写统一社会信用代码。") % {"kind": kind_label}]
        return None
    try:
        code = normalize_uscc(raw_text)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
        return None
    clash = InspectionObject.objects.filter(Q(uscc=code) | Q(public_code=code))
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    other = clash.only("name", "public_code").first()
    if other is not None:
        errors["uscc"] = [
            _("统一社会信用代码“%(code)s”已被检查对象“%(name)s”使用。") % {"code": code, "name": other.name}
        ]
        return None
    return code


def validate_object_fields(data: Mapping[str, Any], *, instance: InspectionObject | None = None) -> dict[str, Any]:
    """Check and normalise the fields of a new object (``instance`` None) or of a change.

    Values may be model instances or codes (region, industry, department and tag codes;
    choices by value or Chinese label), so an import row can be
    passed as read. Returns the cleaned values of the keys given (for a new object: every
    field, defaults filled in) or raises ``ValidationError`` with a dict of Chinese messages
    keyed by field name; every problem is reported, not only the first.
    """
    unknown = set(data) - set(OBJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown inspection object fields: {sorted(unknown)}")
    creating = instance is None
    given = dict(data) if not creating else {field: data.get(field) for field in OBJECT_FIELDS}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def run(field: str, cleaner) -> None:
        if field not in given:
            return
        try:
            cleaned[field] = cleaner(given[field])
        except FieldError as exc:
            errors[field] = exc.messages

    run("kind", lambda v: clean_choice(v, "kind", Kind, Kind.ENTERPRISE))
    run("name", lambda v: _clean_text(v, "name", required=True))
    run("legal_representative", lambda v: _clean_text(v, "legal_representative"))
    run("address", lambda v: _clean_text(v, "address"))
    run("region", _clean_region)
    run("industry", lambda v: resolve_reference(Industry, v, field_label("industry")))
    run("status", lambda v: clean_choice(v, "status", InspectionObject.Status, InspectionObject.Status.ACTIVE))
    run("established_on", lambda v: clean_date(v, field_label("established_on")))
    run(
        "risk_level",
        lambda v: clean_choice(v, "risk_level", InspectionObject.RiskLevel, InspectionObject.RiskLevel.GENERAL),
    )
    run(
        "credit_level",
        lambda v: clean_choice(v, "credit_level", InspectionObject.CreditLevel, InspectionObject.CreditLevel.B),
    )
    run("in_abnormal_list", lambda v: _clean_bool(v, "in_abnormal_list"))
    run("in_serious_violation_list", lambda v: _clean_bool(v, "in_serious_violation_list"))
    run(
        "annual_report_status",
        lambda v: clean_choice(
            v, "annual_report_status", InspectionObject.AnnualReport, InspectionObject.AnnualReport.REPORTED
        ),
    )
    run("annual_report_year", lambda v: _clean_year(v, "annual_report_year"))
    run("owner_department", lambda v: _clean_department(v, field_label("owner_department"), required=True))
    run("tags", lambda v: _clean_tags(v, instance))
    run("supervising_departments", _clean_departments)

    if "kind" in errors:
        raise ValidationError(errors)
    kind = cleaned.get("kind", instance.kind if instance is not None else Kind.ENTERPRISE)
    if instance is not None and kind != instance.kind:
        with_uscc = InspectionObject.KINDS_WITH_USCC
        if not (kind in with_uscc and instance.kind in with_uscc):
            errors["kind"] = [
                _(
                    "对象类型只能在企业、个体工商户、农民专业合作社之间变更；"
                    "产品、工程项目、行为的公开编码不能改变，请停用后重新录入。"
                )
            ]
    if creating or "uscc" in given or "kind" in given:
        raw = given.get("uscc") if "uscc" in given else (instance.uscc if instance is not None else None)
        uscc = _clean_uscc_for_kind(kind, raw, given="uscc" in given, instance=instance, errors=errors)
        if "uscc" not in errors:
            cleaned["uscc"] = uscc
    if errors:
        raise ValidationError(errors)
    return cleaned
