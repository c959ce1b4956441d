"""行政处罚 recorded on an object by the department that decided it (the strata of a plan
may favour objects penalised recently)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department
from spotcheck.audit.services import audit_record, snapshot
from spotcheck.directory.access import can_record_penalty, require_object_read
from spotcheck.directory.models import InspectionObject, Penalty
from spotcheck.directory.validators import FieldError, clean_date


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
    if not can_record_penalty(scope, department.pk):
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
        day = clean_date(decided_on, _("处罚日期"))
        if day is None:
            errors["decided_on"] = [_("请填写处罚日期。")]
    except FieldError as exc:
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
