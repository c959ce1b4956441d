"""Frozen strata: the ids stored in byte order as one text per stratum, with the digests the
database computes (PostgreSQL) or the engine computes (SQLite) — the same either way."""

from bisect import bisect_left

import pytest

from spotcheck.draws.idlist import IdList
from spotcheck.draws.models import FrozenStratum, PoolExclusionGroup
from spotcheck.draws.selectors import full_record, pool_exclusions
from spotcheck.drawspec import engine, verify_draw
from tests.factories import InspectionObjectFactory


def test_idlist_indexes_fixed_width_text_in_place():
    ids = ["91320481MA0000001X", "91320481MA0000002Y", "91320481MA0000003Z"]
    lst = IdList("\n".join(ids), 3)
    assert lst._stride == 19
    assert [lst[0], lst[2], lst[-1]] == [ids[0], ids[2], ids[2]]
    assert lst[1:] == ids[1:] and list(lst) == ids and lst == ids and len(lst) == 3
    assert bisect_left(lst, ids[1]) == 1
    with pytest.raises(IndexError):
        lst[3]


def test_idlist_splits_ids_of_different_lengths():
    ids = sorted(["P320481-000001", "91320481MA0000001X", "产品-甲"], key=str.encode)
    lst = IdList("\n".join(ids), 3)
    assert lst._stride == 0
    assert [lst[k] for k in range(3)] == ids and lst[::-1] == ids[::-1]
    # Same total length as fixed width would need, but the separators are elsewhere.
    assert IdList("ab\nc\nde", 3)._stride == 0 and list(IdList("ab\nc\nde", 3)) == ["ab", "c", "de"]


def test_idlist_empty():
    assert len(IdList("", 0)) == 0 and list(IdList("", 0)) == [] and IdList.of([]) == []


def test_frozen_strata_are_byte_ordered_and_their_digests_match_the_engine(
    make_task, run_ceremony, objects, scjg, towns
):
    # Codes of different lengths and scripts: byte order is not the database's default order.
    extra = [
        InspectionObjectFactory(product=True, region=towns[0], owner_department=scjg, credit_level="C"),
        InspectionObjectFactory(
            product=True, public_code="产品-食品-001", region=towns[1], owner_department=scjg, credit_level="C"
        ),
        InspectionObjectFactory(
            product=True, public_code="Z-最后", region=towns[1], owner_department=scjg, credit_level="B"
        ),
        InspectionObjectFactory(region=towns[0], owner_department=scjg, status="revoked"),
    ]
    task = make_task(
        strata=[
            {"name": "C类", "filter": {"credit_levels": ["C", "D"]}, "ratio": "0.5"},
            {"name": "失信", "filter": {"serious_violation_list": True}, "ratio": "1"},
            {"name": "一般", "ratio": "0.25", "minimum": 1},
        ],
        max_visits_per_inspector=100,  # more targets than the fixture's 4 was made for: never let it bind
    )
    task = run_ceremony(task)
    rows = {s.name: s for s in FrozenStratum.objects.filter(task=task)}
    assert rows["失信"].count == 0 and rows["失信"].ids == ""
    every = [o for o in [*objects, *extra] if o.status == "active"]
    for name, wanted in {
        "C类": [o.public_code for o in every if o.credit_level in ("C", "D")],
        "一般": [o.public_code for o in every if o.credit_level not in ("C", "D")],
        "失信": [],
    }.items():
        ordered = engine.sort_ids(wanted)
        assert rows[name].ids == "\n".join(ordered) and rows[name].count == len(ordered)
        assert task.strata.get(name=name).digest == engine.stratum_digest(name, ordered)
    (excluded,) = pool_exclusions(task)
    assert excluded.inspection_object == extra[3] and excluded.reason == PoolExclusionGroup.Reason.INACTIVE
    record = full_record(task)
    assert verify_draw.verify(record) == [] and engine.verify_record(record) == []
