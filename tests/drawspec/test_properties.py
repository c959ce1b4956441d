"""Properties of whole draws on random pools, rosters and exclusions: every record the engine
makes verifies (with the engine and with the independent public verifier), tampering is caught,
and the result depends on the sets given, not on the order they come in."""

import copy
import hashlib
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spotcheck.drawspec import engine, verify_draw

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ID_CHARS = "AB79-中文😀é "  # non-ASCII, astral and inner spaces; ids are filtered to canonical ones
ids_st = st.text(ID_CHARS, min_size=1, max_size=5).filter(lambda s: s.strip() == s)
DEPTS = ["SCJG", "卫健"]
QUALS = ["food", "药品"]


@st.composite
def ratios(draw: st.DrawFn) -> str:
    decimals = draw(st.integers(0, 6))
    p = draw(st.integers(0, 10**decimals))
    whole, fraction = divmod(p, 10**decimals)
    return f"{whole}.{fraction:0{decimals}d}" if decimals else str(whole)


@st.composite
def draw_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments of engine.build_record: strata that may be empty, a roster of two
    departments, slots, exclusions (some on drawn targets), a cap, witnesses and a secret."""
    names = draw(st.lists(st.sampled_from(["A", "B", "信用-A", "风险-高"]), min_size=1, max_size=3, unique=True))
    ids = draw(st.lists(ids_st, min_size=2, max_size=25, unique=True))
    homes = draw(st.lists(st.sampled_from(names), min_size=len(ids), max_size=len(ids)))
    optional_count = st.none() | st.integers(0, 8)
    strata = [
        (
            name,
            [i for i, home in zip(ids, homes, strict=True) if home == name],
            draw(ratios()),
            draw(optional_count),
            draw(optional_count),
        )
        for name in names
    ]
    roster = [
        {
            "id": f"执法证{k:02d}",
            "dept": draw(st.sampled_from(DEPTS)),
            "quals": draw(st.lists(st.sampled_from(QUALS), unique=True)),
        }
        for k in range(draw(st.integers(1, 10)))
    ]
    slots = [
        {
            "name": f"岗位{k}",
            "dept": draw(st.sampled_from(DEPTS)),
            "quals": draw(st.lists(st.sampled_from(QUALS), unique=True, max_size=1)),
        }
        for k in range(draw(st.integers(0, 3)))
    ]
    people = [p["id"] for p in roster]
    exclusions = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(people)), max_size=12))
    return {
        "task": "T2026-001",
        "strata": strata,
        "slots": slots,
        "cap": draw(st.integers(1, 6)),
        "roster": roster,
        "exclusions": exclusions,
        "server_secret": draw(st.binary(min_size=32, max_size=32)).hex(),
        "witnesses": draw(
            st.lists(
                st.text(ID_CHARS, min_size=1, max_size=64).filter(lambda s: s.strip() == s), min_size=2, max_size=4
            )
        ),
    }


def build(inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The record, or None when no match exists — after checking that the public verifier's
    plain §8 matching fails at the same target and slot."""
    try:
        return engine.build_record(**inputs)
    except engine.MatchError as error:
        # The ceremony step by step, up to the targets the match failed on.
        pool = {name: engine.sort_ids(ids) for name, ids, *_ in inputs["strata"]}
        summaries = [
            {
                "name": name,
                "count": len(pool[name]),
                "digest": engine.stratum_digest(name, pool[name]),
                "ratio": ratio,
                "min": minimum,
                "max": maximum,
            }
            for name, _, ratio, minimum, maximum in inputs["strata"]
        ]
        roster_digest = engine.roster_digest(inputs["roster"])
        doc = engine.input_document(
            inputs["task"],
            summaries,
            inputs["slots"],
            inputs["cap"],
            roster_digest,
            engine.exclusions_digest(inputs["exclusions"]),
        )
        seed = engine.seed(engine.input_digest(doc), inputs["server_secret"], inputs["witnesses"])
        targets = [
            id_
            for s in doc["strata"]
            for id_ in engine.draw_stratum(
                s["name"], pool[s["name"]], engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]), seed
            )
        ]
        roster = sorted(inputs["roster"], key=lambda p: p["id"])
        excluded = set(map(tuple, inputs["exclusions"]))
        _, failure = verify_draw.match(targets, doc["match"]["slots"], roster, excluded, inputs["cap"], seed)
        assert failure == (error.target, error.slot)
        return None


