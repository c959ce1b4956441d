"""The chain anchored outside the database (issue 11, item 10): with the triggers dropped, a
rewrite that recomputes every later hash, or the removal of the last entries, passes the walk
along the chain; an anchor published before it names it."""

import io
import json
import os

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from spotcheck.audit import triggers
from spotcheck.audit.models import AuditAnchor, AuditEntry
from spotcheck.audit.services import GENESIS_HASH, audit_record, compute_hash, first_chain_break


def _entries(actor, n):
    for i in range(n):
        audit_record(actor=actor, action="test.event", target=actor, after={"n": i})


def _anchor() -> str:
    out = io.StringIO()
    call_command("anchor_audit_chain", stdout=out)
    return out.getvalue()


def _verify(*args) -> str:
    """verify_audit_chain's report when it fails (every break, then the summary)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(failure.value)


def _verify_passes(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit_chain", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _lift(*tables):
    # What someone with DDL rights could do (rolled back with the test's transaction).
    triggers.remove(connection, tables)


def _rewrite(seq, after):
    """Change entry ``seq`` and recompute its hash and every later one, so the chain holds."""
    _lift(triggers.ENTRIES)
    AuditEntry.objects.filter(seq=seq).update(after=after)
    prev = AuditEntry.objects.get(seq=seq - 1).entry_hash if seq > 1 else GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry_hash = compute_hash(prev, entry)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, entry_hash=entry_hash)
        prev = entry_hash


def test_a_rewrite_with_recomputed_hashes_is_named_by_an_earlier_anchor(scjg_admin):
    _entries(scjg_admin, 10)
    _anchor()
    _entries(scjg_admin, 5)
    _rewrite(4, {"n": 99})
    assert first_chain_break() is None  # the walk along the chain alone is fooled
    report = _verify()
    assert "第 10 条" in report and "不符" in report
    assert "第 1 至第 10 条之间有记录被改写" in report
    assert "公布的锚点" in report and "锚点文件" in report  # which anchors say so


def test_only_the_stretch_after_the_last_holding_anchor_is_named(scjg_admin):
    _entries(scjg_admin, 5)
    _anchor()
    _entries(scjg_admin, 5)
    _anchor()
    _entries(scjg_admin, 2)
    _rewrite(7, {"n": 99})
    report = _verify()
    assert "第 6 至第 10 条之间有记录被改写" in report
    assert "第 5 条" not in report


def test_rewriting_the_published_anchors_as_well_is_caught_by_the_anchors_file(scjg_admin, settings):
    _entries(scjg_admin, 10)
    _anchor()
    _rewrite(4, {"n": 99})
    _lift(triggers.ANCHORS)
    AuditAnchor.objects.update(entry_hash=AuditEntry.objects.get(seq=10).entry_hash)
    report = _verify()
    assert "锚点文件" in report and "第 1 行" in report
    assert "不在数据库公布的锚点中" in report


def test_deleting_the_last_20_entries_after_an_anchor_is_reported_as_truncation(scjg_admin):
    _entries(scjg_admin, 25)
    _anchor()
    _entries(scjg_admin, 5)
    _lift(triggers.ENTRIES)
    AuditEntry.objects.filter(seq__gt=10)._raw_delete(using="default")
    assert first_chain_break() is None  # what is left is a whole chain
    report = _verify()
    assert "截断" in report and "第 25 条" in report
    assert "哈希链现在只到第 10 条：第 11 条起的记录被删除" in report


def test_an_anchors_file_given_with_anchors_is_used(scjg_admin, settings, tmp_path):
    _entries(scjg_admin, 10)
    _anchor()
    saved = tmp_path / "saved-from-the-portal.jsonl"
    saved.write_bytes(settings.SPOTCHECK_AUDIT_ANCHORS_FILE.read_bytes())
    # The attacker rewrites the chain, the published anchors and the server's anchors file.
    _rewrite(4, {"n": 99})
    forged = AuditEntry.objects.get(seq=10).entry_hash
    _lift(triggers.ANCHORS)
    AuditAnchor.objects.update(entry_hash=forged)
    line = json.loads(saved.read_text())
    settings.SPOTCHECK_AUDIT_ANCHORS_FILE.write_text(json.dumps(line | {"entry_hash": forged}) + "\n")
    assert "完整" in _verify_passes()  # everything on the server agrees
    report = _verify("--anchors", str(saved))
    assert f"所给锚点文件 {saved} 第 1 行" in report
    assert "第 1 至第 10 条之间有记录被改写" in report


def test_a_malformed_anchors_file_is_refused_naming_line_and_field(scjg_admin, tmp_path):
    _entries(scjg_admin, 3)
    _anchor()
    good = AuditAnchor.objects.get()
    given = tmp_path / "given.jsonl"
    lines = [
        json.dumps({"seq": good.seq, "entry_hash": good.entry_hash, "taken_at": "2026-12-01T02:00:00+00:00"}),
        json.dumps({"seq": "3", "entry_hash": good.entry_hash, "taken_at": "2026-12-01T02:00:00+00:00"}),
        json.dumps({"seq": 3, "entry_hash": "XYZ", "taken_at": "2026-12-01T02:00:00+00:00"}),
        json.dumps({"seq": 3, "entry_hash": good.entry_hash, "taken_at": "yesterday"}),
        "not json",
    ]
    given.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain", "--anchors", str(given), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(failure.value)
    assert "第 2 行：字段 seq" in message and "第 3 行：字段 entry_hash" in message
    assert "第 4 行：字段 taken_at" in message and "第 5 行：不是 JSON 对象" in message
    assert "第 1 行" not in message
    with pytest.raises(CommandError, match="无法读取锚点文件"):
        call_command("verify_audit_chain", "--anchors", str(tmp_path / "missing.jsonl"), stderr=io.StringIO())


def test_the_command_appends_and_never_rewrites_the_file(scjg_admin, settings):
    path = settings.SPOTCHECK_AUDIT_ANCHORS_FILE
    _entries(scjg_admin, 3)
    assert "已公布锚点：第 3 条" in _anchor()
    first = path.read_bytes()
    inode = os.stat(path).st_ino
    assert "链头未动" in _anchor()  # the head has not moved: nothing new
    assert path.read_bytes() == first and AuditAnchor.objects.count() == 1
    _entries(scjg_admin, 2)
    _anchor()
    content = path.read_bytes()
    assert content.startswith(first) and content.count(b"\n") == 2
    assert os.stat(path).st_ino == inode  # appended to, not replaced
    head = AuditEntry.objects.get(seq=5)
    assert json.loads(content.splitlines()[-1]) == {
        "seq": 5,
        "entry_hash": head.entry_hash,
        "taken_at": json.loads(content.splitlines()[-1])["taken_at"],
    }
    assert list(AuditAnchor.objects.order_by("pk").values_list("seq", flat=True)) == [3, 5]
    assert "与 2 个锚点一致" in _verify_passes()


def test_a_line_cut_short_is_closed_before_the_next_is_appended(scjg_admin, settings):
    path = settings.SPOTCHECK_AUDIT_ANCHORS_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"seq": 1, "entry_ha')  # a crash mid-write
    _entries(scjg_admin, 2)
    _anchor()
    content = path.read_bytes()
    assert content.startswith(b'{"seq": 1, "entry_ha\n{"seq": 2, ')
    report = _verify()  # the damaged line is named; the new one is whole
    assert "第 1 行：不是 JSON 对象" in report and "第 2 行" not in report


def test_an_anchor_missing_from_the_file_is_named_and_written_by_the_next_run(scjg_admin, settings):
    _entries(scjg_admin, 3)
    _anchor()
    settings.SPOTCHECK_AUDIT_ANCHORS_FILE.unlink()
    assert "锚点文件" in _verify() and "不存在" in _verify()
    assert "已把它补写到" in _anchor()
    assert AuditAnchor.objects.count() == 1
    assert "与 1 个锚点一致" in _verify_passes()


def test_a_file_that_cannot_be_written_leaves_no_anchor(scjg_admin, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.SPOTCHECK_AUDIT_ANCHORS_FILE = blocker / "audit-anchors.jsonl"
    _entries(scjg_admin, 2)
    with pytest.raises(CommandError, match="无法写入锚点文件"):
        _anchor()
    assert not AuditAnchor.objects.exists()


def test_an_empty_trail_has_nothing_to_anchor(db, settings):
    assert "审计日志为空" in _anchor()
    assert not AuditAnchor.objects.exists() and not settings.SPOTCHECK_AUDIT_ANCHORS_FILE.exists()


def test_published_anchors_are_append_only(scjg_admin):
    _entries(scjg_admin, 1)
    _anchor()
    anchor = AuditAnchor.objects.get()
    with pytest.raises(RuntimeError):
        anchor.save()
    with pytest.raises(RuntimeError):
        anchor.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.update(entry_hash="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.all()._raw_delete(using="default")


def test_the_auditors_page_shows_the_same_result(login, auditor, scjg_admin):
    _entries(scjg_admin, 25)
    _anchor()
    client = login(auditor)
    page = client.post("/audit/verify/").content.decode()
    assert "哈希链完整" in page and "与 1 个锚点一致" in page
    _lift(triggers.ENTRIES)
    AuditEntry.objects.filter(seq__gt=5)._raw_delete(using="default")
    page = client.post("/audit/verify/").content.decode()
    assert "哈希链断裂" in page and "截断" in page and "第 6 条起的记录被删除" in page


@pytest.mark.parametrize("name", ["anchor_audit_chain", "verify_audit_chain"])
def test_the_commands_explain_themselves(name):
    # --help crashed on verify_audit_chain's lazily translated help text.
    parser = load_command_class("spotcheck.audit", name).create_parser("manage.py", name)
    assert "锚点" in parser.format_help()
