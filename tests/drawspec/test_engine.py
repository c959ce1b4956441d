"""The draw engine's rules, one by one (DRAW-SPEC.md §1–§8)."""

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.drawspec import engine, verify_draw
from spotcheck.drawspec.engine import DrawInputError, MatchError

SEED = hashlib.sha256(b"test").hexdigest()
SECRET = "0f" * 32


# ------------------------------------------------------------------------ canonical strings


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "为空"),
        (" A1", "首尾含有空白字符"),
        ("A1 ", "首尾含有空白字符"),
        ("\u3000A1", "首尾含有空白字符"),  # ideographic space
        ("A1\u00a0", "首尾含有空白字符"),  # no-break space
        ("A1\u0085", "首尾含有空白字符"),  # next line (white space, though not below U+0020)
        ("A\tB", "含有控制字符"),
        ("A\nB", "含有控制字符"),
        ("A\x00B", "含有控制字符"),
        ("A\x7fB", "含有控制字符"),
        ("e\u0301", "不是 NFC 规范化形式"),  # e + combining acute; NFC is "é"
        ("\ud800", "含有无效的 Unicode 字符"),  # lone surrogate
        (123, "不是文本"),
        (None, "不是文本"),
    ],
)
def test_non_canonical_strings_are_refused(value, problem):
    with pytest.raises(DrawInputError, match=problem) as caught:
        engine.check_canonical(value, "分层“A类”中的编号")
    assert str(caught.value).startswith("分层“A类”中的编号")


@pytest.mark.parametrize("value", ["A1", "A B", "中文", "😀", "é", "OBJ-天桥区2342建材经营部", "a\u0085b", "x" * 500])
def test_canonical_strings_are_returned_unchanged(value):
    assert engine.check_canonical(value, "编号") is value


def test_control_characters_are_shown_in_the_message():
    hasher = engine.StratumHasher("A类")
    with pytest.raises(DrawInputError) as caught:
        hasher.add("91\tX")
    assert str(caught.value) == "分层“A类”中的编号“91\\u0009X”含有控制字符"


def test_order_is_utf8_byte_order():
    ids = ["b", "a", "Z", "中", "😀", "\uffff", "é", "a b", "ab"]
    assert engine.sort_ids(ids) == sorted(ids, key=engine.utf8_key)
    assert engine.utf8_key("é") == b"\xc3\xa9"


def test_stratum_hasher_refuses_duplicates_and_disorder():
    hasher = engine.StratumHasher("A")
    hasher.update(["A1", "A2"])
    with pytest.raises(DrawInputError, match="分层“A”中的编号“A2”重复"):
        hasher.add("A2")
    hasher = engine.StratumHasher("A")
    with pytest.raises(DrawInputError, match="未按字节顺序排列"):
        hasher.update(["b", "a"])


def test_stratum_hasher_streams_to_the_spec_digest():
    ids = [f"ID-{k:05d}" for k in range(10_000)] + ["中文", "😀"]
    hasher = engine.StratumHasher("风险-高")
    for k in range(0, len(ids), 777):
        hasher.update(ids[k : k + 777])
    expected = hashlib.sha256(("SC-POOL-1\n风险-高\n" + "".join(f"{i}\n" for i in ids)).encode()).hexdigest()
    assert (hasher.count, hasher.hexdigest()) == (len(ids), expected)
    assert engine.stratum_digest("风险-高", ids) == expected
    assert engine.stratum_digest("空", []) == hashlib.sha256("SC-POOL-1\n空\n".encode()).hexdigest()


# ------------------------------------------------------------------------------- sample size


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("0", (0, 0)), ("1", (1, 0)), ("1.0", (10, 1)), ("0.000001", (1, 6)), ("0.05", (5, 2)), ("1.000000", (10**6, 6))],
)
def test_ratio_parsing(text, parsed):
    assert engine.parse_ratio(text) == parsed


