"""Writing and checking the hash-chained audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.context import current
from spotcheck.audit.models import AuditEntry

GENESIS_HASH = "0" * 64
# Any constant works; it only has to be the same for every writer of this database.
_PG_LOCK_KEY = 0x5C0A0D17


def _canonical(value: Any) -> Any:
    """JSON-safe copy with a stable form (dates ISO, decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "department_id": entry.department_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "before": entry.before,
        "after": entry.after,
        "source": entry.source,
        "source_ip": entry.source_ip,
    }


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    body = json.dumps(entry_payload(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise writers so two entries never claim the same place in the chain.

    SQLite runs writing transactions as IMMEDIATE (settings), which already serialises them;
    PostgreSQL takes a transaction-scoped advisory lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audit view of a model instance: concrete fields, FKs by id, M2M by sorted ids."""
    opts = instance._meta
    data: dict[str, Any] = {}
    for field in opts.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = field.value_from_object(instance)
    if instance.pk is not None:
        for field in opts.many_to_many:
            if fields is not None and field.name not in fields:
                continue
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return _canonical(data)


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys that changed (both sides), so the trail shows what moved."""
    if before is None or after is None:
        return before, after
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    department: Any = None,
    department_id: int | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:255]
    if department is not None:
        department_id = department.pk
    if department_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        # The user model says which department its user acts for (this app imports no other).
        department_id = getattr(actor, "primary_department_id", None)
    ctx = current()
    _lock_chain()
    last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else (str(actor) if actor else "")),
        department_id=department_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:255],
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        source=ctx.source,
        source_ip=ctx.ip,
        prev_hash=last.entry_hash if last else GENESIS_HASH,
    )
    entry.entry_hash = compute_hash(entry.prev_hash, entry)
    entry.save(force_insert=True)
    return entry


def audit_change(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict[str, Any],
    after: dict[str, Any],
    department_id: int | None = None,
    skip_unchanged: bool = False,
) -> AuditEntry | None:
    """Record a change as the fields that moved (from two ``snapshot``s of ``target``)."""
    old, new = diff(before, after)
    if skip_unchanged and not new:
        return None
    return audit_record(actor=actor, action=action, target=target, before=old, after=new, department_id=department_id)


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None  # None: a problem of an anchors file as a whole (anchors.py)
    entry_id: int | None  # None: the entry is not there (removed, or an anchor beyond the head)
    reason: str


def iter_chain_breaks(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk the chain in order and yield every place where it does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            reason = _("序号不连续：应为 %(expected)s，实为 %(seq)s（有记录被删除或插入）") % {
                "expected": expected_seq,
                "seq": entry.seq,
            }
            yield ChainBreak(entry.seq, entry.pk, reason)
        if entry.prev_hash != expected_prev:
            yield ChainBreak(entry.seq, entry.pk, _("前一条哈希不符（前面的记录被删除、修改或调换了顺序）"))
        if compute_hash(entry.prev_hash, entry) != entry.entry_hash:
            yield ChainBreak(entry.seq, entry.pk, _("本条内容与哈希不符（记录被修改）"))
        expected_prev = entry.entry_hash
        expected_seq = entry.seq + 1


def first_chain_break() -> ChainBreak | None:
    return next(iter_chain_breaks(), None)
