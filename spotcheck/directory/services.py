"""Every change to the directory of inspection objects goes through these functions.

Each one checks the actor's scope, validates, saves and writes the audit entry in one
transaction. ``validate_object_fields`` is the actor-free part, so an import can check a row
with exactly the rules a form or the API uses before anything is written.

Who may write an object: its owner department and its supervising departments (their
department admins), and the coordinator and system admin everywhere. A user who cannot read
the object gets a 404, one who can read but not write it a 403.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import require_staff
from spotcheck.audit.services import audit_record, diff, snapshot
from spotcheck.core.choices import source_labels
from spotcheck.core.codes import next_number
from spotcheck.core.reasons import clean_reason
from spotcheck.directory.access import require_object_read, require_object_write
from spotcheck.directory.models import (
    Industry,
    InspectionObject,
    LevelChange,
    LicenceKind,
    ObjectLicence,
    Penalty,
    Tag,
)
from spotcheck.directory.validators import canonical_text, normalize_uscc

Kind = InspectionObject.Kind

# The letter that starts the platform-assigned code of each kind without a USCC; the county's
# GB/T 2260 code and a six-digit number follow: P320481-000123.
PUBLIC_CODE_LETTERS: dict[str, str] = {Kind.PRODUCT: "P", Kind.PROJECT: "J", Kind.BEHAVIOUR: "B"}

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
LEVEL_FIELDS = (LevelChange.Field.RISK.value, LevelChange.Field.CREDIT.value)
# What the audit trail keeps of an object (timestamps move on every save and say nothing).
AUDITED_FIELDS = frozenset(
    f.name for f in InspectionObject._meta.get_fields() if f.concrete and f.name not in {"created_at", "updated_at"}
)

_TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√"}
_FALSE_WORDS = {"0", "false", "no", "n", "否", "无", ""}


def _label(field: str) -> str:
    return str(InspectionObject._meta.get_field(field).verbose_name)


def _today() -> dt.date:
    return timezone.localdate()


# --- plain validation (no actor) -------------------------------------------------------------


class _FieldError(Exception):
    def __init__(self, message: str | list[str]):
        self.messages = message if isinstance(message, list) else [message]


def _clean_text(value: Any, field: str, *, required: bool = False) -> str:
    label = _label(field)
    text = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise _FieldError(_("%(label)s含有控制字符。") % {"label": label})
    if required and not text:
        raise _FieldError(_("请填写%(label)s。") % {"label": label})
    max_length = InspectionObject._meta.get_field(field).max_length
    if max_length and len(text) > max_length:
        raise _FieldError(
            _("%(label)s不能超过 %(max)s 个字符（现为 %(length)s 个）。")
            % {"label": label, "max": max_length, "length": len(text)}
        )
    return text


def _clean_choice(value: Any, field: str, choices: type[models.TextChoices], default: str) -> str:
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
    raise _FieldError(
        _("%(label)s“%(value)s”不是有效选项，可选：%(options)s。")
        % {"label": _label(field), "value": text, "options": options}
    )


def _clean_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise _FieldError(_("%(label)s“%(value)s”应为“是”或“否”。") % {"label": _label(field), "value": value})


def _clean_date(value: Any, label: str, *, allow_future: bool = False) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise _FieldError(_("%(label)s应为日期，不含时间。") % {"label": label})
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _FieldError(
                _("%(label)s“%(value)s”不是有效日期，应为 YYYY-MM-DD。") % {"label": label, "value": value}
            ) from None
    if not allow_future and day > _today():
        raise _FieldError(_("%(label)s不能晚于今天。") % {"label": label})
    return day


def _clean_year(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    label = _label(field)
    try:
        year = int(str(value).strip())
    except ValueError:
        raise _FieldError(_("%(label)s“%(value)s”应为四位年份。") % {"label": label, "value": value}) from None
    if not 1979 <= year <= _today().year:
        raise _FieldError(
            _("%(label)s“%(value)s”超出有效范围（1979—%(last)s）。")
            % {"label": label, "value": year, "last": _today().year}
        )
    return year


def _resolve(model: type[models.Model], value: Any, label: str) -> Any:
    """A model instance as is, anything else as the row's code (never as a primary key: an
    industry code read as the number 52 must not find the row whose id is 52)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    found = model._default_manager.filter(code=str(value).strip()).first()
    if found is None:
        raise _FieldError(_("%(label)s“%(value)s”不存在。") % {"label": label, "value": value})
    return found


