"""证据材料 writes: ``evidence_upload`` and ``evidence_withdraw``, each audited in its
transaction (the upload's entry holds the file's SHA-256, size, type and item)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.services import audit_record, snapshot
from spotcheck.catalog.models import ItemVersion
from spotcheck.core.reasons import clean_reason
from spotcheck.core.updates import model_update
from spotcheck.draws.models import Task, Visit
from spotcheck.evidence import storage
from spotcheck.evidence.access import UPLOAD_RULE, WITHDRAW_RULE, can_upload, can_withdraw
from spotcheck.evidence.checks import CheckedFile, check_upload
from spotcheck.evidence.models import Evidence
from spotcheck.evidence.selectors import checklist_of, checklist_versions
from spotcheck.inspections.selectors import require_approved_or_emergency

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

CAPTION_MAX_LENGTH = Evidence._meta.get_field("caption").max_length


def _facts(evidence: Evidence) -> dict[str, Any]:
    item = evidence.item_version.item.code if evidence.item_version_id else None
    where = {"visit_public_id": evidence.visit.public_id, "task": evidence.visit.task.code, "item": item}
    return snapshot(evidence) | where


def _resent(actor: User, visit: Visit, client_id: uuid.UUID | None) -> Evidence | None:
    """The row an earlier send of the same upload made (same uploader, same client id)."""
    if client_id is None:
        return None
    first = Evidence.objects.filter(uploaded_by=actor, client_id=client_id).first()
    if first is not None and first.visit_id != visit.pk:
        raise ValidationError({"client_id": [_("该客户端编号已用于另一检查的上传。")]}, code="client_id_reused")
    return first


def _check_visit(visit: Visit) -> None:
    task = Task.objects.only("status").get(pk=visit.task_id)
    if task.status != Task.Status.DRAWN:
        raise ValidationError(
            _("任务当前状态为“%(status)s”，不能再上传证据材料。") % {"status": task.get_status_display()},
            code="task_not_drawn",
        )
    require_approved_or_emergency(visit)


def _check_item(visit: Visit, item_version: ItemVersion | int | None) -> ItemVersion | None:
    if item_version is None:
        return None
    pk = item_version if isinstance(item_version, int) else item_version.pk
    found = next((v for v in checklist_versions(checklist_of(visit)) if v.pk == pk), None)
    if found is None:
        raise ValidationError(
            {"item_version": [_("所选的抽查事项不在本次检查的检查表上。")]}, code="item_not_on_checklist"
        )
    return found


def _clean_caption(caption: str | None) -> str:
    text = " ".join((caption or "").split())
    if len(text) > CAPTION_MAX_LENGTH:
        raise ValidationError(
            {"caption": [_("说明不能超过 %(max)s 个字符。") % {"max": CAPTION_MAX_LENGTH}]}, code="max_length"
        )
    return text


def _parse_client_id(client_id: uuid.UUID | str | None) -> uuid.UUID | None:
    if client_id in (None, ""):
        return None
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError({"client_id": [_("客户端编号格式不正确。")]}, code="bad_client_id") from None


def evidence_upload(
    *,
    actor: User,
    visit: Visit,
    file: BinaryIO,
    item_version: ItemVersion | int | None = None,
    caption: str = "",
    client_id: uuid.UUID | str | None = None,
) -> Evidence:
    """上传证据材料: a team member attaches a photo or PDF to the visit or one of its checklist
    items, while the visit is approved (or started in an emergency) and its task drawn. The
    file's type is decided by its content; its bytes are stored by hash (the same bytes twice:
    one file). A resent upload (same uploader and ``client_id``) returns the first row.

    ``file`` is an uploaded file (``name`` and ``size``) or any binary file object. The checks
    and the copy into storage run before the transaction: hashing and verifying 20 MB must not
    hold the database's write lock (SQLite takes it at BEGIN). A file stored for a row that is
    then not written is harmless: content-addressed, served by no URL, and reused if sent again."""
    if not can_upload(actor, visit):
        raise PermissionDenied(UPLOAD_RULE)
    client_uuid = _parse_client_id(client_id)
    if (first := _resent(actor, visit, client_uuid)) is not None:
        return first
    _check_visit(visit)
    version = _check_item(visit, item_version)
    caption = _clean_caption(caption)
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    checked = check_upload(file, name=getattr(file, "name", None), size=size)
    key = storage.put(file, checked.sha256)
    return _record(actor, visit, version, caption, client_uuid, checked, key)


@transaction.atomic
def _record(
    actor: User,
    visit: Visit,
    version: ItemVersion | None,
    caption: str,
    client_id: uuid.UUID | None,
    checked: CheckedFile,
    key: str,
) -> Evidence:
    # Checked again inside the transaction: an approval withdrawn or a task cancelled meanwhile.
    _check_visit(visit)
    evidence = Evidence(
        visit=visit,
        item_version=version,
        kind=checked.kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=key,
        width=checked.width,
        height=checked.height,
        caption=caption,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        client_id=client_id,
    )
    evidence.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evidence.save(force_insert=True)
    except IntegrityError:
        # The same upload sent twice at once: the other request's row is the one.
        first = _resent(actor, visit, client_id)
        if first is None:
            raise
        return first
    audit_record(
        actor=actor,
        action="evidence.file.upload",
        target=evidence,
        after=_facts(evidence),
        department_id=visit.task.lead_department_id,
    )
    return evidence


@transaction.atomic
def evidence_withdraw(*, actor: User, evidence: Evidence, reason: str) -> Evidence:
    """撤回证据材料: a wrong file is withdrawn with a reason by its uploader or the lead
    department's admin. Row and file stay, readable for the auditor."""
    if not can_withdraw(scope_for(actor), actor, evidence):
        raise PermissionDenied(WITHDRAW_RULE)
    reason = clean_reason(reason, max_length=Evidence._meta.get_field("withdraw_reason").max_length)
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("visit__task", "item_version__item")
        .get(pk=evidence.pk)
    )
    if evidence.is_withdrawn:
        raise ValidationError(_("该证据材料已经撤回。"), code="already_withdrawn")
    _evidence, before, after = model_update(
        evidence, {"withdrawn_by": actor, "withdrawn_at": timezone.now(), "withdraw_reason": reason}
    )
    which = {"sha256": evidence.sha256, "visit_public_id": evidence.visit.public_id}
    audit_record(
        actor=actor,
        action="evidence.file.withdraw",
        target=evidence,
        before=before,
        after=after | which,
        department_id=evidence.visit.task.lead_department_id,
    )
    return evidence
