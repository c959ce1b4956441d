#!/usr/bin/env python3
"""验证“双随机、一公开”抽取记录（SC-DRAW-1 协议）的验证程序。Verify a published draw record (SC-DRAW-1).

用法 / Usage:

    python3 verify_draw.py 记录.json              # 中文输出 / output in Chinese
    python3 verify_draw.py --lang en RECORD.json  # English output

只需 Python 3.10 及以上版本，不需要安装任何软件包，也不需要联网。
完全重现时打印“验证通过”，退出码 0；否则逐行列出每一个不符之处，退出码 1；文件无法读取或不是 JSON，退出码 2。

本程序独立于平台代码，按协议重新计算并核对：
  1. 每个分层的对象数和摘要，且没有对象同时出现在两个分层；
  2. 检查人员名单摘要、回避名单摘要（记录中含回避名单时）、输入摘要、对象库摘要；
  3. 公开的服务器密钥与事先公布的承诺值相符；见证人不少于两名；随机种子由输入摘要、
     服务器密钥和全部见证人输入按顺序算出；
  4. 抽中的检查对象（编号、序号、顺序）；
  5. 检查人员匹配结果（记录中含回避名单时，或回避名单为空时；回避名单不公开时无法核对，
     程序会在标准错误输出中提示）。

Needs only Python 3.10+, no packages, no network. With --lang en: prints OK and exits 0 when the record is
reproduced exactly; otherwise prints every discrepancy, one per line, and exits 1; exits 2 if
the file cannot be read or is not JSON. Written independently of the platform's code, it
recomputes and checks: each stratum's count and digest and that no id is in two strata; the
roster digest, the exclusions digest (when the record includes the exclusions), the input
digest and the pool digest; the server secret against the commitment published beforehand, at
least two witnesses, and the seed; the drawn targets (ids, ranks, order); and the inspector
teams (when the exclusions are included or known to be empty).
"""

import hashlib
import json
import re
import sys
import unicodedata
from itertools import pairwise

SPEC = "SC-DRAW-1"


def sha256_hex(text):
    # "surrogatepass" only so that a broken record is reported instead of crashing the program
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def quoted(value):
    return json.dumps(value, ensure_ascii=False)