@pytest.mark.parametrize(
    "text",
    ["1.0000001", "0.0000001", "1.5", "2", "1.000001", ".5", "1.", "-0", "+0.5", "0,5", " 0.5", "0.5 ", "", "1e-1",
     "０.５", "٠.٥", "0.5\n", 0.5, None],
)  # fmt: skip
def test_bad_ratios_are_refused(text):
    with pytest.raises(DrawInputError, match="抽取比例"):
        engine.parse_ratio(text)


@pytest.mark.parametrize(
    ("count", "ratio", "minimum", "maximum", "n"),
    [
        (0, "0.5", None, None, 0),
        (0, "1", 3, None, 0),  # the minimum cannot exceed the stratum
        (10, "0.05", None, None, 1),  # ceil(0.5)
        (100, "0.05", None, None, 5),
        (101, "0.05", None, None, 6),
        (10, "0", None, None, 0),
        (10, "0", 3, None, 3),
        (10, "1", None, None, 10),
        (10, "1", None, 4, 4),
        (10, "0.1", 5, 3, 3),  # the maximum is applied last
        (2, "0.333333", None, None, 1),
        (3, "0.333333", None, None, 1),  # 0.999999 → 1
        (3_000_000, "0.333333", None, None, 999_999),
        (1_000_000, "0.000001", None, None, 1),
        (1_000_001, "0.000001", None, None, 2),
        (10**12 + 1, "0.5", None, None, 5 * 10**11 + 1),  # exact at any size: no floats
    ],
)
def test_sample_size(count, ratio, minimum, maximum, n):
    assert engine.sample_size(count, ratio, minimum, maximum) == n


@pytest.mark.parametrize(("minimum", "maximum"), [(-1, None), (None, -1), (True, None), (1.5, None), ("2", None)])
def test_sample_size_bounds_must_be_counts(minimum, maximum):
    with pytest.raises(DrawInputError):
        engine.sample_size(10, "0.5", minimum, maximum)


# -------------------------------------------------------------------------------- ceremony


def test_server_secret_and_commitment():
    secret = engine.new_server_secret()
    assert re.fullmatch("[0-9a-f]{64}", secret) and secret != engine.new_server_secret()
    assert engine.commitment(secret) == hashlib.sha256(f"SC-COMMIT-1\n{secret}".encode()).hexdigest()
    for bad in [secret.upper(), secret[:-1], secret + "0", "g" * 64]:
        with pytest.raises(DrawInputError, match="服务器密钥"):
            engine.commitment(bad)


def test_seed_binds_every_witness_in_order():
    digest = "ab" * 32
    seed = engine.seed(digest, SECRET, ["123456", "654321"])
    assert seed == hashlib.sha256(f"SC-SEED-1\n{digest}\n{SECRET}\n123456\n654321\n".encode()).hexdigest()
    assert engine.seed(digest, SECRET, ["654321", "123456"]) != seed
    assert engine.seed(digest, SECRET, ["x" * 64, "掷骰子 3 5 6"])  # 64 characters, not bytes


@pytest.mark.parametrize(
    ("witnesses", "problem"),
    [
        ([], "至少需要 2 名见证人"),
        (["123456"], "至少需要 2 名见证人"),
        ("123456", "至少需要 2 名见证人"),  # a string is not a list of inputs
        (["123456", "x" * 65], "第 2 名见证人的输入.*超过 64 个字符"),
        (["123456", " 1"], "第 2 名见证人的输入.*首尾含有空白字符"),
        (["", "1"], "第 1 名见证人的输入为空"),
    ],
)
def test_witness_rules(witnesses, problem):
    with pytest.raises(DrawInputError, match=problem):
        engine.seed("ab" * 32, SECRET, witnesses)


# ---------------------------------------------------------------------------------- drawing


def naive_draw(name: str, ids: list[str], n: int, seed: str) -> list[str]:
    """§7 as written: shuffle a full copy."""
    a = list(ids)
    for i in range(n):
        h = hashlib.sha256(f"SC-DRAW-1\n{seed}\n{name}\n{i}".encode()).digest()
        j = i + int.from_bytes(h, "big") % (len(a) - i)
        a[i], a[j] = a[j], a[i]
    return a[:n]