def _clean_region(value: Any) -> Region:
    label = _label("region")
    region = _resolve(Region, value, label)
    if region is None:
        raise _FieldError(_("请填写%(label)s。") % {"label": label})
    if not region.is_active:
        raise _FieldError(_("%(label)s“%(value)s”已撤销。") % {"label": label, "value": region.name})
    if region.level not in {Region.Level.COUNTY, Region.Level.TOWN}:
        raise _FieldError(
            _("%(label)s应为县（市、区）或乡镇（街道），“%(value)s”不是。") % {"label": label, "value": region.name}
        )
    return region


def _clean_department(value: Any, label: str, *, required: bool) -> Department | None:
    department = _resolve(Department, value, label)
    if department is None:
        if required:
            raise _FieldError(_("请填写%(label)s。") % {"label": label})
        return None
    if not department.is_active:
        raise _FieldError(_("%(label)s“%(value)s”已停用。") % {"label": label, "value": department.short_name})
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
            tag = _resolve(Tag, item, _label("tags"))
        except _FieldError as exc:
            problems.extend(exc.messages)
            continue
        if not tag.is_active and tag.pk not in current:
            problems.append(_("%(label)s“%(value)s”已停用。") % {"label": _label("tags"), "value": tag.name})
            continue
        tags.append(tag)
    if problems:
        raise _FieldError(problems)
    return list({t.pk: t for t in tags}.values())


def _clean_departments(value: Any) -> list[Department]:
    departments, problems = [], []
    for item in _as_list(value):
        try:
            departments.append(_clean_department(item, _label("supervising_departments"), required=True))
        except _FieldError as exc:
            problems.extend(exc.messages)
    if problems:
        raise _FieldError(problems)
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
        except _FieldError as exc:
            errors[field] = exc.messages

    run("kind", lambda v: _clean_choice(v, "kind", Kind, Kind.ENTERPRISE))
    run("name", lambda v: _clean_text(v, "name", required=True))
    run("legal_representative", lambda v: _clean_text(v, "legal_representative"))
    run("address", lambda v: _clean_text(v, "address"))
    run("region", _clean_region)
    run("industry", lambda v: _resolve(Industry, v, _label("industry")))
    run("status", lambda v: _clean_choice(v, "status", InspectionObject.Status, InspectionObject.Status.ACTIVE))
    run("established_on", lambda v: _clean_date(v, _label("established_on")))
    run(
        "risk_level",
        lambda v: _clean_choice(v, "risk_level", InspectionObject.RiskLevel, InspectionObject.RiskLevel.GENERAL),
    )
    run(
        "credit_level",
        lambda v: _clean_choice(v, "credit_level", InspectionObject.CreditLevel, InspectionObject.CreditLevel.B),
    )
    run("in_abnormal_list", lambda v: _clean_bool(v, "in_abnormal_list"))
    run("in_serious_violation_list", lambda v: _clean_bool(v, "in_serious_violation_list"))
    run(
        "annual_report_status",
        lambda v: _clean_choice(
            v, "annual_report_status", InspectionObject.AnnualReport, InspectionObject.AnnualReport.REPORTED
        ),
    )
    run("annual_report_year", lambda v: _clean_year(v, "annual_report_year"))
    run("owner_department", lambda v: _clean_department(v, _label("owner_department"), required=True))
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


def _locked(obj: InspectionObject) -> InspectionObject:
    """A fresh copy of the row, locked until the transaction ends (forms mutate the
    caller's instance, so the "before" of the audit entry must come from the database)."""
    return InspectionObject.objects.select_for_update().get(pk=obj.pk)


def _audit_object(actor: Any, action: str, obj: InspectionObject, before: dict | None, after: dict | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        before=before,
        after=after,
        # The owner department, so a department's trail shows every change to its objects.
        department_id=obj.owner_department_id,
    )


def _snapshot(obj: InspectionObject) -> dict[str, Any]:
    return snapshot(obj, fields=AUDITED_FIELDS)


# --- public codes -----------------------------------------------------------------------------


