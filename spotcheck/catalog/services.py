"""Writing the item list (一单): creating items and filing (备案) their versions.

A version goes DRAFT → SUBMITTED → ACCEPTED (published, the item's current version) or
→ RETURNED (with the coordinator's reason) → edited back to DRAFT → SUBMITTED … When a newer
version is accepted the previous current one becomes SUPERSEDED. Published versions are never
changed again; every version stays readable. An item has at most one open (draft, submitted
or returned) version at a time.

Departments write their own items (dept_admin) and the joint office may write any
(coordinator, sysadmin); only a coordinator accepts or returns a filing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff, require_write
from spotcheck.audit.services import audit_change, audit_record, snapshot
from spotcheck.catalog import validators as v
from spotcheck.catalog.access import can_review_filings
from spotcheck.catalog.models import ChecklistQuestion, FilingEvent, InspectionItem, ItemVersion
from spotcheck.directory.object_filter import validate_scope
from spotcheck.inspectors.models import Qualification

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Status = ItemVersion.Status
ChecklistInput = Iterable[Mapping[str, Any]]

GUIDELINE_FIELDS = ItemVersion.GUIDELINE_FIELDS
_OPTIONAL_LINE_FIELDS = {"scope_description": 255, "change_note": 255}


# ---------------------------------------------------------------------------------------------
# Validation of a version's content


def _clean_relations(
    *, department_id: int, qualifications: Iterable[Qualification] | None, joint: Iterable[Department] | None
) -> tuple[dict[str, list], dict[str, list[str]]]:
    cleaned: dict[str, list] = {}
    errors: dict[str, list[str]] = {}
    if qualifications is not None:
        quals = list(dict.fromkeys(qualifications))
        retired = [q.name for q in quals if not q.is_active]
        if retired:
            names = pgettext("list separator", "、").join(retired)
            errors["required_qualifications"] = [_("执法资格“%(names)s”已停用，不能作为资格要求。") % {"names": names}]
        cleaned["required_qualifications"] = quals
    if joint is not None:
        departments = list(dict.fromkeys(joint))
        if any(d.pk == department_id for d in departments):
            errors["joint_departments"] = [_("联合抽查部门不能包含事项的所属部门。")]
        elif inactive := [d.short_name for d in departments if not d.is_active]:
            names = pgettext("list separator", "、").join(inactive)
            errors["joint_departments"] = [_("部门“%(names)s”已撤销，不能作为联合抽查部门。") % {"names": names}]
        cleaned["joint_departments"] = departments
    return cleaned, errors


def clean_version_content(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the given fields of a version (only those present) and return them in canonical
    form; raise one ValidationError keyed by field with every problem found. The import of
    item lists calls this for each row."""
    rules = {
        "name": lambda x: v.validate_required_text(x, _("事项名称"), 200),
        "legal_basis": lambda x: v.validate_required_text(x, _("抽查依据")),
        "implementing_body": lambda x: v.validate_required_text(x, _("实施主体"), 200),
        "category": v.validate_category,
        "sub_items": v.validate_sub_items,
        "scope": validate_scope,
        "default_ratio": v.validate_ratio,
        "times_per_year": v.validate_times_per_year,
        "methods": v.validate_methods,
        "checklist": v.validate_checklist,
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        try:
            if field in rules:
                cleaned[field] = rules[field](value)
            elif field in GUIDELINE_FIELDS:
                cleaned[field] = (value or "").strip()
            elif field in _OPTIONAL_LINE_FIELDS:
                text = (value or "").strip()
                limit = _OPTIONAL_LINE_FIELDS[field]
                if len(text) > limit:
                    label = ItemVersion._meta.get_field(field).verbose_name
                    raise ValidationError(
                        _("%(label)s最多 %(max)s 个字符，实为 %(length)s 个。")
                        % {"label": label, "max": limit, "length": len(text)}
                    )
                cleaned[field] = text
            else:
                raise ValueError(f"unknown version field {field!r}")
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _checklist_of(version: ItemVersion) -> list[dict[str, str]]:
    return [{"text": q.text, "basis": q.basis} for q in version.questions.order_by("position")]


def _version_snapshot(version: ItemVersion) -> dict[str, Any]:
    return snapshot(version) | {"checklist": _checklist_of(version)}


def _write_checklist(version: ItemVersion, questions: list[dict[str, str]]) -> None:
    # Only draft versions reach here: their questions are not referenced by any result yet.
    version.questions.all().delete()
    rows = [
        ChecklistQuestion(version=version, position=n, text=q["text"], basis=q["basis"])
        for n, q in enumerate(questions, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["version"])
    ChecklistQuestion.objects.bulk_create(rows)


def _event(version: ItemVersion, action: str, actor: User | None, note: str = "", at=None) -> None:
    FilingEvent.objects.create(version=version, action=action, actor=actor, note=note, created_at=at or timezone.now())


def _locked_item(item_id: int) -> InspectionItem:
    """Lock the item row: every filing step of one item runs one after the other."""
    return InspectionItem.objects.select_for_update().get(pk=item_id)


def _fresh_version(version: ItemVersion) -> tuple[InspectionItem, ItemVersion]:
    item = _locked_item(version.item_id)
    fresh = ItemVersion.objects.get(pk=version.pk)
    fresh.item = item
    return item, fresh


def _require_coordinator(actor: User | None, department_id: int) -> None:
    scope = require_staff(actor)
    if not scope.can_read_department(department_id):
        raise Http404
    if not can_review_filings(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以审查备案。"))


def _refuse_if_retired(item: InspectionItem) -> None:
    if item.retired_at is not None:
        raise ValidationError(_("事项“%(code)s”已停用，请先恢复后再操作。") % {"code": item.code}, code="item_retired")


# ---------------------------------------------------------------------------------------------
# Items


@transaction.atomic
def item_create(
    *,
    actor: User,
    department: Department,
    code: str,
    name: str,
    legal_basis: str,
    implementing_body: str,
    default_ratio: Decimal | str | int,
    methods: Iterable[str],
    category: str = ItemVersion.Category.GENERAL,
    sub_items: Iterable[str] = (),
    scope: Mapping[str, Any] | None = None,
    scope_description: str = "",
    times_per_year: int = 1,
    required_qualifications: Iterable[Qualification] = (),
    joint_departments: Iterable[Department] = (),
    inspection_basis: str = "",
    inspection_content: str = "",
    inspection_procedure: str = "",
    approval_authority: str = "",
    disclosure_procedure: str = "",
    archiving_method: str = "",
    change_note: str = "",
    checklist: ChecklistInput = (),
) -> InspectionItem:
    """A new item with its version 1 as a DRAFT (not yet filed, not public)."""
    require_write(actor, department.pk)
    errors: dict[str, list[str]] = {}
    try:
        code = v.validate_item_code_unique(v.validate_item_code(code))
    except ValidationError as exc:
        errors["code"] = exc.messages
    if not department.is_active:
        errors["department"] = [_("部门“%(department)s”已撤销，不能新建事项。") % {"department": department.short_name}]
    content: dict[str, Any] = {}
    try:
        content = clean_version_content(
            {
                "name": name,
                "legal_basis": legal_basis,
                "implementing_body": implementing_body,
                "default_ratio": default_ratio,
                "methods": methods,
                "category": category,
                "sub_items": sub_items,
                "scope": scope,
                "scope_description": scope_description,
                "times_per_year": times_per_year,
                "change_note": change_note,
                "checklist": checklist,
            }
            | {
                "inspection_basis": inspection_basis,
                "inspection_content": inspection_content,
                "inspection_procedure": inspection_procedure,
                "approval_authority": approval_authority,
                "disclosure_procedure": disclosure_procedure,
                "archiving_method": archiving_method,
            }
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    relations, relation_errors = _clean_relations(
        department_id=department.pk, qualifications=required_qualifications, joint=joint_departments
    )
    errors.update(relation_errors)
    if errors:
        raise ValidationError(errors)

    questions = content.pop("checklist")
    item = InspectionItem(department=department, code=code)
    item.full_clean()
    item.save()
    version = ItemVersion(item=item, number=1, status=Status.DRAFT, created_by=actor, **content)
    version.full_clean()
    version.save()
    version.required_qualifications.set(relations["required_qualifications"])
    version.joint_departments.set(relations["joint_departments"])
    _write_checklist(version, questions)
    _event(version, FilingEvent.Action.CREATED, actor)
    audit_record(actor=actor, action="catalog.item.create", target=item, after=snapshot(item), department=department)
    audit_record(
        actor=actor,
        action="catalog.version.create",
        target=version,
        after=_version_snapshot(version),
        department=department,
    )
    return item


@transaction.atomic
def item_retire(*, actor: User, item: InspectionItem, reason: str) -> InspectionItem:
    """停用: the item leaves the list of items that plans may use; all its versions stay."""
    require_write(actor, item.department_id)
    reason = v.validate_required_text(reason, _("停用原因"), 255)
    item = _locked_item(item.pk)
    if item.retired_at is not None:
        raise ValidationError(_("事项“%(code)s”已经停用。") % {"code": item.code}, code="already_retired")
    before = snapshot(item)
    item.retired_at = timezone.now()
    item.retired_reason = reason
    item.full_clean()
    item.save(update_fields=["retired_at", "retired_reason"])
    audit_record(
        actor=actor,
        action="catalog.item.retire",
        target=item,
        before=before,
        after=snapshot(item),
        department_id=item.department_id,
    )
    return item


@transaction.atomic
def item_restore(*, actor: User, item: InspectionItem, reason: str) -> InspectionItem:
    """Put a retired item back in use; the reason goes to the audit trail."""
    require_write(actor, item.department_id)
    reason = v.validate_required_text(reason, _("恢复原因"), 255)
    item = _locked_item(item.pk)
    if item.retired_at is None:
        raise ValidationError(_("事项“%(code)s”未停用，无需恢复。") % {"code": item.code}, code="not_retired")
    before = snapshot(item)
    item.retired_at = None
    item.retired_reason = ""
    item.save(update_fields=["retired_at", "retired_reason"])
    audit_record(
        actor=actor,
        action="catalog.item.restore",
        target=item,
        before=before,
        after=snapshot(item) | {"restore_reason": reason},
        department_id=item.department_id,
    )
    return item


# ---------------------------------------------------------------------------------------------
# Versions


@transaction.atomic
def version_update_draft(
    *,
    actor: User,
    version: ItemVersion,
    name: str | None = None,
    legal_basis: str | None = None,
    implementing_body: str | None = None,
    default_ratio: Decimal | str | int | None = None,
    methods: Iterable[str] | None = None,
    category: str | None = None,
    sub_items: Iterable[str] | None = None,
    scope: Mapping[str, Any] | None = None,
    scope_description: str | None = None,
    times_per_year: int | None = None,
    required_qualifications: Iterable[Qualification] | None = None,
    joint_departments: Iterable[Department] | None = None,
    inspection_basis: str | None = None,
    inspection_content: str | None = None,
    inspection_procedure: str | None = None,
    approval_authority: str | None = None,
    disclosure_procedure: str | None = None,
    archiving_method: str | None = None,
    change_note: str | None = None,
    checklist: ChecklistInput | None = None,
) -> ItemVersion:
    """Change a DRAFT or RETURNED version (an argument left as None stays as it is; pass "" or
    [] to clear). Editing a RETURNED version makes it a DRAFT again, ready to resubmit."""
    require_write(actor, version.item.department_id)
    item, version = _fresh_version(version)
    _refuse_if_retired(item)
    if not version.is_editable:
        raise ValidationError(
            _("版本 v%(number)s 的状态为“%(status)s”，只有草稿或已退回的版本可以修改。")
            % {"number": version.number, "status": version.get_status_display()},
            code="not_editable",
        )
    given = {
        "name": name,
        "legal_basis": legal_basis,
        "implementing_body": implementing_body,
        "default_ratio": default_ratio,
        "methods": methods,
        "category": category,
        "sub_items": sub_items,
        "scope": scope,
        "scope_description": scope_description,
        "times_per_year": times_per_year,
        "change_note": change_note,
        "checklist": checklist,
        "inspection_basis": inspection_basis,
        "inspection_content": inspection_content,
        "inspection_procedure": inspection_procedure,
        "approval_authority": approval_authority,
        "disclosure_procedure": disclosure_procedure,
        "archiving_method": archiving_method,
    }
    errors: dict[str, list[str]] = {}
    content: dict[str, Any] = {}
    try:
        content = clean_version_content({k: val for k, val in given.items() if val is not None})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    relations, relation_errors = _clean_relations(
        department_id=item.department_id, qualifications=required_qualifications, joint=joint_departments
    )
    errors.update(relation_errors)
    if errors:
        raise ValidationError(errors)

    before = _version_snapshot(version)
    questions = content.pop("checklist", None)
    update_fields = list(content)
    for field, value in content.items():
        setattr(version, field, value)
    if version.status == Status.RETURNED:
        version.status = Status.DRAFT
        update_fields.append("status")
    version.full_clean()
    if update_fields:
        version.save(update_fields=update_fields)
    for field, values in relations.items():
        getattr(version, field).set(values)
    if questions is not None:
        _write_checklist(version, questions)
    audit_change(
        actor=actor,
        action="catalog.version.update",
        target=version,
        before=before,
        after=_version_snapshot(version),
        department_id=item.department_id,
        skip_unchanged=True,
    )
    return version


@transaction.atomic
def version_submit(*, actor: User, version: ItemVersion) -> ItemVersion:
    """提交备案: the department files a draft with the joint office."""
    require_write(actor, version.item.department_id)
    item, version = _fresh_version(version)
    _refuse_if_retired(item)
    if version.status != Status.DRAFT:
        if version.status == Status.RETURNED:
            message = _("版本 v%(number)s 的状态为“%(status)s”，只有草稿可以提交备案。退回的版本请先修改再提交。")
        else:
            message = _("版本 v%(number)s 的状态为“%(status)s”，只有草稿可以提交备案。")
        raise ValidationError(
            message % {"number": version.number, "status": version.get_status_display()}, code="not_draft"
        )
    before = snapshot(version)
    version.status = Status.FILING
    version.submitted_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["status", "submitted_at"])
    _event(version, FilingEvent.Action.SUBMITTED, actor, at=version.submitted_at)
    audit_change(
        actor=actor,
        action="catalog.version.submit",
        target=version,
        before=before,
        after=snapshot(version),
        department_id=item.department_id,
    )
    return version


def _require_submitted(version: ItemVersion) -> None:
    if version.status != Status.FILING:
        raise ValidationError(
            _("版本 v%(number)s 的状态为“%(status)s”，只有待备案的版本可以审查。")
            % {"number": version.number, "status": version.get_status_display()},
            code="not_submitted",
        )


@transaction.atomic
def version_accept(*, actor: User, version: ItemVersion, note: str = "") -> ItemVersion:
    """备案通过: the version is published and becomes the item's current version; the one it
    replaces becomes SUPERSEDED."""
    _require_coordinator(actor, version.item.department_id)
    item, version = _fresh_version(version)
    _refuse_if_retired(item)
    _require_submitted(version)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"review_note": [_("审查意见最多 500 个字符。")]})
    now = timezone.now()
    previous = ItemVersion.objects.get(pk=item.current_version_id) if item.current_version_id else None
    item_before = snapshot(item)

    if previous is not None:
        previous_before = snapshot(previous)
        previous.status = Status.SUPERSEDED
        previous.full_clean()
        previous.save(update_fields=["status"])
        # Filing notes are stored data: Chinese, whatever the page language.
        _event(previous, FilingEvent.Action.SUPERSEDED, actor, note=f"由 v{version.number} 替代", at=now)
        audit_change(
            actor=actor,
            action="catalog.version.supersede",
            target=previous,
            before=previous_before,
            after=snapshot(previous),
            department_id=item.department_id,
        )

    before = snapshot(version)
    version.status = Status.PUBLISHED
    version.reviewed_by = actor
    version.reviewed_at = now
    version.review_note = note
    version.published_at = now
    version.full_clean()
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "published_at"])
    _event(version, FilingEvent.Action.ACCEPTED, actor, note=note, at=now)
    audit_change(
        actor=actor,
        action="catalog.version.accept",
        target=version,
        before=before,
        after=snapshot(version),
        department_id=item.department_id,
    )

    item.current_version = version
    item.save(update_fields=["current_version"])
    audit_change(
        actor=actor,
        action="catalog.item.publish",
        target=item,
        before=item_before,
        after=snapshot(item),
        department_id=item.department_id,
    )
    return version


