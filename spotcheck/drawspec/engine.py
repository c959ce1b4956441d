"""The SC-DRAW-1 draw engine (see DRAW-SPEC.md): canonical strings, digests, the seed ceremony,
partial Fisher–Yates per stratum, inspector matching, the published record and its verifier.

Pure standard library on purpose: the same code runs in the web app, in jobs and in tests, and
a reader can check it against the spec without knowing Django. Every decision uses exact
integer arithmetic on SHA-256 values; nothing here uses floats or ``random``.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import secrets
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import islice, pairwise
from typing import Any, TypedDict, TypeGuard

SPEC = "SC-DRAW-1"
MAX_WITNESS_LENGTH = 64
MIN_WITNESSES = 2
MAX_RATIO_DECIMALS = 6

_CONTROL = re.compile("[\x00-\x1f\x7f]")
# In a block of ASCII ids joined by "\n": a control character other than the separators, an
# empty id, or white space at either end of an id.
_BLOCK_FLAW = re.compile("[\x00-\x09\x0b-\x1f\x7f]|^\n|\n$|\n\n|^ | $| \n|\n ")
_RATIO = re.compile(r"([0-9]+)(?:\.([0-9]+))?")  # [0-9], not \d: \d also matches "٣" and "３"
_SECRET = re.compile(r"[0-9a-f]{64}")


class Slot(TypedDict):
    name: str
    dept: str
    quals: Collection[str]


class Inspector(TypedDict):
    id: str
    dept: str
    quals: Collection[str]


# (name, member ids in any order, ratio text, minimum or None, maximum or None)
StratumSpec = tuple[str, Iterable[str], str, int | None, int | None]
Team = list[tuple[str, str]]  # [(slot name, inspector id)] in slot order


# ----------------------------------------------------------------------------------- errors


class DrawInputError(ValueError):
    """Input the protocol refuses; the Chinese message is shown to the user as it is."""


class MatchError(DrawInputError):
    """No inspector is eligible for ``slot`` of ``target``; nothing may be saved."""

    def __init__(self, target: str, slot: str, suggested_cap: int | None) -> None:
        self.target, self.slot, self.suggested_cap = target, slot, suggested_cap
        if suggested_cap is not None:
            advice = f"建议将每名检查人员的任务上限调整为 {suggested_cap}。"
        else:
            advice = "提高任务上限也无法解决，请检查岗位要求、人员名单和回避名单。"
        super().__init__(f"匹配失败：检查对象{_quote(target)}的岗位{_quote(slot)}没有符合条件的检查人员。{advice}")


def _quote(value: str) -> str:
    # Control characters would vanish on screen; show them as escapes so the user can find them.
    shown = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in value)
    return f"“{shown}”"


def _bad(what: str, value: str, problem: str) -> DrawInputError:
    return DrawInputError(f"{what}{_quote(value)}{problem}")


def _check_int(value: Any, what: str, minimum: int) -> int:
    # bool is an int in Python but never a count.
    if type(value) is not int or value < minimum:
        raise DrawInputError(f"{what}必须是不小于 {minimum} 的整数，实为 {value!r}")
    return int(value)


# ------------------------------------------------------------------ canonical strings, order


def check_canonical(value: str, what: str) -> str:
    """Return ``value`` if it is a canonical string (spec §1), else raise naming ``what``.
    Rejects, never repairs: a silently trimmed id would hash differently from the published one."""
    if not isinstance(value, str):
        raise DrawInputError(f"{what}不是文本：{value!r}")
    if not value:
        raise DrawInputError(f"{what}为空")
    try:
        value.encode()
    except UnicodeEncodeError:  # lone surrogates have no UTF-8 form
        raise _bad(what, value, "含有无效的 Unicode 字符") from None
    if _CONTROL.search(value):
        raise _bad(what, value, "含有控制字符")
    if value[0].isspace() or value[-1].isspace():
        raise _bad(what, value, "首尾含有空白字符")
    if not unicodedata.is_normalized("NFC", value):
        raise _bad(what, value, "不是 NFC 规范化形式")
    return value


def utf8_key(s: str) -> bytes:
    """The protocol's order: bytewise on UTF-8 (PostgreSQL ``COLLATE "C"``)."""
    return s.encode()


def sort_ids(ids: Iterable[str]) -> list[str]:
    # Code point order equals UTF-8 byte order for every encodable string, so the plain (much
    # faster) str sort gives exactly the utf8_key order.
    return sorted(ids)


# ------------------------------------------------------------------------- sample size (§3)


def parse_ratio(text: str) -> tuple[int, int]:
    """``"0.05"`` → ``(5, 2)``, meaning 5 / 10**2. Digits only, at most six decimals, 0 … 1."""
    match = _RATIO.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise DrawInputError(f"抽取比例{text!r}格式不对：应写成 0 到 1 之间的小数，如 0.05")
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > MAX_RATIO_DECIMALS:
        raise DrawInputError(f"抽取比例“{text}”的小数位超过 {MAX_RATIO_DECIMALS} 位")
    p, d = int(whole + fraction), len(fraction)
    if p > 10**d:
        raise DrawInputError(f"抽取比例“{text}”大于 1")
    return p, d