def test_sparse_fisher_yates_equals_the_full_shuffle():
    for size in range(25):
        ids = [f"ID{k:02d}" for k in range(size)]
        for n in range(size + 1):
            for s in range(3):
                seed = hashlib.sha256(f"{size}-{n}-{s}".encode()).hexdigest()
                assert engine.draw_stratum("A", ids, n, seed) == naive_draw("A", ids, n, seed)


def test_draw_size_must_fit_the_stratum():
    with pytest.raises(DrawInputError):
        engine.draw_stratum("A", ["a", "b"], 3, SEED)
    assert engine.draw_stratum("A", [], 0, SEED) == []


def test_an_id_in_two_strata_is_refused():
    with pytest.raises(DrawInputError, match="编号“X1”同时出现在分层“A”和“B”中"):
        engine.build_record(
            task="T1",
            strata=[("A", ["X1", "X2"], "1", None, None), ("B", ["X1"], "1", None, None)],
            slots=[],
            cap=1,
            roster=[],
            exclusions=[],
            server_secret=SECRET,
            witnesses=["1", "2"],
        )


def test_input_refuses_duplicates():
    with pytest.raises(DrawInputError, match="检查人员编号“I1”在人员名单中重复"):
        engine.roster_digest([{"id": "I1", "dept": "D", "quals": []}] * 2)
    with pytest.raises(DrawInputError, match="岗位名称“S”重复"):
        engine.input_document("T", [], [{"name": "S", "dept": "D", "quals": []}] * 2, 1, "r", "e")
    with pytest.raises(DrawInputError, match="资格代码“a,b”含有逗号"):
        engine.roster_digest([{"id": "I1", "dept": "D", "quals": ["a,b"]}])
    with pytest.raises(DrawInputError, match="任务上限"):
        engine.input_document("T", [], [], 0, "r", "e")


def test_exclusions_digest_orders_distinct_pairs():
    pairs = [("T2", "I1"), ("T1", "I2"), ("T1", "I1"), ("T2", "I1")]
    expected = hashlib.sha256(b"SC-EXCL-1\nT1\tI1\nT1\tI2\nT2\tI1\n").hexdigest()
    assert engine.exclusions_digest(pairs) == expected
    assert engine.exclusions_digest([]) == hashlib.sha256(b"SC-EXCL-1\n").hexdigest()


# --------------------------------------------------------------------------------- matching


def inspector(id_: str, dept: str = "SCJG", quals: tuple[str, ...] = ()) -> dict:
    return {"id": id_, "dept": dept, "quals": list(quals)}


SLOT = {"name": "市场监管", "dept": "SCJG", "quals": []}


def test_match_respects_dept_quals_exclusions_team_and_cap():
    roster = [inspector("I1"), inspector("I2", quals=("food",)), inspector("I3", dept="WJW"), inspector("I4")]
    slots = [{"name": "S1", "dept": "SCJG", "quals": ["food"]}, {"name": "S2", "dept": "SCJG", "quals": []}]
    teams = engine.match_inspectors(["T1", "T2"], slots, roster, [("T2", "I4")], 2, SEED)
    assert teams["T1"][0] == ("S1", "I2")  # the only one with "food"
    assert teams["T2"] == [("S1", "I2"), ("S2", "I1")]  # I2 is on the team, I4 excluded


def test_match_failure_names_target_and_slot_and_suggests_a_cap():
    roster = [inspector("I1"), inspector("I2")]
    with pytest.raises(MatchError) as caught:
        engine.match_inspectors(["T1", "T2", "T3"], [SLOT], roster, [], 1, SEED)
    error = caught.value
    assert (error.target, error.slot, error.suggested_cap) == ("T3", "市场监管", 2)
    assert "检查对象“T3”的岗位“市场监管”" in str(error)
    assert "建议将每名检查人员的任务上限调整为 2" in str(error)
    assert engine.match_inspectors(["T1", "T2", "T3"], [SLOT], roster, [], 2, SEED)


