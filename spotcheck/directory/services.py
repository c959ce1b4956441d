"""Every change to the directory of inspection objects goes through these functions.

Each one checks the actor's scope, validates, saves and writes the audit entry in one
transaction. The actor-free rules of each field are in ``validators`` (``validate_object_fields``),
an object's licences in ``licences``, its penalties in ``penalties``.

Who may write an object: its owner department and its supervising departments (their
department admins), and the coordinator and system admin everywhere. A user who cannot read
the object gets a 404, one who can read but not write it a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import require_staff
from spotcheck.audit.services import audit_record, diff, snapshot
from spotcheck.core.codes import next_number
from spotcheck.core.reasons import clean_reason
from spotcheck.directory.access import require_object_write
from spotcheck.directory.models import (
    InspectionObject,
    LevelChange,
)
from spotcheck.directory.validators import (
    M2M_FIELDS,
    FieldError,
    canonical_text,
    clean_choice,
    clean_date,
    field_label,
    today,
    validate_object_fields,
)

Kind = InspectionObject.Kind

# The letter that starts the platform-assigned code of each kind without a USCC; the county's
# GB/T 2260 code and a six-digit number follow: P320481-000123.
PUBLIC_CODE_LETTERS: dict[str, str] = {Kind.PRODUCT: "P", Kind.PROJECT: "J", Kind.BEHAVIOUR: "B"}

LEVEL_FIELDS = (LevelChange.Field.RISK.value, LevelChange.Field.CREDIT.value)
# What the audit trail keeps of an object (timestamps move on every save and say nothing).
AUDITED_FIELDS = frozenset(
    f.name for f in InspectionObject._meta.get_fields() if f.concrete and f.name not in {"created_at", "updated_at"}
)


def locked_object(obj: InspectionObject) -> InspectionObject:
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
        day = clean_date(effective_on, _("生效日期"))
    except FieldError as exc:
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
    obj = locked_object(obj)
    require_object_write(actor, obj)
    if obj.is_retired:
        raise ValidationError(_("该检查对象已停用，请先恢复再修改等级。"))
    errors: dict[str, list[str]] = {}
    if field not in LEVEL_FIELDS:
        raise ValidationError({"field": [_("请选择要变更的等级类别（风险等级或信用等级）。")]})
    try:
        value = clean_choice(new_value, field, _level_choices(field), "")
    except FieldError as exc:
        errors["new_value"] = exc.messages
        value = ""
    if not value and "new_value" not in errors:
        errors["new_value"] = [_("请选择新的%(label)s。") % {"label": field_label(field)}]
    elif value and value == getattr(obj, field):
        errors["new_value"] = [_("新的%(label)s与当前等级相同。") % {"label": field_label(field)}]
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
    canonical_text(obj.public_code, field_label("public_code"))
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
            effective_on=level_effective_on or today(),
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
    obj = locked_object(obj)
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
    effective_on = level_effective_on or today()
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
    obj = locked_object(obj)
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
    obj = locked_object(obj)
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
