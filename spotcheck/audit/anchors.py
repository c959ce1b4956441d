"""Anchors of the audit chain: its head, published outside the database.

The chain reveals an edited entry, but not a rewrite that recomputes every later hash, nor the
removal of its last entries: whoever can drop the triggers can do both. An anchor — the head's
sequence number and hash, and when it was taken — is published every day
(``manage.py anchor_audit_chain``): as a row the public portal shows (and anyone may save), and
as a line appended to the anchors file (``SPOTCHECK_AUDIT_ANCHORS_FILE``). ``chain_report``
checks the chain against every anchor it knows — the database's, the file's and any file given
to it: the anchored entry must still exist and have the anchored hash. A rewrite or a truncation
before the last anchor is then named, however carefully the later hashes were recomputed.

Both copies use one format, JSON Lines: ``{"seq": 120, "entry_hash": "…", "taken_at": "…"}``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from spotcheck.audit.models import AuditAnchor, AuditEntry
from spotcheck.audit.services import ChainBreak, _lock_chain, iter_chain_breaks

HASH_RE = re.compile(r"[0-9a-f]{64}")
SHORT_HASH = 16  # how much of a hash a message shows
_SEQ_BATCH = 500  # anchored sequence numbers looked up per query


def anchors_file() -> Path:
    return Path(settings.SPOTCHECK_AUDIT_ANCHORS_FILE)


def anchor_line(anchor: AuditAnchor) -> str:
    """One anchor as a line of the anchors file and of the portal's download."""
    taken_at = anchor.taken_at.astimezone(dt.UTC).isoformat(timespec="seconds")
    return json.dumps({"seq": anchor.seq, "entry_hash": anchor.entry_hash, "taken_at": taken_at})


def _local_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# ------------------------------------------------------------------------------ reading files


class AnchorFileError(ValueError):
    """A file of anchors that cannot be read, or a malformed line of one (named with its field)."""


@dataclass(frozen=True)
class KnownAnchor:
    seq: int
    entry_hash: str
    where: str  # which anchor, in words: the database's, or a file and its line


def parse_anchor_line(text: str) -> tuple[int, str]:
    """(seq, entry_hash) of one line; AnchorFileError naming the field otherwise."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise AnchorFileError(_("不是 JSON 对象"))
    seq = data.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise AnchorFileError(_("字段 seq 应为正整数"))
    entry_hash = data.get("entry_hash")
    if not isinstance(entry_hash, str) or not HASH_RE.fullmatch(entry_hash):
        raise AnchorFileError(_("字段 entry_hash 应为 64 位小写十六进制数"))
    taken_at = data.get("taken_at")
    try:
        parsed = parse_datetime(taken_at) if isinstance(taken_at, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise AnchorFileError(_("字段 taken_at 应为 ISO 8601 时间"))
    return seq, entry_hash


def read_anchors_file(path: Path, label: str) -> tuple[list[KnownAnchor], list[str]]:
    """The anchors of a file, and the problems of its lines, each named by ``label`` (the file
    in words), line and field. OSError when the file cannot be read."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a copy saved on Windows may carry a BOM
    except UnicodeDecodeError:
        return [], [_("%(file)s 不是 UTF-8 文本") % {"file": label}]
    anchors: list[KnownAnchor] = []
    problems: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = _("%(file)s 第 %(line)s 行") % {"file": label, "line": number}
        try:
            seq, entry_hash = parse_anchor_line(line)
        except AnchorFileError as exc:
            problems.append(f"{where}：{exc}")
            continue
        anchors.append(KnownAnchor(seq, entry_hash, where))
    return anchors, problems


# ------------------------------------------------------------------------------ publishing


@dataclass(frozen=True)
class AnchorPublication:
    anchor: AuditAnchor | None  # None: the trail is empty, there is no head to anchor
    created: bool  # a new anchor: the head had moved since the last one
    appended: bool  # its line was appended to the anchors file now
    path: Path