def next_public_code(*, kind: str, region: Region) -> str:
    """Hand out the next code for an object without a USCC: letter + county code + number.

    The counter row is bumped with an UPDATE, which holds its row lock until the transaction
    ends, so two concurrent creators never get the same number; codes already taken (say by a
    restored backup) are skipped.
    """
    letter = PUBLIC_CODE_LETTERS.get(kind)
    if letter is None:
        raise ValueError(f"objects of kind {kind!r} use their USCC as public code")
    prefix = f"{letter}{region.code[:6]}"
    number = next_number(
        public_code_series(prefix),
        taken=lambda n: InspectionObject.objects.filter(public_code=f"{prefix}-{n:06d}").exists(),
    )
    return f"{prefix}-{number:06d}"


def public_code_series(prefix: str) -> str:
    """The code counter's series of the platform codes with this prefix (kind letter + county)."""
    return f"object:{prefix}"


# --- level changes ----------------------------------------------------------------------------


def _level_choices(field: str) -> type[models.TextChoices]:
    return InspectionObject.RiskLevel if field == LevelChange.Field.RISK else InspectionObject.CreditLevel


def _record_level_change(
    *,
    actor: Any,
    obj: InspectionObject,
    field: str,
    old_value: str,
    new_value: str,
    effective_on: dt.date,
    reason: str,
    source: str,
) -> LevelChange:
    change = LevelChange(
        inspection_object=obj,
        field=field,
        old_value=old_value,
        new_value=new_value,
        effective_on=effective_on,
        reason=reason,
        source=source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    change.full_clean()
    change.save()
    return change


def _clean_level_note(
    *, effective_on: Any, reason: str, source: str, errors: dict[str, list[str]]
) -> tuple[dt.date | None, str, str]:
    try:
        day = _clean_date(effective_on, _("生效日期"))
    except _FieldError as exc:
        errors["effective_on"] = exc.messages
        day = None
    reason = (reason or "").strip()
    source = (source or "").strip()
    if not reason:
        errors["reason"] = [_("请填写等级变更原因。")]
    elif len(reason) > 255:
        errors["reason"] = [_("等级变更原因不能超过 255 个字符。")]
    if not source:
        errors["source"] = [_("请填写等级变更的依据来源（如：信用风险分类结果、部门评定）。")]
    elif len(source) > 100:
        errors["source"] = [_("依据来源不能超过 100 个字符。")]
    return day, reason, source


@transaction.atomic
def object_change_level(
    *,
    actor: Any,
    obj: InspectionObject,
    field: str,
    new_value: str,
    effective_on: dt.date | str,
    reason: str,
    source: str,
) -> LevelChange:
    """Change the risk or credit level, keeping when it takes effect, why and on whose word."""
    obj = _locked(obj)
    require_object_write(actor, obj)
    if obj.is_retired:
        raise ValidationError(_("该检查对象已停用，请先恢复再修改等级。"))
    errors: dict[str, list[str]] = {}
    if field not in LEVEL_FIELDS:
        raise ValidationError({"field": [_("请选择要变更的等级类别（风险等级或信用等级）。")]})
    try:
        value = _clean_choice(new_value, field, _level_choices(field), "")
    except _FieldError as exc:
        errors["new_value"] = exc.messages
        value = ""
    if not value and "new_value" not in errors:
        errors["new_value"] = [_("请选择新的%(label)s。") % {"label": _label(field)}]
    elif value and value == getattr(obj, field):
        errors["new_value"] = [_("新的%(label)s与当前等级相同。") % {"label": _label(field)}]
    day, reason, source = _clean_level_note(effective_on=effective_on, reason=reason, source=source, errors=errors)
    if day is None and "effective_on" not in errors:
        errors["effective_on"] = [_("请填写生效日期。")]
    if errors:
        raise ValidationError(errors)
    before = _snapshot(obj)
    old_value = getattr(obj, field)
    setattr(obj, field, value)
    obj.full_clean()
    obj.save(update_fields=[field, "updated_at"])
    change = _record_level_change(
        actor=actor,
        obj=obj,
        field=field,
        old_value=old_value,
        new_value=value,
        effective_on=day,
        reason=reason,
        source=source,
    )
    b, a = diff(before, _snapshot(obj))
    a.update({"effective_on": day.isoformat(), "reason": reason, "source": source})
    _audit_object(actor, "directory.object.level", obj, b, a)
    return change


# --- create / update / retire / restore -------------------------------------------------------


@transaction.atomic
def object_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    level_effective_on: dt.date | None = None,
    level_reason: str = "",
    level_source: str = "",
) -> InspectionObject:
    """Enter a new object. The initial risk and credit levels are kept as the first entries
    of the level history (reason and source default to "entered on creation")."""
    cleaned = validate_object_fields(data)
    owner: Department = cleaned["owner_department"]
    scope = require_staff(actor)
    if not scope.can_write_department(owner.pk):
        raise PermissionDenied(_("您的角色不能为“%(department)s”录入检查对象。") % {"department": owner.short_name})
    tags = cleaned.pop("tags")
    supervising = cleaned.pop("supervising_departments")
    obj = InspectionObject(**cleaned)
    if obj.kind in InspectionObject.KINDS_WITH_USCC:
        obj.public_code = obj.uscc
    else:
        obj.public_code = next_public_code(kind=obj.kind, region=obj.region)
    canonical_text(obj.public_code, _label("public_code"))
    obj.full_clean()
    obj.save(force_insert=True)
    obj.tags.set(tags)
    obj.supervising_departments.set(supervising)
    for field in LEVEL_FIELDS:
        # The default reason and source are stored data: Chinese, whatever the page language.
        _record_level_change(
            actor=actor,
            obj=obj,
            field=field,
            old_value="",
            new_value=getattr(obj, field),
            effective_on=level_effective_on or _today(),
            reason=(level_reason or "").strip() or "新建检查对象时登记的初始等级",
            source=(level_source or "").strip() or "录入",
        )
    _audit_object(actor, "directory.object.create", obj, None, _snapshot(obj))
    return obj