@transaction.atomic
def version_return(*, actor: User, version: ItemVersion, reason: str) -> ItemVersion:
    """退回: the coordinator sends a filing back with the reason; the department edits it."""
    _require_coordinator(actor, version.item.department_id)
    try:
        reason = v.validate_required_text(reason, _("退回理由"), 500)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    item, version = _fresh_version(version)
    _require_submitted(version)
    before = snapshot(version)
    version.status = Status.RETURNED
    version.reviewed_by = actor
    version.reviewed_at = timezone.now()
    version.review_note = reason
    version.full_clean()
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    _event(version, FilingEvent.Action.RETURNED, actor, note=reason, at=version.reviewed_at)
    audit_change(
        actor=actor,
        action="catalog.version.return",
        target=version,
        before=before,
        after=snapshot(version),
        department_id=item.department_id,
    )
    return version


@transaction.atomic
def version_new_draft(*, actor: User, item: InspectionItem, change_note: str = "") -> ItemVersion:
    """Start revising a published item: a DRAFT copy of the current version (text, scope,
    checklist, qualification requirements, joint departments) with the next number."""
    require_write(actor, item.department_id)
    item = _locked_item(item.pk)
    _refuse_if_retired(item)
    open_version = item.versions.filter(status__in=ItemVersion.OPEN_STATUSES).first()
    if open_version is not None:
        raise ValidationError(
            _("事项“%(code)s”已有未完成备案的版本 v%(number)s（%(status)s），请在该版本上继续修改。")
            % {"code": item.code, "number": open_version.number, "status": open_version.get_status_display()},
            code="open_version_exists",
        )
    if item.current_version_id is None:
        raise ValidationError(
            _("事项“%(code)s”还没有已公布的版本，无法据此起草新版本。") % {"code": item.code}, code="no_current"
        )
    change_note = clean_version_content({"change_note": change_note})["change_note"]
    source = ItemVersion.objects.get(pk=item.current_version_id)
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    copied = {
        f.name: getattr(source, f.name)
        for f in ItemVersion._meta.concrete_fields
        if f.name
        in {
            "name",
            "sub_items",
            "category",
            "legal_basis",
            "implementing_body",
            "scope",
            "scope_description",
            "default_ratio",
            "times_per_year",
            "methods",
            *GUIDELINE_FIELDS,
        }
    }
    version = ItemVersion(
        item=item, number=number, status=Status.DRAFT, created_by=actor, change_note=change_note, **copied
    )
    version.full_clean()
    version.save()
    version.required_qualifications.set(source.required_qualifications.all())
    version.joint_departments.set(source.joint_departments.all())
    _write_checklist(version, _checklist_of(source))
    _event(version, FilingEvent.Action.CREATED, actor, note=f"据 v{source.number} 修订")  # stored data, Chinese
    audit_record(
        actor=actor,
        action="catalog.version.create",
        target=version,
        after=_version_snapshot(version) | {"copied_from": source.pk},
        department_id=item.department_id,
    )
    return version