def sample_size(count: int, ratio: str, minimum: int | None, maximum: int | None) -> int:
    """n = ceil(N·r), raised to ``minimum``, capped at N, then at ``maximum`` — in that order."""
    _check_int(count, "分层对象数", 0)
    p, d = parse_ratio(ratio)
    scale: int = 10**d
    n = (count * p + scale - 1) // scale
    if minimum is not None:
        n = max(n, _check_int(minimum, "最少抽取数", 0))
    n = min(n, count)
    if maximum is not None:
        n = min(n, _check_int(maximum, "最多抽取数", 0))
    return n


# ---------------------------------------------------------------------------- digests (§2, §4)


def _sha(text: str) -> str:
    # surrogatepass: only a record under verification can hold lone surrogates (inputs refuse
    # them); hashing must not crash on one, and the digest will not match anyway.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class StratumHasher:
    """Streams a stratum's ids (already in byte order) into its digest, so a pool of millions
    read from a database cursor is never held in memory. Checks every id on the way."""

    def __init__(self, name: str) -> None:
        self.name = check_canonical(name, "分层名称")
        self._what = f"分层{_quote(name)}中的编号"
        self._hash = hashlib.sha256(f"SC-POOL-1\n{name}\n".encode())
        self._previous = ""  # below every canonical (non-empty) id
        self.count = 0

    def add(self, id_: str) -> None:
        self.update((id_,))

    def update(self, ids: Iterable[str]) -> None:
        """Add many ids; ten times cheaper per id than ``add`` (hashing is batched), and a list
        of plain ASCII ids is checked and hashed as one block, in C."""
        if isinstance(ids, list) and self._update_ascii_block(ids):
            return
        previous, what, batch = self._previous, self._what, []
        for id_ in ids:
            # Fast path for printable ASCII (always NFC; its only white space is " ").
            if not (type(id_) is str and id_ and id_.isascii() and id_.isprintable() and " " not in (id_[0], id_[-1])):
                check_canonical(id_, what)
            if id_ <= previous:  # str order is UTF-8 byte order
                problem = "重复" if id_ == previous else f"未按字节顺序排列（排在{_quote(previous)}之后）"
                raise _bad(what, id_, problem)
            previous = id_
            batch.append(id_)
            if len(batch) == 4096:
                self._flush(batch)
        self._flush(batch)
        self._previous = previous

    def _update_ascii_block(self, ids: list[str]) -> bool:
        """The common case of a whole stratum at once (USCCs and platform codes are printable
        ASCII): the same checks as the loop below, done on the joined block. False, having
        changed nothing, when the block is not plain ASCII or breaks a rule, so that the loop
        finds and names the offending id."""
        if not ids or not all(type(id_) is str for id_ in ids):
            return False
        block = "\n".join(ids)
        if not (block.isascii() and block.count("\n") == len(ids) - 1) or _BLOCK_FLAW.search(block):
            return False
        if not (ids[0] > self._previous and all(map(operator.lt, ids, islice(ids, 1, None)))):
            return False
        self._hash.update(f"{block}\n".encode())
        self.count += len(ids)
        self._previous = ids[-1]
        return True

    def _flush(self, batch: list[str]) -> None:
        self.count += len(batch)
        batch.append("")  # for the final "\n"
        self._hash.update("\n".join(batch).encode())
        batch.clear()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def stratum_digest(name: str, ids: Iterable[str]) -> str:
    hasher = StratumHasher(name)
    hasher.update(ids)
    return hasher.hexdigest()


def stratum_digest_of_texts(name: str, texts: Iterable[str]) -> str:
    """``stratum_digest`` of a stratum given as consecutive runs of its ids, each run one text
    of ids joined by newlines (how a database hands them over), already checked and in order:
    hashed as they are, without a list of ids."""
    digest = hashlib.sha256(f"SC-POOL-1\n{name}\n".encode())
    for text in texts:
        if text:
            digest.update(text.encode())  # hashlib lets go of the GIL on large inputs
            digest.update(b"\n")
    return digest.hexdigest()


def pool_digest(strata: Iterable[tuple[str, int, str]]) -> str:
    """``strata``: (name, count, stratum digest) in any order; the digest orders them by name."""
    lines = [f"{name}\t{count}\t{digest}\n" for name, count, digest in sorted(strata)]
    return _sha("SC-POOL-1\n" + "".join(lines))


def _check_quals(quals: Collection[str], what: str) -> list[str]:
    if isinstance(quals, str) or not isinstance(quals, Collection):
        raise DrawInputError(f"{what}应是一组资格代码，实为 {quals!r}")
    result = sort_ids(check_canonical(q, what) for q in quals)
    for q in result:
        # The digest joins quals with ","; a comma inside one code would make two rosters
        # share a digest, so such codes are refused (a stricter rule than the spec's).
        if "," in q:
            raise _bad(what, q, "含有逗号")
    for a, b in pairwise(result):
        if a == b:
            raise _bad(what, a, "重复")
    return result


