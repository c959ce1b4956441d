"""An object's licences (许可): added, retired (never deleted), or set to an import's full list;
each change audited under the object's owner department."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record
from spotcheck.core.reasons import clean_reason
from spotcheck.directory.access import require_object_write
from spotcheck.directory.models import InspectionObject, LicenceKind, ObjectLicence
from spotcheck.directory.services import locked_object
from spotcheck.directory.validators import FieldError, clean_date, resolve_reference


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
        kind = resolve_reference(LicenceKind, item.kind, _("许可类别"))
    except FieldError as exc:
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
        valid_until = clean_date(item.valid_until, _("有效期至"), allow_future=True)
    except FieldError as exc:
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
    obj = locked_object(obj)
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
    obj = locked_object(obj)
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