@transaction.atomic
def object_update(
    *,
    actor: Any,
    obj: InspectionObject,
    data: Mapping[str, Any],
    level_effective_on: dt.date | None = None,
    level_reason: str = "",
    level_source: str = "",
) -> InspectionObject:
    """Change the given fields. A change of risk or credit level needs ``level_reason`` and
    ``level_source`` and lands in the level history like ``object_change_level``."""
    obj = _locked(obj)
    scope = require_object_write(actor, obj)
    if obj.is_retired:
        raise ValidationError(_("该检查对象已停用，请先恢复再修改。"))
    cleaned = validate_object_fields(data, instance=obj)
    new_owner = cleaned.get("owner_department")
    moved = new_owner is not None and new_owner.pk != obj.owner_department_id
    if moved and not scope.can_write_department(new_owner.pk):
        raise PermissionDenied(
            _("您的角色不能把检查对象移交给“%(department)s”。") % {"department": new_owner.short_name}
        )

    level_moves = [
        (field, getattr(obj, field), cleaned[field])
        for field in LEVEL_FIELDS
        if field in cleaned and cleaned[field] != getattr(obj, field)
    ]
    effective_on = level_effective_on or _today()
    if level_moves:
        errors: dict[str, list[str]] = {}
        effective_on, level_reason, level_source = _clean_level_note(
            effective_on=effective_on, reason=level_reason, source=level_source, errors=errors
        )
        if errors:
            raise ValidationError({f"level_{key}": messages for key, messages in errors.items()})

    before = _snapshot(obj)
    update_fields = []
    for field, value in cleaned.items():
        if field in M2M_FIELDS:
            continue
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            update_fields.append(field)
    if obj.kind in InspectionObject.KINDS_WITH_USCC and obj.public_code != obj.uscc:
        # A corrected USCC is the object's public code.
        obj.public_code = obj.uscc
        update_fields.append("public_code")
    m2m_changes = {
        field: cleaned[field]
        for field in M2M_FIELDS
        if field in cleaned and {x.pk for x in cleaned[field]} != set(getattr(obj, field).values_list("pk", flat=True))
    }
    if not update_fields and not m2m_changes:
        return obj
    if update_fields:
        obj.full_clean()
        obj.save(update_fields=[*update_fields, "updated_at"])
    for field, values in m2m_changes.items():
        getattr(obj, field).set(values)
    for field, old_value, new_value in level_moves:
        _record_level_change(
            actor=actor,
            obj=obj,
            field=field,
            old_value=old_value,
            new_value=new_value,
            effective_on=effective_on,
            reason=level_reason,
            source=level_source,
        )
    b, a = diff(before, _snapshot(obj))
    if level_moves:
        a.update({"level_reason": level_reason, "level_source": level_source})
    _audit_object(actor, "directory.object.update", obj, b, a)
    return obj