def _check_roster(roster: Iterable[Mapping[str, Any]]) -> list[Inspector]:
    """The roster in id order with sorted quals; refuses bad strings and duplicate ids."""
    checked: list[Inspector] = []
    for person in roster:
        id_ = check_canonical(person["id"], "检查人员编号")
        checked.append(
            {
                "id": id_,
                "dept": check_canonical(person["dept"], f"检查人员{_quote(id_)}的部门代码"),
                "quals": _check_quals(person["quals"], f"检查人员{_quote(id_)}的资格代码"),
            }
        )
    checked.sort(key=lambda person: person["id"])
    for a, b in pairwise(checked):
        if a["id"] == b["id"]:
            raise _bad("检查人员编号", a["id"], "在人员名单中重复")
    return checked


def _check_slots(slots: Iterable[Mapping[str, Any]]) -> list[Slot]:
    checked: list[Slot] = []
    names: set[str] = set()
    for slot in slots:
        name = check_canonical(slot["name"], "岗位名称")
        if name in names:  # the match hash is keyed by slot name
            raise _bad("岗位名称", name, "重复")
        names.add(name)
        dept = check_canonical(slot["dept"], f"岗位{_quote(name)}的部门代码")
        checked.append(
            {"name": name, "dept": dept, "quals": _check_quals(slot["quals"], f"岗位{_quote(name)}的资格代码")}
        )
    return checked