def assert_verifies(record: dict[str, Any]) -> None:
    assert engine.verify_record(record) == []
    assert verify_draw.verify(record) == []


def assert_fails(record: dict[str, Any], reason: str) -> None:
    reasons = engine.verify_record(record)
    assert reason in reasons
    assert verify_draw.verify(record) == reasons


@SETTINGS
@given(draw_inputs(), st.data())
def test_records_verify_and_tampering_is_caught(inputs, data):
    record = build(inputs)
    assume(record is not None)
    assert_verifies(record)
    assert_verifies(engine.public_copy(record))

    targets = record["result"]["targets"]
    if targets:
        k = data.draw(st.integers(0, len(targets) - 1))
        tampered = copy.deepcopy(record)
        others = [i for ids in record["pool"].values() for i in ids if i != targets[k]["id"]]
        tampered["result"]["targets"][k]["id"] = data.draw(st.sampled_from(others)) if others else "91000000MA00000000"
        assert_fails(tampered, "targets differ")
        assert_fails(engine.public_copy(tampered), "targets differ")

    teams = record["result"]["teams"]
    if teams:
        target = data.draw(st.sampled_from(sorted(teams)))
        slot = data.draw(st.integers(0, len(teams[target]) - 1))
        tampered = copy.deepcopy(record)
        member = tampered["result"]["teams"][target][slot]
        member["inspector"] = "执法证98" if member["inspector"] != "执法证98" else "执法证97"
        assert_fails(tampered, "teams differ")


@SETTINGS
@given(draw_inputs(), st.randoms(use_true_random=False))
def test_order_of_the_inputs_does_not_matter(inputs, rnd):
    record = build(inputs)
    assume(record is not None)
    shuffled = copy.deepcopy(inputs)
    for _name, ids, *_ in shuffled["strata"]:
        rnd.shuffle(ids)
    for key in ("strata", "roster", "exclusions"):
        rnd.shuffle(shuffled[key])
    for person in shuffled["roster"]:
        rnd.shuffle(person["quals"])
    assert engine.build_record(**shuffled) == record


@SETTINGS
@given(st.lists(ids_st, max_size=40, unique=True), st.binary(min_size=1, max_size=8), st.data())
def test_drawing_one_more_extends_the_draw(ids, seed_bytes, data):
    ids = engine.sort_ids(ids)
    n = data.draw(st.integers(0, max(len(ids) - 1, 0)))
    seed = hashlib.sha256(seed_bytes).hexdigest()
    drawn = engine.draw_stratum("A", ids, n, seed)
    assert len(set(drawn)) == n and set(drawn) <= set(ids)
    if n < len(ids):
        assert engine.draw_stratum("A", ids, n + 1, seed)[:n] == drawn


@SETTINGS
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"])), max_size=30))
def test_str_order_is_utf8_byte_order(values):
    assert engine.sort_ids(values) == sorted(values, key=engine.utf8_key)


JSON_VALUES = st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=3) | st.just([]) | st.just({})


@settings(SETTINGS, max_examples=60)
@given(draw_inputs(), st.data())
def test_malformed_records_are_reported_never_crash(inputs, data):
    record = build(inputs)
    assume(record is not None)
    # Replace one value anywhere in the document by some other JSON value.
    node: Any = record
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if isinstance(node[key], dict | list) and node[key] and data.draw(st.booleans()):
            node = node[key]
            continue
        old, node[key] = node[key], data.draw(JSON_VALUES)
        assume(old != node[key] or type(old) is not type(node[key]))
        break
    reasons = engine.verify_record(record)
    assert reasons  # every value of a record is covered by some check
    assert verify_draw.verify(record)