@transaction.atomic
def object_retire(*, actor: Any, obj: InspectionObject, reason: str) -> InspectionObject:
    """Take an object out of the directory (and so out of every future draw pool); the row
    stays for the record."""
    obj = _locked(obj)
    require_object_write(actor, obj)
    reason = clean_reason(reason, label=_("停用原因"))
    if obj.is_retired:
        raise ValidationError(_("该检查对象已经停用。"))
    before = _snapshot(obj)
    obj.retired_at = timezone.now()
    obj.retired_reason = reason
    obj.full_clean()
    obj.save(update_fields=["retired_at", "retired_reason", "updated_at"])
    b, a = diff(before, _snapshot(obj))
    _audit_object(actor, "directory.object.retire", obj, b, a)
    return obj


@transaction.atomic
def object_restore(*, actor: Any, obj: InspectionObject, reason: str) -> InspectionObject:
    obj = _locked(obj)
    require_object_write(actor, obj)
    reason = clean_reason(reason, label=_("恢复原因"))
    if not obj.is_retired:
        raise ValidationError(_("该检查对象没有停用。"))
    before = _snapshot(obj)
    obj.retired_at = None
    obj.retired_reason = ""
    obj.full_clean()
    obj.save(update_fields=["retired_at", "retired_reason", "updated_at"])
    b, a = diff(before, _snapshot(obj))
    a["reason"] = reason
    _audit_object(actor, "directory.object.restore", obj, b, a)
    return obj


# --- licences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceInput:
    kind: LicenceKind | str
    number: str
    valid_until: dt.date | str | None = None


def _licence_text(licence: ObjectLicence) -> str:
    # Kept in the audit trail: data in Chinese, not translated.
    until = licence.valid_until.isoformat() if licence.valid_until else "长期"
    return f"{licence.kind.name} {licence.number}（有效期至 {until}）"


def _clean_licence(item: LicenceInput, errors: list[str]) -> tuple[LicenceKind, str, dt.date | None] | None:
    try:
        kind = _resolve(LicenceKind, item.kind, _("许可类别"))
    except _FieldError as exc:
        errors.extend(exc.messages)
        return None
    if kind is None:
        errors.append(_("请选择许可类别。"))
        return None
    number = unicodedata.normalize("NFC", str(item.number or "")).strip()
    if not number:
        errors.append(_("请填写%(kind)s的许可证号。") % {"kind": kind.name})
        return None
    if len(number) > 64 or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in number):
        errors.append(_("许可证号“%(number)s”过长或含有控制字符。") % {"number": number})
        return None
    try:
        valid_until = _clean_date(item.valid_until, _("有效期至"), allow_future=True)
    except _FieldError as exc:
        errors.extend(exc.messages)
        return None
    return kind, number, valid_until


def _write_licence(
    obj: InspectionObject, kind: LicenceKind, number: str, valid_until: dt.date | None
) -> tuple[ObjectLicence, bool]:
    """Add or reactivate (a licence number is never entered twice); returns (licence, changed)."""
    licence = ObjectLicence.objects.filter(inspection_object=obj, kind=kind, number=number).first()
    if licence is None:
        licence = ObjectLicence(inspection_object=obj, kind=kind, number=number, valid_until=valid_until)
        licence.full_clean()
        licence.save()
        return licence, True
    if licence.retired_at is None and licence.valid_until == valid_until:
        return licence, False
    licence.retired_at = None
    licence.retired_reason = ""
    licence.valid_until = valid_until
    licence.full_clean()
    licence.save(update_fields=["retired_at", "retired_reason", "valid_until"])
    return licence, True


@transaction.atomic
def licence_add(
    *,
    actor: Any,
    obj: InspectionObject,
    kind: LicenceKind | str,
    number: str,
    valid_until: dt.date | str | None = None,
) -> ObjectLicence:
    obj = _locked(obj)
    require_object_write(actor, obj)
    errors: list[str] = []
    clean = _clean_licence(LicenceInput(kind, number, valid_until), errors)
    if clean is None:
        raise ValidationError(errors)
    kind_row, number_text, until = clean
    existing = ObjectLicence.objects.filter(
        inspection_object=obj, kind=kind_row, number=number_text, retired_at__isnull=True
    ).exists()
    if existing:
        raise ValidationError(
            {"number": [_("%(kind)s“%(number)s”已经登记。") % {"kind": kind_row.name, "number": number_text}]}
        )
    licence, _changed = _write_licence(obj, kind_row, number_text, until)
    audit_record(
        actor=actor,
        action="directory.licence.add",
        target=obj,
        after={"licence": _licence_text(licence), "licence_id": licence.pk},
        department_id=obj.owner_department_id,
    )
    return licence


