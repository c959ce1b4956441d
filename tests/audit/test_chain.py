import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import GENESIS_HASH, audit_record, first_chain_break


def _entries(actor, n=4):
    return [audit_record(actor=actor, action="test.event", target=actor, after={"n": i}) for i in range(n)]


def _drop_triggers():
    # What someone with DDL rights could do; the chain must still reveal the edit.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")


def test_entries_chain_from_genesis(scjg_admin):
    first, second, *_ = _entries(scjg_admin)
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert first.department.code == "SCJG"
    assert first_chain_break() is None
    call_command("verify_audit_chain")


def test_model_refuses_update_and_delete(scjg_admin):
    entry = _entries(scjg_admin, 1)[0]
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_database_refuses_raw_update(scjg_admin):
    _entries(scjg_admin, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all()._raw_delete(using="default")


def test_edited_entry_is_named(scjg_admin):
    entries = _entries(scjg_admin)
    _drop_triggers()
    AuditEntry.objects.filter(pk=entries[2].pk).update(after={"n": 99})
    broken = first_chain_break()
    assert broken is not None and broken.seq == 3
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("verify_audit_chain")


def test_removed_entry_is_named(scjg_admin):
    entries = _entries(scjg_admin)
    _drop_triggers()
    AuditEntry.objects.filter(pk=entries[1].pk)._raw_delete(using="default")
    broken = first_chain_break()
    assert broken is not None and broken.seq == 3


def test_reordered_entries_are_named(scjg_admin):
    entries = _entries(scjg_admin)
    _drop_triggers()
    # Swap the contents of entries 2 and 3 (each keeps a self-consistent hash of its own).
    a, b = (AuditEntry.objects.get(pk=e.pk) for e in entries[1:3])
    AuditEntry.objects.filter(pk=a.pk).update(seq=1000)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    broken = first_chain_break()
    assert broken is not None and broken.seq == 2


def test_login_is_recorded_and_a_failed_login_is_not(client, scjg_admin):
    # A failed login counts towards a lockout (django-axes); the lockout is the entry
    # (tests/accounts/test_lockout.py), so anonymous visitors cannot flood the trail.
    client.post("/accounts/login/", {"username": "scjg_admin", "password": "wrong"})
    client.post("/accounts/login/", {"username": "scjg_admin", "password": "Spotcheck-test-2026"})
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "source", "source_ip"))
    assert actions == [("auth.login", "web", "127.0.0.1")]