def _append_once(path: Path, anchor: AuditAnchor) -> bool:
    """Append the anchor's line unless the file holds it already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ends_without_newline = False
    if path.exists():
        held, _problems = read_anchors_file(path, str(path))
        if any((a.seq, a.entry_hash) == (anchor.seq, anchor.entry_hash) for a in held):
            return False
        if path.stat().st_size:
            with path.open("rb") as existing:
                existing.seek(-1, 2)
                ends_without_newline = existing.read(1) != b"\n"
    # Append mode (O_APPEND): the file is only ever added to, never rewritten, and so it may be
    # made append-only by the file system too (chattr +a). A line cut short by a crash is
    # closed first, so that the new line stays whole.
    with path.open("ab") as file:
        file.write((("\n" if ends_without_newline else "") + anchor_line(anchor) + "\n").encode())
        file.flush()
        os.fsync(file.fileno())
    return True


@transaction.atomic
def anchor_publish() -> AnchorPublication:
    """Publish the chain's head: a new anchor unless the head has not moved since the last one,
    and its line in the anchors file unless the file holds it already — so it may run as often
    as one likes. The line is appended inside the transaction: a file that cannot be written
    (OSError) leaves no new anchor in the database either, and an anchor whose line was written
    before a failed commit is recorded by the next run without a second line.

    No audit entry: an anchor is a record about the chain, and an entry for it would move the
    head it has just published (so no run would ever find the head unchanged)."""
    path = anchors_file()
    _lock_chain()  # the head read is the head: no entry is being added meanwhile
    head = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
    if head is None:
        return AnchorPublication(None, created=False, appended=False, path=path)
    latest = AuditAnchor.objects.order_by("-pk").first()
    created = latest is None or (latest.seq, latest.entry_hash) != (head.seq, head.entry_hash)
    if created:
        latest = AuditAnchor(seq=head.seq, entry_hash=head.entry_hash, taken_at=timezone.now())
        latest.full_clean()
        latest.save(force_insert=True)
    appended = _append_once(path, latest)
    return AnchorPublication(latest, created=created, appended=appended, path=path)


# ------------------------------------------------------------------------------ checking


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_seq: int  # 0 when the trail is empty
    breaks: list[ChainBreak]
    anchors_checked: int  # distinct anchors (sequence number and hash) from every source
    latest_anchor: AuditAnchor | None

    @property
    def whole(self) -> bool:
        return not self.breaks


def _published_where(anchor: AuditAnchor) -> str:
    return _("公布的锚点（%(time)s 锚定）") % {"time": _local_time(anchor.taken_at)}


def _local_file_anchors(published: list[AuditAnchor]) -> tuple[list[KnownAnchor], list[ChainBreak]]:
    """The anchors file's anchors, and where it disagrees with the published ones: the file
    holds every anchor ever published (a line the database lacks is checked by the caller)."""
    path = anchors_file()
    label = _("锚点文件 %(path)s") % {"path": path}
    if not path.exists():
        if not published:
            return [], []
        reason = _("锚点文件 %(path)s 不存在，而数据库中已公布 %(count)s 个锚点（锚点文件被删除或移走）")
        return [], [ChainBreak(None, None, reason % {"path": path, "count": len(published)})]
    try:
        anchors, problems = read_anchors_file(path, label)
    except OSError as exc:
        return [], [ChainBreak(None, None, _("无法读取锚点文件 %(path)s：%(error)s") % {"path": path, "error": exc})]
    breaks = [ChainBreak(None, None, _("%(problem)s（锚点文件被改写或损坏）") % {"problem": p}) for p in problems]
    held = {(a.seq, a.entry_hash) for a in anchors}
    for anchor in published:
        if (anchor.seq, anchor.entry_hash) not in held:
            reason = _("%(where)s 不在 %(file)s 中（锚点文件被改写或截断）")
            breaks.append(ChainBreak(anchor.seq, None, reason % {"where": _published_where(anchor), "file": label}))
    return anchors, breaks


def _anchor_breaks(known: Iterable[KnownAnchor], head_seq: int) -> list[ChainBreak]:
    """Each distinct anchor against the chain: the anchored entry must exist and have its hash."""
    sources: dict[tuple[int, str], list[str]] = defaultdict(list)
    for anchor in known:
        if anchor.where not in sources[(anchor.seq, anchor.entry_hash)]:
            sources[(anchor.seq, anchor.entry_hash)].append(anchor.where)
    seqs = sorted({seq for seq, _hash in sources if seq <= head_seq})
    actual: dict[int, tuple[int, str]] = {}
    for start in range(0, len(seqs), _SEQ_BATCH):
        rows = AuditEntry.objects.filter(seq__in=seqs[start : start + _SEQ_BATCH])
        actual |= {seq: (pk, entry_hash) for seq, pk, entry_hash in rows.values_list("seq", "pk", "entry_hash")}
    # The anchors the chain still matches: a rewrite lies after the latest of them below it.
    holding = sorted({seq for seq, entry_hash in sources if actual.get(seq, (0, ""))[1] == entry_hash})
    breaks = []
    for (seq, entry_hash), wheres in sorted(sources.items()):
        values = {"seq": seq, "hash": entry_hash[:SHORT_HASH], "which": "；".join(wheres), "head": head_seq}
        if seq > head_seq:
            reason = _(
                "截断：锚点（%(which)s）记录了第 %(seq)s 条（哈希 %(hash)s…），而哈希链现在只到第 %(head)s 条："
                "第 %(first)s 条起的记录被删除"
            )
            breaks.append(ChainBreak(seq, None, reason % (values | {"first": head_seq + 1})))
        elif seq not in actual:
            reason = _("第 %(seq)s 条不存在，而锚点（%(which)s）记录了它（哈希 %(hash)s…）：记录被删除")
            breaks.append(ChainBreak(seq, None, reason % values))
        elif actual[seq][1] != entry_hash:
            reason = _(
                "与锚点（%(which)s）不符：锚定时哈希为 %(hash)s…，现在为 %(now)s…："
                "第 %(first)s 至第 %(seq)s 条之间有记录被改写"
            )
            last_holding = holding[bisect.bisect_left(holding, seq) - 1] if holding and holding[0] < seq else 0
            values |= {"now": actual[seq][1][:SHORT_HASH], "first": last_holding + 1}
            breaks.append(ChainBreak(seq, actual[seq][0], reason % values))
    return breaks


def chain_report(*, anchor_files: Sequence[Path] = ()) -> ChainReport:
    """Walk the chain entry by entry, then check it against every anchor known: those published
    in the database, those in the anchors file and those in ``anchor_files`` (e.g. saved from
    the portal by an outsider). A given file that cannot be read, or has a malformed line, is
    bad input: AnchorFileError naming the file, the line and the field."""
    given: list[KnownAnchor] = []
    for path in anchor_files:
        label = _("所给锚点文件 %(path)s") % {"path": path}
        try:
            anchors, problems = read_anchors_file(Path(path), label)
        except OSError as exc:
            raise AnchorFileError(_("无法读取锚点文件 %(path)s：%(error)s") % {"path": path, "error": exc}) from exc
        if problems:
            raise AnchorFileError("；".join(problems))
        given += anchors

    breaks = list(iter_chain_breaks())
    head_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    published = list(AuditAnchor.objects.order_by("pk"))
    in_database = [KnownAnchor(a.seq, a.entry_hash, _published_where(a)) for a in published]
    in_file, file_breaks = _local_file_anchors(published)
    breaks += file_breaks
    known = in_database + in_file + given
    breaks += _anchor_breaks(known, head_seq)
    published_keys = {(a.seq, a.entry_hash) for a in published}
    for anchor in in_file + given:
        if (anchor.seq, anchor.entry_hash) not in published_keys:
            reason = _("%(where)s：锚点（第 %(seq)s 条）不在数据库公布的锚点中（公布的锚点被删除或改写）")
            breaks.append(ChainBreak(anchor.seq, None, reason % {"where": anchor.where, "seq": anchor.seq}))
    breaks.sort(key=lambda b: b.seq or 0)
    return ChainReport(
        entries=AuditEntry.objects.count(),
        head_seq=head_seq,
        breaks=breaks,
        anchors_checked=len({(a.seq, a.entry_hash) for a in known}),
        latest_anchor=published[-1] if published else None,
    )


def describe_break(chain_break: ChainBreak) -> str:
    if chain_break.seq is None:
        return chain_break.reason
    if chain_break.entry_id is None:
        return _("第 %(seq)s 条：%(reason)s") % {"seq": chain_break.seq, "reason": chain_break.reason}
    return _("第 %(seq)s 条（id=%(id)s）：%(reason)s") % {
        "seq": chain_break.seq,
        "id": chain_break.entry_id,
        "reason": chain_break.reason,
    }