def is_canonical(s):
    """Spec §1: NFC, not empty, no white space at either end, no control characters."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        s != ""
        and not s[0].isspace()
        and not s[-1].isspace()
        and not any(c < " " or c == "\x7f" for c in s)
        and unicodedata.is_normalized("NFC", s)
    )


def is_count(value, least=0):
    return type(value) is int and value >= least


def sample_size(count, ratio, minimum, maximum):
    """Spec §3; None if the ratio, minimum or maximum is not valid."""
    if not isinstance(ratio, str) or not re.fullmatch(r"[0-9]+(\.[0-9]{1,6})?", ratio):
        return None
    whole, _, fraction = ratio.partition(".")
    p, scale = int(whole + fraction), 10 ** len(fraction)
    if p > scale or not all(v is None or is_count(v) for v in (minimum, maximum)):
        return None
    n = (count * p + scale - 1) // scale  # ceil(count × ratio), in whole numbers
    if minimum is not None:
        n = max(n, minimum)
    n = min(n, count)
    if maximum is not None:
        n = min(n, maximum)
    return n


def stratum_digest(name, ids):
    return sha256_hex("SC-POOL-1\n" + name + "\n" + "".join(i + "\n" for i in ids))


def draw(name, ids, n, seed):
    """Spec §7: the first n places of a Fisher–Yates shuffle driven by the seed."""
    a = list(ids)
    for i in range(n):
        h = sha256_hex("SC-DRAW-1\n" + seed + "\n" + name + "\n" + str(i))
        j = i + int(h, 16) % (len(a) - i)
        a[i], a[j] = a[j], a[i]
    return a[:n]


def match(targets, slots, roster, excluded, cap, seed):
    """Spec §8. Returns (teams, None), or (None, (target, slot)) when no one is eligible."""
    # Who may ever fill each slot (department and qualifications), in id order.
    candidates = [
        [p["id"] for p in roster if p["dept"] == s["dept"] and set(s["quals"]) <= set(p["quals"])] for s in slots
    ]
    load = {p["id"]: 0 for p in roster}
    teams = {}
    for t in targets:
        team = []
        for s, ids in zip(slots, candidates, strict=True):
            on_team = [m["inspector"] for m in team]
            eligible = [i for i in ids if (t, i) not in excluded and i not in on_team and load[i] < cap]
            if not eligible:
                return None, (t, s["name"])
            h = sha256_hex("SC-MATCH-1\n" + seed + "\n" + t + "\n" + s["name"])
            chosen = eligible[int(h, 16) % len(eligible)]
            load[chosen] += 1
            team.append({"slot": s["name"], "inspector": chosen})
        if slots:
            teams[t] = team
    return teams, None


def same_json(a, b):
    # compare as JSON text, so that 1 and true, or 1 and 1.0, are not taken as equal
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def verify(record):
    """Every reason the record fails, in English; an empty list means it is reproduced exactly."""
    if not isinstance(record, dict):
        return ["record is not a JSON object"]
    reasons = []

    def fail(reason):
        if reason not in reasons:
            reasons.append(reason)

    def get(parent, key, kind, label):
        value = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool):
            fail(f'missing or malformed "{label}"')
            return None
        return value

    def strings(values, label):
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            fail(f'missing or malformed "{label}"')
            return None
        for v in values:
            if not is_canonical(v):
                fail(f"{label}: {quoted(v)} is not a canonical string")
        return values

    try:
        check(record, fail, get, strings)
    except Exception as e:  # a malformed record must be reported, never crash the verifier
        fail(f"malformed record ({type(e).__name__})")
    return reasons


def check(record, fail, get, strings):
    """The checks of spec §9, in order. A check whose data is malformed is skipped: the
    malformed part has already been reported, so nothing can pass unchecked."""
    if record.get("spec") != SPEC:
        fail(f'spec is not "{SPEC}"')
    inp = get(record, "input", dict, "input")
    if inp is not None and inp.get("spec") != SPEC:
        fail(f'input spec is not "{SPEC}"')
    match_params = get(inp, "match", dict, "input.match")

    # 1. The pool: each stratum in byte order, no id in two strata.
    pool = get(record, "pool", dict, "pool")
    if pool is not None:
        for name, ids in pool.items():
            if not is_canonical(name):
                fail(f"stratum {quoted(name)}: name is not a canonical string")
            if strings(ids, f"stratum {quoted(name)} ids") is None:
                pool = None
                break
            if any(a >= b for a, b in pairwise(ids)):
                fail(f"stratum {quoted(name)} ids not in strictly increasing byte order")
    if pool is not None:
        pool = {name: sorted(ids) for name, ids in pool.items()}
        seen = {}
        for name, ids in pool.items():
            for i in ids:
                if seen.setdefault(i, name) != name:
                    fail(f"id {quoted(i)} in two strata")

    # 2. Each stratum of the input: count, digest, and its sample size.
    sizes = {}
    strata = get(inp, "strata", list, "input.strata")
    for s in strata if strata is not None else []:
        name = s.get("name") if isinstance(s, dict) else None
        if not isinstance(name, str) or name in sizes:
            fail('missing or malformed "input.strata"')
            sizes = None
            break
        count = 0
        if pool is not None:
            if name not in pool:
                fail(f"stratum {quoted(name)} missing from pool")
                sizes = None
                break
            count = len(pool[name])
            if not is_count(s.get("count")) or s["count"] != count:
                fail(f"stratum {quoted(name)} count mismatch")
            if s.get("digest") != stratum_digest(name, pool[name]):
                fail(f"stratum {quoted(name)} digest mismatch")
        sizes[name] = sample_size(count, s.get("ratio"), s.get("min"), s.get("max"))
        if sizes[name] is None:
            fail(f"stratum {quoted(name)} ratio, min or max invalid")
            sizes = None
            break
    if strata is None:
        sizes = None
    if sizes is not None:
        if list(sizes) != sorted(sizes):
            fail("input strata not ordered by name")
        for name in sorted(set(pool or {}) - set(sizes)):
            fail(f"pool stratum {quoted(name)} not in input")

    # 3. The roster (inspectors in id order) and its digest.
    roster = get(record, "roster", list, "roster")
    for p in roster or []:
        if not isinstance(p, dict) or not isinstance(p.get("id"), str) or not isinstance(p.get("dept"), str):
            fail('missing or malformed "roster"')
            roster = None
            break
        if strings(p.get("quals"), "roster") is None:
            roster = None
            break
        strings([p["id"], p["dept"]], "roster")
    if roster is not None:
        ids = [p["id"] for p in roster]
        if ids != sorted(set(ids)):
            fail("roster not ordered by id, or an id listed twice")
        roster = sorted(roster, key=lambda p: p["id"])
        text = "".join(p["id"] + "\t" + p["dept"] + "\t" + ",".join(sorted(p["quals"])) + "\n" for p in roster)
        if match_params is not None and sha256_hex("SC-ROSTER-1\n" + text) != match_params.get("roster_digest"):
            fail("roster digest mismatch")

    # 4. The exclusions (回避名单). The public copy leaves them out; then the teams can be
    #    checked only if the input says the list is empty.
    stated = match_params.get("exclusions_digest") if match_params is not None else None
    excluded = None
    if "exclusions" not in record:
        if stated == sha256_hex("SC-EXCL-1\n"):
            excluded = set()
    else:
        pairs = record["exclusions"]
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            fail('missing or malformed "exclusions"')
        elif strings([v for p in pairs for v in p], "exclusions") is not None:
            excluded = {(t, i) for t, i in pairs}
            text = "".join(t + "\t" + i + "\n" for t, i in sorted(excluded))
            if sha256_hex("SC-EXCL-1\n" + text) != stated:
                fail("exclusions digest mismatch")

    # 5. The input digest and the pool digest.
    if inp is not None:
        canonical = json.dumps(inp, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if sha256_hex("SC-INPUT-1\n" + canonical) != record.get("input_digest"):
            fail("input digest mismatch")
    if pool is not None:
        lines = [f"{name}\t{len(ids)}\t{stratum_digest(name, ids)}\n" for name, ids in sorted(pool.items())]
        if sha256_hex("SC-POOL-1\n" + "".join(lines)) != record.get("pool_digest"):
            fail("pool digest mismatch")

    # 6. The ceremony: secret against commitment, witnesses, seed.
    secret = get(record, "server_secret", str, "server_secret")
    if secret is not None:
        if not re.fullmatch(r"[0-9a-f]{64}", secret):
            fail("server secret is not 64 lowercase hex characters")
        if sha256_hex("SC-COMMIT-1\n" + secret) != record.get("commitment"):
            fail("server secret does not match the commitment")
    witnesses = strings(record.get("witnesses"), "witnesses")
    if witnesses is not None:
        if len(witnesses) < 2:
            fail("fewer than two witnesses")
        for k, w in enumerate(witnesses, start=1):
            if len(w) > 64:
                fail(f"witness {k} longer than 64 characters")
    seed = get(record, "seed", str, "seed")
    input_digest = get(record, "input_digest", str, "input_digest")
    if None not in (secret, witnesses, seed, input_digest):
        text = "SC-SEED-1\n" + input_digest + "\n" + secret + "\n" + "".join(w + "\n" for w in witnesses)
        if sha256_hex(text) != seed:
            fail("seed mismatch")

    # 7. The targets: strata in name order, each stratum's draw in rank order.
    result = get(record, "result", dict, "result")
    if seed is None or result is None or pool is None or sizes is None:
        return
    targets = []
    for name in sorted(sizes):
        for rank, i in enumerate(draw(name, pool[name], sizes[name], seed), start=1):
            targets.append({"stratum": name, "rank": rank, "id": i})
    if not same_json(result.get("targets"), targets):
        fail("targets differ")

    # 8. The teams.
    if match_params is None or roster is None or excluded is None:
        return
    slots, cap = match_params.get("slots"), match_params.get("cap")
    if not isinstance(slots, list) or not all(isinstance(s, dict) for s in slots):
        fail('missing or malformed "input.match.slots"')
        return
    for s in slots:
        if strings([s.get("name"), s.get("dept")], "input.match.slots") is None:
            return
        if strings(s.get("quals"), "input.match.slots") is None:
            return
    if not is_count(cap, 1):
        fail('missing or malformed "input.match.cap"')
        return
    teams, failure = match([t["id"] for t in targets], slots, roster, excluded, cap, seed)
    if failure is not None:
        target, slot = (quoted(v) for v in failure)
        fail(f"teams cannot be reproduced: no eligible inspector for target {target} slot {slot}")
    elif not same_json(result.get("teams"), teams):
        fail("teams differ")


# The reasons in Chinese (the default output): each English reason of verify(), matched whole,
# becomes its Chinese sentence. verify() itself stays in English, the spec's language, so the
# platform's engine and this program can be compared reason by reason. The more specific
# patterns come first.
_Q = r'("(?:[^"\\]|\\.)*")'
ZH_REASONS = [
    (r"record is not a JSON object", "记录不是 JSON 对象"),
    (rf"missing or malformed \"stratum {_Q} ids\"", r"分层 \1 的对象编号缺失或格式不正确"),
    (r'missing or malformed "(.+)"', r'字段 "\1" 缺失或格式不正确'),
    (rf"stratum {_Q} ids: (.+) is not a canonical string", r"分层 \1 的对象编号 \2 不是规范字符串"),
    (rf"stratum {_Q}: name is not a canonical string", r"分层名称 \1 不是规范字符串"),
    (r"(.+): (.+) is not a canonical string", r'字段 "\1" 中的 \2 不是规范字符串'),
    (r"malformed record \((.+)\)", r'记录格式不正确（错误类型 "\1"）'),
    (r'spec is not "(.+)"', r"协议版本不是 \1"),
    (r'input spec is not "(.+)"', r"输入的协议版本不是 \1"),
    (rf"stratum {_Q} ids not in strictly increasing byte order", r"分层 \1 的对象编号未按字节严格递增排列"),
    (rf"id {_Q} in two strata", r"对象编号 \1 同时出现在两个分层"),
    (rf"stratum {_Q} missing from pool", r"对象库中缺少分层 \1"),
    (rf"stratum {_Q} count mismatch", r"分层 \1 的对象数不符"),
    (rf"stratum {_Q} digest mismatch", r"分层 \1 的摘要不符"),
    (rf"stratum {_Q} ratio, min or max invalid", r"分层 \1 的抽取比例、下限或上限无效"),
    (r"input strata not ordered by name", "输入中的分层未按名称排序"),
    (rf"pool stratum {_Q} not in input", r"对象库中的分层 \1 不在输入中"),
    (r"roster not ordered by id, or an id listed twice", "检查人员名单未按编号排序，或有编号重复"),
    (r"roster digest mismatch", "检查人员名单摘要不符"),
    (r"exclusions digest mismatch", "回避名单摘要不符"),
    (r"input digest mismatch", "输入摘要不符"),
    (r"pool digest mismatch", "对象库摘要不符"),
    (r"server secret is not 64 lowercase hex characters", "服务器密钥不是 64 位小写十六进制字符"),
    (r"server secret does not match the commitment", "服务器密钥与事先公布的承诺值不符"),
    (r"fewer than two witnesses", "见证人少于两名"),
    (r"witness ([0-9]+) longer than 64 characters", r"第 \1 名见证人的输入超过 64 个字符"),
    (r"seed mismatch", "随机种子不符"),
    (r"targets differ", "抽中的检查对象不符"),
    (
        rf"teams cannot be reproduced: no eligible inspector for target {_Q} slot {_Q}",
        r"无法重现检查人员匹配：检查对象 \1 的岗位 \2 没有符合条件的检查人员",
    ),
    (r"teams differ", "检查人员匹配结果不符"),
]

MESSAGES = {
    "zh": {
        "usage": "用法：python3 verify_draw.py [--lang en] 记录.json",
        "unreadable": "无法读取 {name}：{error}",
        "ok": "验证通过：抽取记录被完全重现。",
        "failed": "验证未通过，发现 {count} 处不符：",
        "unchecked": "注意：回避名单未公开，未核对检查人员匹配结果。",
    },
    "en": {
        "usage": "usage: python3 verify_draw.py [--lang en] RECORD.json",
        "unreadable": "cannot read {name}: {error}",
        "ok": "OK",
        "failed": None,  # the English output is the reasons alone, one per line
        "unchecked": "note: the exclusions are not published, so the teams were not checked",
    },
}


def in_chinese(reason):
    """The Chinese sentence for one English reason of verify() (the reason itself if unknown)."""
    for pattern, template in ZH_REASONS:
        found = re.fullmatch(pattern, reason)
        if found:
            return found.expand(template)
    return reason


def parse_args(argv):
    """(language, record path) from "[--lang zh|en] RECORD.json" (the flag before or after the
    path, also as --lang=en), or None when the arguments are not understood."""
    args, lang, paths = list(argv[1:]), "zh", []
    while args:
        arg = args.pop(0)
        if arg == "--lang" and args:
            lang = args.pop(0)
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
        elif arg.startswith("-"):
            return None
        else:
            paths.append(arg)
    return (lang, paths[0]) if lang in MESSAGES and len(paths) == 1 else None


def main(argv):
    parsed = parse_args(argv)
    if parsed is None:
        print(MESSAGES["zh"]["usage"], file=sys.stderr)
        return 2
    lang, path = parsed
    text = MESSAGES[lang]
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print(text["unreadable"].format(name=path, error=e), file=sys.stderr)
        return 2
    reasons = verify(record)
    if reasons:
        if text["failed"]:
            print(text["failed"].format(count=len(reasons)))
        for reason in reasons:
            print(in_chinese(reason) if lang == "zh" else reason)
        return 1
    print(text["ok"])
    if "exclusions" not in record and record["input"]["match"]["exclusions_digest"] != sha256_hex("SC-EXCL-1\n"):
        print(text["unchecked"], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
