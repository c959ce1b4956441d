"""Every change to the inspectors directory: one service per action, each checked against the
actor's scope, validated, and audited (before/after) in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import require_staff, require_write
from spotcheck.accounts.selectors import is_member_of
from spotcheck.audit.services import audit_change, audit_record, diff, snapshot
from spotcheck.core.codes import next_number
from spotcheck.core.reasons import clean_reason
from spotcheck.directory.validators import canonical_text
from spotcheck.inspectors.access import may_see_recusals
from spotcheck.inspectors.models import Inspector, Qualification, Recusal

if TYPE_CHECKING:
    from spotcheck.accounts.models import User
    from spotcheck.directory.models import InspectionObject

Kind = Inspector.Kind
Availability = Inspector.Availability

# Prefixes of the codes the platform assigns to inspectors without a 执法证号.
GENERATED_CODE_PREFIX = {
    Kind.CIVIL_SERVANT: "GW",
    Kind.QUALIFIED_STAFF: "ZG",
    Kind.EXTERNAL_EXPERT: "ZJ",
    Kind.THIRD_PARTY: "JG",
}

# Fields that inspector_update may change (availability and retirement have their own services).
EDITABLE_FIELDS = (
    "department",
    "code",
    "name",
    "kind",
    "certificate_number",
    "certificate_expires_on",
    "post",
    "title",
    "phone",
    "can_lead",
    "specialties",
    "user",
)
M2M_FIELDS = ("qualifications", "jurisdictions")


class InspectorChanges(TypedDict, total=False):
    department: Department
    code: str
    name: str
    kind: str
    certificate_number: str
    certificate_expires_on: dt.date | None
    post: str
    title: str
    phone: str
    can_lead: bool
    specialties: str
    user: User | None
    qualifications: Iterable[Qualification]
    jurisdictions: Iterable[Region]


def _check_certificate(inspector: Inspector) -> None:
    """Certificate holders act under a 执法证: its number and expiry are required."""
    errors: dict[str, str] = {}
    if inspector.certificate_number:
        try:
            canonical_text(inspector.certificate_number, _("执法证号"))
        except ValidationError as exc:
            errors["certificate_number"] = exc.messages[0]
    if inspector.kind in Inspector.KINDS_WITH_CERTIFICATE:
        label = inspector.get_kind_display()
        if not inspector.certificate_number:
            errors.setdefault("certificate_number", _("%(kind)s须填写执法证号。") % {"kind": label})
        if inspector.certificate_expires_on is None:
            errors["certificate_expires_on"] = _("%(kind)s须填写执法证有效期。") % {"kind": label}
    if (
        inspector.certificate_number
        and "certificate_number" not in errors
        and Inspector.objects.filter(certificate_number=inspector.certificate_number).exclude(pk=inspector.pk).exists()
    ):
        errors["certificate_number"] = _("执法证号“%(number)s”已登记在其他人员名下。") % {
            "number": inspector.certificate_number
        }
    if errors:
        raise ValidationError(errors)


def _generated_code(department: Department, kind: str) -> str:
    """Next free ``<部门代码>-<类别>NNNN``; the counter row is locked until the transaction ends."""
    prefix = f"{department.code}-{GENERATED_CODE_PREFIX[kind]}"
    # Someone may have typed a code by hand: it is skipped.
    number = next_number(
        f"inspector:{prefix}", taken=lambda n: Inspector.objects.filter(code=f"{prefix}{n:04d}").exists()
    )
    return f"{prefix}{number:04d}"


def _check_code(inspector: Inspector) -> None:
    try:
        canonical_text(inspector.code, _("人员编码"))
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from exc
    if Inspector.objects.filter(code=inspector.code).exclude(pk=inspector.pk).exists():
        raise ValidationError({"code": _("人员编码“%(code)s”已被使用。") % {"code": inspector.code}})


def _check_user(inspector: Inspector) -> None:
    """A linked login account must belong to the inspector's department."""
    if inspector.user_id is None:
        return
    if not is_member_of(inspector.user_id, inspector.department_id):
        raise ValidationError({"user": _("登录账号须为本部门在册人员的账号。")})
    if Inspector.objects.filter(user_id=inspector.user_id).exclude(pk=inspector.pk).exists():
        raise ValidationError({"user": _("该登录账号已关联其他执法检查人员。")})