def test_suggested_cap_is_the_smallest_that_works():
    roster = [inspector(f"I{k}") for k in range(5)]
    slots = [SLOT, {"name": "第二人", "dept": "SCJG", "quals": []}]
    targets = [f"T{k:02d}" for k in range(23)]
    exclusions = [(t, f"I{k % 5}") for k, t in enumerate(targets)]
    with pytest.raises(MatchError) as caught:
        engine.match_inspectors(targets, slots, roster, exclusions, 3, SEED)
    suggested = caught.value.suggested_cap
    assert suggested is not None
    engine.match_inspectors(targets, slots, roster, exclusions, suggested, SEED)
    for cap in range(3, suggested):
        with pytest.raises(MatchError):
            engine.match_inspectors(targets, slots, roster, exclusions, cap, SEED)


def test_match_failure_that_no_cap_can_fix():
    roster = [inspector("I1"), inspector("I2")]
    with pytest.raises(MatchError, match="提高任务上限也无法解决") as caught:
        engine.match_inspectors(["T1"], [SLOT], roster, [("T1", "I1"), ("T1", "I2")], 5, SEED)
    assert (caught.value.target, caught.value.slot, caught.value.suggested_cap) == ("T1", "市场监管", None)
    with pytest.raises(MatchError) as caught:  # a team of two from a department of one
        engine.match_inspectors(["T1"], [SLOT, {"name": "B", "dept": "SCJG", "quals": []}], roster[:1], [], 5, SEED)
    assert (caught.value.slot, caught.value.suggested_cap) == ("B", None)


def test_no_slots_no_teams():
    assert engine.match_inspectors(["T1", "T2"], [], [], [], 1, SEED) == {}


def test_fast_match_equals_the_plain_one_when_caps_bind():
    # The engine skips excluded and full inspectors by rank; the public verifier filters the
    # whole roster for every pick. Both must pick the same, here with most inspectors full.
    roster = [inspector(f"I{k:02d}", dept="SCJG" if k % 3 else "卫健", quals=("food",) * (k % 2)) for k in range(30)]
    slots = [{"name": "S1", "dept": "SCJG", "quals": ["food"]}, SLOT, {"name": "S3", "dept": "卫健", "quals": []}]
    targets = [f"T{k:03d}" for k in range(200)]
    exclusions = [(t, f"I{(k * 7 + j) % 30:02d}") for k, t in enumerate(targets) for j in range(k % 4)]
    plain_roster = sorted(roster, key=lambda p: p["id"])
    for cap in (22, 27, 28, 31, 200):  # failing and succeeding
        teams, failure = verify_draw.match(targets, slots, plain_roster, set(exclusions), cap, SEED)
        if failure is None:
            expected = {t: [(m["slot"], m["inspector"]) for m in team] for t, team in teams.items()}
            assert engine.match_inspectors(targets, slots, roster, exclusions, cap, SEED) == expected
        else:
            with pytest.raises(MatchError) as caught:
                engine.match_inspectors(targets, slots, roster, exclusions, cap, SEED)
            assert (caught.value.target, caught.value.slot) == failure


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="09AZaz -\t\n", min_size=0, max_size=4),
            st.sampled_from(["A1", "B2", " A", "A ", "", "甲", "a\x7f", "e\u0301"]),
        ),
        max_size=12,
    )
)
def test_block_fast_path_agrees_with_the_id_by_id_check(ids):
    """A list handed to StratumHasher.update as a block gives the digest, count and refusal
    that adding the ids one by one gives."""

    def outcome(feed):
        hasher = engine.StratumHasher("层")
        try:
            feed(hasher)
        except engine.DrawInputError:
            return "refused"
        return hasher.count, hasher.hexdigest()

    def one_by_one(hasher):
        for id_ in ids:
            hasher.add(id_)

    assert outcome(lambda h: h.update(list(ids))) == outcome(one_by_one)
    ordered = engine.sort_ids(set(ids))
    assert outcome(lambda h: h.update(ordered)) == outcome(lambda h: [h.add(i) for i in ordered])