def _check_exclusions(pairs: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Distinct pairs ordered by (target, inspector) bytes."""
    checked = set()
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise DrawInputError(f"回避名单的条目应为（检查对象编号, 检查人员编号），实为 {pair!r}")
        target, inspector = pair
        checked.add(
            (
                check_canonical(target, "回避名单中的检查对象编号"),
                check_canonical(inspector, "回避名单中的检查人员编号"),
            )
        )
    return sorted(checked)


def roster_digest(roster: Iterable[Mapping[str, Any]]) -> str:
    lines = [f"{p['id']}\t{p['dept']}\t{','.join(p['quals'])}\n" for p in _check_roster(roster)]
    return _sha("SC-ROSTER-1\n" + "".join(lines))


def exclusions_digest(pairs: Iterable[Sequence[str]]) -> str:
    lines = [f"{target}\t{inspector}\n" for target, inspector in _check_exclusions(pairs)]
    return _sha("SC-EXCL-1\n" + "".join(lines))


# ---------------------------------------------------------------------------- the input (§5)


def canonical_json(x: Any) -> str:
    return json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def input_document(
    task: str,
    strata: Iterable[Mapping[str, Any]],
    slots: Iterable[Mapping[str, Any]],
    cap: int,
    roster_digest: str,
    exclusions_digest: str,
) -> dict[str, Any]:
    """The frozen input. ``strata``: dicts with name, count, digest, ratio, min and max."""
    summaries = []
    for s in strata:
        sample_size(s["count"], s["ratio"], s["min"], s["max"])  # validates ratio, min, max
        name = check_canonical(s["name"], "分层名称")
        summaries.append({k: s[k] for k in ("count", "digest", "ratio", "min", "max")} | {"name": name})
    summaries.sort(key=lambda s: s["name"])
    for a, b in pairwise(summaries):
        if a["name"] == b["name"]:
            raise _bad("分层名称", a["name"], "重复")
    return {
        "spec": SPEC,
        "task": check_canonical(task, "任务编号"),
        "strata": summaries,
        "match": {
            "slots": [dict(slot) for slot in _check_slots(slots)],
            "cap": _check_int(cap, "每名检查人员的任务上限", 1),
            "roster_digest": roster_digest,
            "exclusions_digest": exclusions_digest,
        },
    }


def input_digest(doc: Mapping[str, Any]) -> str:
    return _sha("SC-INPUT-1\n" + canonical_json(doc))


# ------------------------------------------------------------------------ the ceremony (§6)


def new_server_secret() -> str:
    """S: 32 bytes from the OS CSPRNG, as 64 lowercase hex characters."""
    return secrets.token_bytes(32).hex()


def _check_secret(secret_hex: str) -> str:
    if not isinstance(secret_hex, str) or not _SECRET.fullmatch(secret_hex):
        raise DrawInputError("服务器密钥应为 64 个小写十六进制字符")
    return secret_hex


def commitment(secret_hex: str) -> str:
    return _sha("SC-COMMIT-1\n" + _check_secret(secret_hex))


def check_witness(value: str, position: int) -> str:
    """One witness input (``position`` counts from 1, for the message)."""
    what = f"第 {position} 名见证人的输入"
    check_canonical(value, what)
    if len(value) > MAX_WITNESS_LENGTH:
        raise _bad(what, value, f"超过 {MAX_WITNESS_LENGTH} 个字符")
    return value


def seed(input_digest: str, secret_hex: str, witnesses: Sequence[str]) -> str:
    """The draw seed: bound to the input, the committed secret and every witness, in entry order."""
    if isinstance(witnesses, str) or len(witnesses) < MIN_WITNESSES:
        raise DrawInputError(f"至少需要 {MIN_WITNESSES} 名见证人的输入")
    lines = [f"{check_witness(w, k)}\n" for k, w in enumerate(witnesses, start=1)]
    return _sha(f"SC-SEED-1\n{input_digest}\n{_check_secret(secret_hex)}\n" + "".join(lines))


# --------------------------------------------------------------------- drawing targets (§7)


def draw_stratum(name: str, ids: Sequence[str], n: int, seed: str) -> list[str]:
    """The first ``n`` positions of a seeded Fisher–Yates shuffle of ``ids`` (in byte order).

    Only displaced positions are remembered (``moved``: position → index of the id now there),
    so a draw of 10^5 from 10^7 costs 10^5 hashes and dict entries, never a copy of the list.
    """
    count = len(ids)
    if not 0 <= n <= count:
        raise DrawInputError(f"分层{_quote(name)}的抽取数 {n} 超出范围 0…{count}")
    prefix = hashlib.sha256(f"SC-DRAW-1\n{seed}\n{name}\n".encode())
    moved: dict[int, int] = {}
    drawn = []
    for i in range(n):
        h = prefix.copy()
        h.update(str(i).encode())
        j = i + int.from_bytes(h.digest(), "big") % (count - i)
        # swap a[i], a[j]; a[i] is final from now on, so only a[j] needs remembering.
        at_j = moved.pop(j, j)
        if j != i:
            moved[j] = moved.pop(i, i)
        drawn.append(ids[at_j])
    return drawn


# ---------------------------------------------------------------------- matching (§8)


class _Pool:
    """The inspectors a slot's dept and quals admit, in id order, with the positions of those
    still under the cap. Picking skips the few positions excluded for one target, so a pick
    costs O(k log m) for k such positions instead of filtering all m inspectors."""

    def __init__(self, members: list[str]) -> None:
        self.members = members
        self.position = {id_: k for k, id_ in enumerate(members)}
        self.open = list(range(len(members)))  # positions with load < cap, ascending

    def close(self, id_: str) -> None:
        k = bisect_left(self.open, self.position[id_])
        del self.open[k]

    def pick(self, h: int, skip: Iterable[str]) -> str | None:
        """E[h mod |E|], E = open members not in ``skip``, in id order; None if E is empty."""
        ranks = set()
        for id_ in skip:
            k = self.position.get(id_)
            if k is not None:
                r = bisect_left(self.open, k)
                if r < len(self.open) and self.open[r] == k:
                    ranks.add(r)
        size = len(self.open) - len(ranks)
        if size == 0:
            return None
        r = h % size
        for skipped in sorted(ranks):  # step over skipped ranks at or before the wanted one
            if skipped > r:
                break
            r += 1
        return self.members[self.open[r]]


class _NoInspector(Exception):
    def __init__(self, target: str, slot: str) -> None:
        self.target, self.slot = target, slot


def _match(
    targets: Sequence[str],
    slots: Sequence[Slot],
    roster: Sequence[Inspector],
    excluded: Mapping[str, set[str]],
    cap: int,
    seed: str,
) -> dict[str, Team]:
    if not slots:
        return {}
    pools: dict[tuple[str, tuple[str, ...]], _Pool] = {}
    pools_of: dict[str, list[_Pool]] = {}  # inspector → the pools to close when they hit the cap
    for slot in slots:
        key = (slot["dept"], tuple(slot["quals"]))
        if key not in pools:
            wanted = set(slot["quals"])
            members = [p["id"] for p in roster if p["dept"] == key[0] and wanted.issubset(p["quals"])]
            pools[key] = _Pool(members)
            for id_ in members:
                pools_of.setdefault(id_, []).append(pools[key])
    slot_pools = [(slot["name"], slot["name"].encode(), pools[(slot["dept"], tuple(slot["quals"]))]) for slot in slots]
    load = dict.fromkeys(pools_of, 0)
    prefix = hashlib.sha256(f"SC-MATCH-1\n{seed}\n".encode())
    teams: dict[str, Team] = {}
    no_one: set[str] = set()
    for target in targets:
        per_target = prefix.copy()
        per_target.update(f"{target}\n".encode())
        excluded_here = excluded.get(target, no_one)
        team: Team = []
        on_team: list[str] = []
        for slot_name, slot_bytes, pool in slot_pools:
            h = per_target.copy()
            h.update(slot_bytes)
            r = int.from_bytes(h.digest(), "big")
            if excluded_here or (on_team and not pool.position.keys().isdisjoint(on_team)):
                chosen = pool.pick(r, [*excluded_here, *on_team])
            else:
                # Nobody to skip (the usual case: no recusal for this target, and the team so
                # far is from other pools): E is exactly the pool's open members.
                chosen = pool.members[pool.open[r % len(pool.open)]] if pool.open else None
            if chosen is None:
                raise _NoInspector(target, slot_name)
            team.append((slot_name, chosen))
            on_team.append(chosen)
            load[chosen] += 1
            if load[chosen] == cap:
                for other in pools_of[chosen]:
                    other.close(chosen)
        teams[target] = team
    return teams


def _lowest_possible_cap(targets: Sequence[str], slots: Sequence[Slot], roster: Sequence[Inspector]) -> int:
    """A cap below which no match can succeed: every slot of one dept (or of one dept and quals)
    needs a distinct assignment for every target, shared among the inspectors who can take it."""
    demand: dict[Any, int] = {}
    for slot in slots:
        for key in (slot["dept"], (slot["dept"], tuple(slot["quals"]))):
            demand[key] = demand.get(key, 0) + len(targets)
    lowest = 1
    for key, needed in demand.items():
        if isinstance(key, str):
            supply = sum(1 for p in roster if p["dept"] == key)
        else:
            supply = sum(1 for p in roster if p["dept"] == key[0] and set(key[1]).issubset(p["quals"]))
        if supply:
            lowest = max(lowest, -(-needed // supply))
    return lowest


def match_inspectors(
    targets: Sequence[str],
    slots: Iterable[Mapping[str, Any]],
    roster: Iterable[Mapping[str, Any]],
    exclusions: Iterable[Sequence[str]],
    cap: int,
    seed: str,
) -> dict[str, Team]:
    """Teams for ``targets`` (in target-list order) per §8; raises MatchError on failure."""
    checked_slots = _check_slots(slots)
    checked_roster = _check_roster(roster)
    _check_int(cap, "每名检查人员的任务上限", 1)
    excluded: dict[str, set[str]] = {}
    for target, inspector in _check_exclusions(exclusions):
        excluded.setdefault(target, set()).add(inspector)

    def attempt(trial_cap: int) -> dict[str, Team]:
        return _match(targets, checked_slots, checked_roster, excluded, trial_cap, seed)

    try:
        return attempt(cap)
    except _NoInspector as failure:
        # Success is not monotonic in the cap (the cap changes who is eligible, hence later
        # picks), so find the smallest cap that works by trying each one in turn. A cap of
        # len(targets) never binds: if that fails, no cap helps.
        suggested = None
        unbounded = max(len(targets), 1)
        if cap < unbounded and _succeeds(attempt, unbounded):
            start = max(cap + 1, _lowest_possible_cap(targets, checked_slots, checked_roster))
            suggested = next(c for c in range(start, unbounded + 1) if _succeeds(attempt, c))
        raise MatchError(failure.target, failure.slot, suggested) from None


def match_feasibility(
    target_count: int,
    slots: Iterable[Mapping[str, Any]],
    roster: Iterable[Mapping[str, Any]],
    exclusions: Iterable[Sequence[str]],
    cap: int,
) -> dict[str, Any]:
    """Whether §8's matching can fail, for ANY seed and any ``target_count`` targets of the
    pool — checked before the notice, so that a ceremony that has gone public cannot fail.
    Nothing of the protocol changes: this only bounds what §8 can run into.

    When a slot s of the i-th target (0-based) is filled, its pool P (the roster members of
    its dept holding its quals) has lost at most: the members already on this team (at most
    j, the earlier slots whose pools meet P), the members excluded for this target (at most
    x, the largest number of P excluded for any one target), and the members at the cap
    (none if cap ≥ target_count, since a member's load from earlier targets is at most i;
    else at most ⌊i·k / cap⌋, k being the slots whose pools meet P: each earlier target put
    at most k of P on its team). So |P| − j − x − ⌊(T−1)·k / cap⌋ ≥ 1 for every slot means
    no pick ever finds E empty. Per slot the result gives those numbers and the smallest cap
    for which it holds (None: no cap helps, the slot needs more inspectors)."""
    checked_slots = _check_slots(slots)
    checked_roster = _check_roster(roster)
    _check_int(cap, "每名检查人员的任务上限", 1)
    _check_int(target_count, "检查对象数", 0)
    pools: list[frozenset[str]] = []
    for slot in checked_slots:
        wanted = set(slot["quals"])
        pools.append(
            frozenset(p["id"] for p in checked_roster if p["dept"] == slot["dept"] and wanted.issubset(p["quals"]))
        )
    excluded: dict[str, set[str]] = {}
    for target, inspector in _check_exclusions(exclusions):
        excluded.setdefault(target, set()).add(inspector)
    rows: list[dict[str, Any]] = []
    earlier = max(target_count - 1, 0)
    for position, (slot, pool) in enumerate(zip(checked_slots, pools, strict=True)):
        shared = sum(1 for other in pools if not other.isdisjoint(pool)) if pool else 1
        before = sum(1 for other in pools[:position] if not other.isdisjoint(pool))
        most_excluded = max((len(ids & pool) for ids in excluded.values()), default=0)
        room = len(pool) - before - most_excluded - 1
        if target_count == 0:
            needed: int | None = 1
        elif room < 0:
            needed = None
        else:
            needed = min(max(target_count, 1), earlier * shared // (room + 1) + 1)
        rows.append(
            {
                "slot": slot["name"],
                "inspectors": len(pool),
                "shared": shared,
                "before": before,
                "excluded": most_excluded,
                "needed_cap": needed,
                "ok": needed is not None and cap >= needed,
            }
        )
    needs = [row["needed_cap"] for row in rows]
    suggested = None if None in needs else max([1, *needs])
    return {
        "feasible": all(row["ok"] for row in rows),
        "targets": target_count,
        "cap": cap,
        "suggested_cap": suggested,
        "slots": rows,
    }


def _succeeds(attempt: Callable[[int], object], cap: int) -> bool:
    try:
        attempt(cap)
    except _NoInspector:
        return False
    return True


# ----------------------------------------------------------------------- the record (§9)


def draw_targets(strata: Iterable[tuple[str, Sequence[str], int]], seed: str) -> list[dict[str, Any]]:
    """The task's target list (§7): ``strata`` are (name, ids in byte order, n), taken in name
    order, each stratum's drawn ids in rank order."""
    targets: list[dict[str, Any]] = []
    for name, ids, n in sorted(strata, key=lambda s: s[0]):
        targets += [
            {"stratum": name, "rank": rank, "id": id_} for rank, id_ in enumerate(draw_stratum(name, ids, n, seed), 1)
        ]
    return targets


def teams_document(teams: Mapping[str, Team]) -> dict[str, list[dict[str, str]]]:
    """Teams as the record's ``result.teams`` writes them."""
    return {t: [{"slot": slot, "inspector": inspector} for slot, inspector in team] for t, team in teams.items()}


def run_draw(
    *,
    strata: Iterable[tuple[str, Sequence[str], int]],
    slots: Iterable[Mapping[str, Any]],
    roster: Iterable[Mapping[str, Any]],
    exclusions: Iterable[Sequence[str]],
    cap: int,
    seed: str,
) -> dict[str, Any]:
    """The record's ``result`` from the seed. ``strata``: (name, ids in byte order, n)."""
    targets = draw_targets(strata, seed)
    teams = match_inspectors([t["id"] for t in targets], slots, roster, exclusions, cap, seed)
    return {"targets": targets, "teams": teams_document(teams)}


def build_record(
    *,
    task: str,
    strata: Iterable[StratumSpec],
    slots: Iterable[Mapping[str, Any]],
    cap: int,
    roster: Iterable[Mapping[str, Any]],
    exclusions: Iterable[Sequence[str]],
    server_secret: str,
    witnesses: Sequence[str],
) -> dict[str, Any]:
    """The whole ceremony in one call (tests, demo, small tasks): the full record of §9.
    Ids may come in any order; they are sorted here. Raises DrawInputError / MatchError."""
    pool: dict[str, list[str]] = {}
    summaries: list[dict[str, Any]] = []
    home: dict[str, str] = {}  # id → its stratum, to refuse an id in two strata
    for name, ids, ratio, minimum, maximum in strata:
        check_canonical(name, "分层名称")
        if name in pool:
            raise _bad("分层名称", name, "重复")
        members = sort_ids(ids)
        hasher = StratumHasher(name)
        hasher.update(members)
        for id_ in members:
            other = home.setdefault(id_, name)
            if other != name:
                raise _bad("编号", id_, f"同时出现在分层{_quote(other)}和{_quote(name)}中")
        pool[name] = members
        count = hasher.count
        summaries.append(
            {"name": name, "count": count, "digest": hasher.hexdigest(), "ratio": ratio, "min": minimum, "max": maximum}
        )
    checked_roster = _check_roster(roster)
    checked_slots = _check_slots(slots)
    pairs = _check_exclusions(exclusions)
    doc = input_document(task, summaries, checked_slots, cap, roster_digest(checked_roster), exclusions_digest(pairs))
    input_hash = input_digest(doc)
    draw_seed = seed(input_hash, server_secret, witnesses)
    sizes = {s["name"]: sample_size(s["count"], s["ratio"], s["min"], s["max"]) for s in doc["strata"]}
    result = run_draw(
        strata=[(name, pool[name], sizes[name]) for name in pool],
        slots=checked_slots,
        roster=checked_roster,
        exclusions=pairs,
        cap=cap,
        seed=draw_seed,
    )
    return {
        "spec": SPEC,
        "input": doc,
        "input_digest": input_hash,
        "pool_digest": pool_digest((s["name"], s["count"], s["digest"]) for s in summaries),
        "commitment": commitment(server_secret),
        "server_secret": server_secret,
        "witnesses": list(witnesses),
        "seed": draw_seed,
        "pool": {name: pool[name] for name in sorted(pool)},
        "roster": [dict(p) for p in checked_roster],
        "exclusions": [list(pair) for pair in pairs],
        "result": result,
    }


def public_copy(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the portal publishes: the record without the exclusions (who is conflicted with
    whom is not public). Its teams can then only be checked by someone holding the list."""
    return {key: value for key, value in record.items() if key != "exclusions"}


# ---------------------------------------------------------------------- verification (§9)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _is_canonical(value: Any) -> bool:
    try:
        check_canonical(value, "")
    except DrawInputError:
        return False
    return True


def _is_int(value: Any, minimum: int) -> TypeGuard[int]:
    return type(value) is int and value >= minimum


class _Verifier:
    """Collects every failure reason. Each check reports by name; a check that depends on a
    malformed part is skipped, the malformed part having been reported already, so a record
    can never pass through a skipped check. The checks are spec-exact: the engine's stricter
    input rules (no comma in qualification codes, …) do not apply to records."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.reasons: list[str] = []

    def fail(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)

    def field(self, parent: Any, key: str, kind: type, label: str) -> Any:
        value = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool):
            self.fail(f'missing or malformed "{label}"')
            return None
        return value

    def strings(self, values: Any, label: str) -> list[str] | None:
        """A list of canonical strings; reports each bad one (None if not a list of strings)."""
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.fail(f'missing or malformed "{label}"')
            return None
        for v in values:
            if not _is_canonical(v):
                self.fail(f"{label}: {_json(v)} is not a canonical string")
        return values

    def run(self) -> list[str]:
        record = self.record
        if record.get("spec") != SPEC:
            self.fail(f'spec is not "{SPEC}"')
        doc = self.field(record, "input", dict, "input")
        if doc is not None and doc.get("spec") != SPEC:
            self.fail(f'input spec is not "{SPEC}"')
        match = self.field(doc, "match", dict, "input.match")
        pool, sizes = self.check_strata(doc)
        roster = self.check_roster(match)
        exclusions = self.check_exclusions(match)
        if doc is not None and input_digest(doc) != record.get("input_digest"):
            self.fail("input digest mismatch")
        if pool is not None:
            strata = [(name, len(ids), _digest_of(name, ids)) for name, ids in pool.items()]
            if pool_digest(strata) != record.get("pool_digest"):
                self.fail("pool digest mismatch")
        secret = self.field(record, "server_secret", str, "server_secret")
        if secret is not None:
            if not _SECRET.fullmatch(secret):
                self.fail("server secret is not 64 lowercase hex characters")
            if _sha("SC-COMMIT-1\n" + secret) != record.get("commitment"):
                self.fail("server secret does not match the commitment")
        witnesses = self.strings(record.get("witnesses"), "witnesses")
        if witnesses is not None:
            if len(witnesses) < MIN_WITNESSES:
                self.fail("fewer than two witnesses")
            for k, w in enumerate(witnesses, start=1):
                if len(w) > MAX_WITNESS_LENGTH:
                    self.fail(f"witness {k} longer than {MAX_WITNESS_LENGTH} characters")
        seed_hex = self.field(record, "seed", str, "seed")
        stated_input = self.field(record, "input_digest", str, "input_digest")
        if witnesses is not None and None not in (secret, seed_hex, stated_input):
            lines = "".join(f"{w}\n" for w in witnesses)
            if _sha(f"SC-SEED-1\n{stated_input}\n{secret}\n{lines}") != seed_hex:
                self.fail("seed mismatch")
        result = self.field(record, "result", dict, "result")
        if seed_hex is None or result is None or pool is None or sizes is None:
            return self.reasons
        targets: list[dict[str, Any]] = []
        for name in sorted(sizes):
            drawn = draw_stratum(name, pool[name], sizes[name], seed_hex)
            targets += [{"stratum": name, "rank": rank, "id": id_} for rank, id_ in enumerate(drawn, 1)]
        if canonical_json(result.get("targets")) != canonical_json(targets):
            self.fail("targets differ")
        if match is not None and roster is not None and exclusions is not None:
            self.check_teams(match, roster, exclusions, [t["id"] for t in targets], seed_hex, result)
        return self.reasons

    def check_strata(self, doc: Any) -> tuple[dict[str, list[str]] | None, dict[str, int] | None]:
        """Each stratum's count, digest and sample-size rule; no id in two strata. Returns the
        pool (ids in byte order) and the sample size per stratum of the input."""
        raw_pool = self.field(self.record, "pool", dict, "pool")
        strata = self.field(doc, "strata", list, "input.strata")
        pool: dict[str, list[str]] | None = None
        if raw_pool is not None:
            pool = {}
            for name, ids in raw_pool.items():
                label = f"stratum {_json(name)}"
                if not _is_canonical(name):
                    self.fail(f"{label}: name is not a canonical string")
                checked = self.strings(ids, f"{label} ids")
                if checked is None:
                    pool = None
                    break
                if any(a >= b for a, b in pairwise(checked)):
                    self.fail(f"{label} ids not in strictly increasing byte order")
                pool[name] = sorted(checked)
        if pool is not None:
            home: dict[str, str] = {}
            for name, ids in pool.items():
                for id_ in ids:
                    if home.setdefault(id_, name) != name:
                        self.fail(f"id {_json(id_)} in two strata")
        if strata is None:
            return pool, None
        sizes: dict[str, int] = {}
        for s in strata:
            name = s.get("name") if isinstance(s, dict) else None
            if not isinstance(name, str) or name in sizes:
                self.fail('missing or malformed "input.strata"')
                return pool, None
            label = f"stratum {_json(name)}"
            count = 0
            if pool is not None:
                if name not in pool:
                    self.fail(f"{label} missing from pool")
                    return pool, None
                count = len(pool[name])
                if not _is_int(s.get("count"), 0) or s["count"] != count:
                    self.fail(f"{label} count mismatch")
                if s.get("digest") != _digest_of(name, pool[name]):
                    self.fail(f"{label} digest mismatch")
            try:
                sizes[name] = sample_size(count, s.get("ratio"), s.get("min"), s.get("max"))
            except DrawInputError:
                self.fail(f"{label} ratio, min or max invalid")
                return pool, None
        if list(sizes) != sorted(sizes):
            self.fail("input strata not ordered by name")
        if pool is not None:
            for name in sorted(pool.keys() - sizes.keys()):
                self.fail(f"pool stratum {_json(name)} not in input")
        return pool, sizes

    def check_roster(self, match: Any) -> list[Inspector] | None:
        raw = self.field(self.record, "roster", list, "roster")
        if raw is None:
            return None
        roster: list[Inspector] = []
        for p in raw:
            if not isinstance(p, dict) or not isinstance(p.get("id"), str) or not isinstance(p.get("dept"), str):
                self.fail('missing or malformed "roster"')
                return None
            quals = self.strings(p.get("quals"), "roster")
            if quals is None:
                return None
            self.strings([p["id"], p["dept"]], "roster")
            roster.append({"id": p["id"], "dept": p["dept"], "quals": sorted(quals)})
        ids = [p["id"] for p in roster]
        if ids != sorted(set(ids)):
            self.fail("roster not ordered by id, or an id listed twice")
        roster.sort(key=lambda p: p["id"])
        lines = "".join(f"{p['id']}\t{p['dept']}\t{','.join(p['quals'])}\n" for p in roster)
        if match is not None and _sha("SC-ROSTER-1\n" + lines) != match.get("roster_digest"):
            self.fail("roster digest mismatch")
        return roster

    def check_exclusions(self, match: Any) -> list[tuple[str, str]] | None:
        """The exclusions if present and well formed; [] if absent but the input's digest is
        that of the empty set; None if the teams cannot be checked."""
        stated = match.get("exclusions_digest") if match is not None else None
        if "exclusions" not in self.record:
            return [] if stated == _sha("SC-EXCL-1\n") else None
        raw = self.record["exclusions"]
        if not isinstance(raw, list) or not all(isinstance(p, list) and len(p) == 2 for p in raw):
            self.fail('missing or malformed "exclusions"')
            return None
        if self.strings([v for p in raw for v in p], "exclusions") is None:
            return None
        pairs = sorted({(t, i) for t, i in raw})
        if _sha("SC-EXCL-1\n" + "".join(f"{t}\t{i}\n" for t, i in pairs)) != stated:
            self.fail("exclusions digest mismatch")
        return pairs

    def check_teams(
        self,
        match: dict[str, Any],
        roster: list[Inspector],
        exclusions: list[tuple[str, str]],
        targets: list[str],
        seed_hex: str,
        result: dict[str, Any],
    ) -> None:
        raw_slots, cap = match.get("slots"), match.get("cap")
        if not isinstance(raw_slots, list) or not all(isinstance(s, dict) for s in raw_slots):
            self.fail('missing or malformed "input.match.slots"')
            return
        slots: list[Slot] = []
        for s in raw_slots:
            fields = self.strings([s.get("name"), s.get("dept")], "input.match.slots")
            quals = self.strings(s.get("quals"), "input.match.slots")
            if fields is None or quals is None:
                return
            slots.append({"name": fields[0], "dept": fields[1], "quals": tuple(sorted(quals))})
        if not _is_int(cap, 1):
            self.fail('missing or malformed "input.match.cap"')
            return
        excluded: dict[str, set[str]] = {}
        for target, inspector in exclusions:
            excluded.setdefault(target, set()).add(inspector)
        try:
            teams = _match(targets, slots, roster, excluded, cap, seed_hex)
        except _NoInspector as e:
            self.fail(
                f"teams cannot be reproduced: no eligible inspector for target {_json(e.target)} slot {_json(e.slot)}"
            )
            return
        expected = {t: [{"slot": s, "inspector": i} for s, i in team] for t, team in teams.items()}
        if canonical_json(result.get("teams")) != canonical_json(expected):
            self.fail("teams differ")


def _digest_of(name: str, ids: Iterable[str]) -> str:
    return _sha(f"SC-POOL-1\n{name}\n" + "".join(f"{id_}\n" for id_ in ids))


def verify_record(record: Any) -> list[str]:
    """Every reason ``record`` is not an exact, reproducible SC-DRAW-1 record; [] if it is."""
    if not isinstance(record, dict):
        return ["record is not a JSON object"]
    verifier = _Verifier(record)
    try:
        return verifier.run()
    except Exception as e:  # a malformed document is a failure to report, never a crash
        return [*verifier.reasons, f"malformed record ({type(e).__name__})"]