def _check_jurisdictions(regions: list[Region]) -> None:
    wrong = [r.name for r in regions if r.level != Region.Level.TOWN]
    if wrong:
        names = pgettext("list separator", "、").join(wrong)
        raise ValidationError({"jurisdictions": _("管辖片区只能选择乡镇（街道）：%(names)s 不是。") % {"names": names}})


def _check_qualifications(new: list[Qualification], current: set[int]) -> None:
    # A qualification withdrawn from the list may stay on those who hold it, but not be given anew.
    withdrawn = [q.name for q in new if not q.is_active and q.pk not in current]
    if withdrawn:
        names = pgettext("list separator", "、").join(withdrawn)
        raise ValidationError({"qualifications": _("执法资格已停用，不能再授予：%(names)s。") % {"names": names}})


def _validate_and_save(inspector: Inspector, update_fields: list[str] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    for check in (_check_code, _check_certificate, _check_user):
        try:
            check(inspector)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    inspector.full_clean()
    try:
        with transaction.atomic():
            inspector.save(update_fields=update_fields)
    except IntegrityError as exc:
        # Another writer took the code or certificate number between the check and the save.
        raise ValidationError(_("人员编码或执法证号刚被其他人登记，请刷新后重试。")) from exc


@transaction.atomic
def inspector_create(
    *,
    actor: User,
    department: Department,
    name: str,
    kind: str = Kind.CIVIL_SERVANT,
    code: str = "",
    certificate_number: str = "",
    certificate_expires_on: dt.date | None = None,
    post: str = "",
    title: str = "",
    phone: str = "",
    can_lead: bool = False,
    specialties: str = "",
    user: User | None = None,
    qualifications: Iterable[Qualification] = (),
    jurisdictions: Iterable[Region] = (),
) -> Inspector:
    """Register an inspector. Without a code, a certificate holder's code is the 执法证号 and
    anyone else gets a platform code ``<部门代码>-<类别>NNNN``."""
    require_write(actor, department.pk)
    if not department.is_active:
        raise ValidationError({"department": _("部门“%(department)s”已停用。") % {"department": department}})
    qualifications = list(qualifications)
    jurisdictions = list(jurisdictions)
    _check_jurisdictions(jurisdictions)
    _check_qualifications(qualifications, set())
    if kind not in Kind.values:
        raise ValidationError({"kind": _("人员类别“%(kind)s”无效。") % {"kind": kind}})
    if not code:
        code = certificate_number or _generated_code(department, kind)
    inspector = Inspector(
        department=department,
        code=code,
        name=name.strip(),
        kind=kind,
        certificate_number=certificate_number,
        certificate_expires_on=certificate_expires_on,
        post=post,
        title=title,
        phone=phone,
        can_lead=can_lead,
        specialties=specialties,
        user=user,
    )
    _validate_and_save(inspector)
    inspector.qualifications.set(qualifications)
    inspector.jurisdictions.set(jurisdictions)
    audit_record(
        actor=actor,
        action="inspectors.inspector.create",
        target=inspector,
        after=snapshot(inspector),
        department=department,
    )
    return inspector


@transaction.atomic
def inspector_update(*, actor: User, inspector: Inspector, changes: InspectorChanges) -> Inspector:
    """Change an inspector's record. Moving them to another department needs write access to
    both departments. The public code stays unless changed explicitly: draw records cite it."""
    require_write(actor, inspector.department_id)
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise ValueError(f"inspector_update cannot change {sorted(unknown)}")
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    before = snapshot(inspector)
    new_department = changes.get("department")
    if new_department is not None and new_department.pk != inspector.department_id:
        require_write(actor, new_department.pk)
        if not new_department.is_active:
            raise ValidationError({"department": _("部门“%(department)s”已停用。") % {"department": new_department}})
    update_fields = []
    for field in EDITABLE_FIELDS:
        if field in changes:
            value = changes[field]  # type: ignore[literal-required]
            if field == "name":
                value = value.strip()
            if getattr(inspector, field) != value:
                setattr(inspector, field, value)
                update_fields.append(field)
    if "jurisdictions" in changes:
        jurisdictions = list(changes["jurisdictions"])
        _check_jurisdictions(jurisdictions)
    if "qualifications" in changes:
        qualifications = list(changes["qualifications"])
        _check_qualifications(qualifications, set(inspector.qualifications.values_list("pk", flat=True)))
    if update_fields:
        update_fields = [*update_fields, "updated_at"]
    _validate_and_save(inspector, update_fields=update_fields or [])
    if "jurisdictions" in changes:
        inspector.jurisdictions.set(jurisdictions)
    if "qualifications" in changes:
        inspector.qualifications.set(qualifications)
    old, new = diff(before, snapshot(inspector))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        audit_record(
            actor=actor,
            action="inspectors.inspector.update",
            target=inspector,
            before=old,
            after=new,
            department_id=inspector.department_id,
        )
    return inspector


def _audited_change(
    *, actor: User, inspector: Inspector, action: str, values: dict[str, Any], extra: dict[str, Any] | None = None
) -> Inspector:
    before = snapshot(inspector, fields=values)
    for field, value in values.items():
        setattr(inspector, field, value)
    inspector.full_clean()
    inspector.save(update_fields=[*values, "updated_at"])
    old, new = diff(before, snapshot(inspector, fields=values))
    audit_record(
        actor=actor,
        action=action,
        target=inspector,
        before=old,
        after={**new, **(extra or {})},
        department_id=inspector.department_id,
    )
    return inspector


@transaction.atomic
def inspector_retire(*, actor: User, inspector: Inspector, reason: str) -> Inspector:
    """停用: the inspector leaves the roster for good (kept for the record, never deleted)."""
    require_write(actor, inspector.department_id)
    reason = clean_reason(reason, label=_("停用原因"))
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if inspector.retired_at is not None:
        day = f"{timezone.localtime(inspector.retired_at):%Y-%m-%d}"
        raise ValidationError(_("%(inspector)s 已于 %(day)s 停用。") % {"inspector": inspector, "day": day})
    return _audited_change(
        actor=actor,
        inspector=inspector,
        action="inspectors.inspector.retire",
        values={"retired_at": timezone.now(), "retired_reason": reason},
    )


@transaction.atomic
def inspector_restore(*, actor: User, inspector: Inspector, reason: str = "") -> Inspector:
    """恢复 a retired inspector to the roster."""
    require_write(actor, inspector.department_id)
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if inspector.retired_at is None:
        raise ValidationError(_("%(inspector)s 未停用，无需恢复。") % {"inspector": inspector})
    return _audited_change(
        actor=actor,
        inspector=inspector,
        action="inspectors.inspector.restore",
        values={"retired_at": None, "retired_reason": ""},
        extra={"reason": reason.strip()} if reason.strip() else None,
    )


@transaction.atomic
def inspector_set_availability(
    *,
    actor: User,
    inspector: Inspector,
    availability: str,
    available_from: dt.date | None = None,
    available_until: dt.date | None = None,
    reason: str,
) -> Inspector:
    """在岗 clears the dates; 休假 runs from a start date to an optional end date (both
    inclusive); 调离 starts on a date and has no end — the inspector is never matched again
    from that day (a return is recorded as 在岗)."""
    require_write(actor, inspector.department_id)
    reason = clean_reason(reason, label=_("状态变更原因"))
    errors: dict[str, str] = {}
    if availability == Availability.ON_DUTY:
        available_from = available_until = None
    elif availability == Availability.ON_LEAVE:
        if available_from is None:
            errors["available_from"] = _("休假须填写起始日期。")
        elif available_until is not None and available_until < available_from:
            errors["available_until"] = _("休假截止日期不能早于起始日期。")
    elif availability == Availability.TRANSFERRED:
        if available_from is None:
            errors["available_from"] = _("调离须填写调离日期。")
        if available_until is not None:
            errors["available_until"] = _("调离不设截止日期：自调离之日起不再参与匹配；人员回岗请改为“在岗”。")
    else:
        errors["availability"] = _("在岗状态“%(value)s”无效。") % {"value": availability}
    if errors:
        raise ValidationError(errors)
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    return _audited_change(
        actor=actor,
        inspector=inspector,
        action="inspectors.inspector.availability",
        values={
            "availability": availability,
            "availability_from": available_from,
            "availability_until": available_until,
            "availability_reason": reason,
        },
    )


def _require_recusal_write(actor: User, department_id: int) -> None:
    require_write(actor, department_id)
    if not may_see_recusals(require_staff(actor), department_id):
        # Recusals are private to the department and the auditors: others may not learn
        # (even through a "duplicate" error) which ones exist.
        raise Http404


def _duplicate_recusal(inspector: Inspector, inspection_object: InspectionObject) -> str:
    return _("%(inspector)s 与“%(object)s”已有有效的回避关系，不能重复登记。") % {
        "inspector": inspector.name,
        "object": inspection_object,
    }


@transaction.atomic
def recusal_create(*, actor: User, inspector: Inspector, inspection_object: InspectionObject, reason: str) -> Recusal:
    """回避: the inspector must never be matched to the object while the recusal is active."""
    _require_recusal_write(actor, inspector.department_id)
    reason = clean_reason(reason, label=_("回避原因"))
    if Recusal.objects.filter(inspector=inspector, inspection_object=inspection_object, ended_at__isnull=True).exists():
        raise ValidationError(_duplicate_recusal(inspector, inspection_object))
    recusal = Recusal(inspector=inspector, inspection_object=inspection_object, reason=reason, created_by=actor)
    recusal.full_clean()
    try:
        with transaction.atomic():
            recusal.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationError(_duplicate_recusal(inspector, inspection_object)) from exc
    audit_record(
        actor=actor,
        action="inspectors.recusal.create",
        target=recusal,
        after=snapshot(recusal),
        department_id=inspector.department_id,
    )
    return recusal


@transaction.atomic
def recusal_end(*, actor: User, recusal: Recusal, reason: str) -> Recusal:
    """解除 a recusal: kept on record with who ended it, when and why."""
    recusal = Recusal.objects.select_for_update().select_related("inspector").get(pk=recusal.pk)
    _require_recusal_write(actor, recusal.inspector.department_id)
    reason = clean_reason(reason, label=_("解除原因"))
    if recusal.ended_at is not None:
        raise ValidationError(_("该回避关系已解除。"))
    before = snapshot(recusal)
    recusal.ended_at = timezone.now()
    recusal.ended_reason = reason
    recusal.ended_by = actor
    recusal.full_clean()
    recusal.save(update_fields=["ended_at", "ended_reason", "ended_by"])
    audit_change(
        actor=actor,
        action="inspectors.recusal.end",
        target=recusal,
        before=before,
        after=snapshot(recusal),
        department_id=recusal.inspector.department_id,
    )
    return recusal


def recusal_view_record(
    *, actor: User, recusals: Iterable[Recusal], inspector: Inspector | None = None, query: str = ""
) -> None:
    """Seeing recusals is a sensitive view (全程留痕): record who saw which ones."""
    ids = sorted(r.pk for r in recusals)
    audit_record(
        actor=actor,
        action="inspectors.recusal.view",
        target_type=Recusal._meta.label_lower,
        # Stored in the audit trail: Chinese data, not translated.
        target_repr=(f"{inspector} 的回避关系" if inspector is not None else "回避关系列表")[:255],
        after={
            "inspector_id": inspector.pk if inspector is not None else None,
            "recusal_ids": ids,
            "query": query,
        },
        department_id=inspector.department_id if inspector is not None else None,
    )