@transaction.atomic
def licence_retire(*, actor: Any, licence: ObjectLicence, reason: str) -> ObjectLicence:
    """A licence that lapsed, was cancelled or entered by mistake: marked, never deleted."""
    licence = ObjectLicence.objects.select_for_update().select_related("kind").get(pk=licence.pk)
    obj = licence.inspection_object
    require_object_write(actor, obj)
    reason = clean_reason(reason, label=_("注销原因"))
    if licence.is_retired:
        raise ValidationError(_("该许可证已经注销。"))
    licence.retired_at = timezone.now()
    licence.retired_reason = reason
    licence.full_clean()
    licence.save(update_fields=["retired_at", "retired_reason"])
    audit_record(
        actor=actor,
        action="directory.licence.retire",
        target=obj,
        before={"licence": _licence_text(licence), "licence_id": licence.pk},
        after={"reason": reason},
        department_id=obj.owner_department_id,
    )
    return licence


@transaction.atomic
def object_set_licences(
    *, actor: Any, obj: InspectionObject, licences: Iterable[LicenceInput], reason: str = "许可证清单更新"
) -> list[ObjectLicence]:
    """Make the object's valid licences exactly ``licences`` (imports send the full list):
    new ones are added, changed expiry dates updated, missing ones marked retired."""
    obj = _locked(obj)
    require_object_write(actor, obj)
    errors: list[str] = []
    wanted: dict[tuple[int, str], tuple[LicenceKind, str, dt.date | None]] = {}
    for item in licences:
        clean = _clean_licence(item, errors)
        if clean is not None:
            wanted[(clean[0].pk, clean[1])] = clean
    if errors:
        raise ValidationError({"licences": errors})
    current = list(obj.licences.filter(retired_at__isnull=True).select_related("kind"))
    before = sorted(_licence_text(lic) for lic in current)
    now = timezone.now()
    for licence in current:
        if (licence.kind_id, licence.number) not in wanted:
            licence.retired_at = now
            licence.retired_reason = reason
            licence.save(update_fields=["retired_at", "retired_reason"])
    result = []
    for kind, number, valid_until in wanted.values():
        licence, _changed = _write_licence(obj, kind, number, valid_until)
        result.append(licence)
    after = sorted(_licence_text(lic) for lic in result)
    if before != after:
        audit_record(
            actor=actor,
            action="directory.object.licences",
            target=obj,
            before={"licences": before},
            after={"licences": after, "reason": reason},
            department_id=obj.owner_department_id,
        )
    return result


# --- penalties --------------------------------------------------------------------------------


@transaction.atomic
def penalty_record(
    *,
    actor: Any,
    obj: InspectionObject,
    department: Department,
    decision_number: str,
    decided_on: dt.date | str,
    summary: str,
) -> Penalty:
    """Record a 行政处罚 decided by ``department`` (which the actor must be able to write)."""
    obj = InspectionObject.objects.get(pk=obj.pk)
    scope = require_object_read(actor, obj)
    if not scope.can_write_department(department.pk):
        raise PermissionDenied(
            _("您的角色不能登记“%(department)s”的行政处罚。") % {"department": department.short_name}
        )
    errors: dict[str, list[str]] = {}
    number = unicodedata.normalize("NFC", str(decision_number or "")).strip()
    if not number:
        errors["decision_number"] = [_("请填写处罚决定书文号。")]
    elif Penalty.objects.filter(department=department, decision_number=number).exists():
        errors["decision_number"] = [_("处罚决定书文号“%(number)s”已经登记。") % {"number": number}]
    try:
        day = _clean_date(decided_on, _("处罚日期"))
        if day is None:
            errors["decided_on"] = [_("请填写处罚日期。")]
    except _FieldError as exc:
        errors["decided_on"] = exc.messages
        day = None
    text = (summary or "").strip()
    if not text:
        errors["summary"] = [_("请填写违法事实与处罚内容。")]
    if errors:
        raise ValidationError(errors)
    penalty = Penalty(
        inspection_object=obj, department=department, decision_number=number, decided_on=day, summary=text
    )
    penalty.full_clean()
    penalty.save()
    audit_record(
        actor=actor,
        action="directory.penalty.record",
        target=obj,
        after=snapshot(penalty),
        department_id=department.pk,
    )
    return penalty
