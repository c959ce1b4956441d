"""Tasks made from an entry of a published annual plan (task_create_from_entry)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from spotcheck.draws import services
from spotcheck.draws.models import Task
from spotcheck.planning import services as planning
from tests.factories import WINDOW, publish_entry

SLOTS = [
    {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
    {"name": "协检", "dept": "SCJG", "quals": []},
]


def _create(entry, actor, **overrides):
    kwargs = {
        "slots": SLOTS,
        "lead_slot": "主检",
        "max_visits_per_inspector": 4,
        "list_publication": "with_notice",
    } | overrides
    return services.task_create_from_entry(actor=actor, entry=entry, **kwargs)


def test_task_copies_the_entry(entry, scjg_admin, scjg, food_item):
    task = _create(entry, scjg_admin)
    assert task.plan_entry == entry
    assert task.status == Task.Status.DRAFT
    assert task.title == entry.name
    assert task.kind == Task.Kind.ROUTINE
    assert task.lead_department == scjg
    assert list(task.participating_departments.all()) == [scjg]
    assert list(task.items.all()) == [food_item], "the item's current published version"
    assert (task.window_start, task.window_end) == WINDOW
    assert task.frequency_cap_days == 180
    assert task.scope == entry.scope
    strata = [(s.name, s.filter, s.ratio, s.minimum, s.maximum) for s in task.strata.order_by("position")]
    assert strata == [
        ("异常名录", {"abnormal_list": True}, "1", None, None),
        ("C类", {"credit_levels": ["C"]}, "0.5", 1, 3),
        ("一般", {}, "0.25", None, None),
    ]


def test_title_and_window_can_be_given(entry, scjg_admin):
    task = _create(
        entry, scjg_admin, title="上半年食品抽查", window_start=dt.date(2026, 4, 1), window_end=dt.date(2026, 5, 31)
    )
    assert task.title == "上半年食品抽查"
    assert (task.window_start, task.window_end) == (dt.date(2026, 4, 1), dt.date(2026, 5, 31))


def test_window_must_lie_within_the_entry(entry, scjg_admin):
    for start, end in ((dt.date(2026, 2, 1), dt.date(2026, 5, 31)), (dt.date(2026, 4, 1), dt.date(2026, 12, 31))):
        with pytest.raises(ValidationError, match="E1") as info:
            _create(entry, scjg_admin, window_start=start, window_end=end)
        assert "时间" in info.value.messages[0]
    assert not Task.objects.exists()


def test_mapped_strata_sort_the_pool_as_the_plan_means(entry, scjg_admin, objects):
    # objects: credit C for n % 3 == 0, else B. Put one B object on the abnormal list.
    flagged = next(o for o in objects if o.credit_level == "B")
    type(flagged).objects.filter(pk=flagged.pk).update(in_abnormal_list=True)
    task = _create(entry, scjg_admin)
    services.task_freeze(actor=scjg_admin, task=task)
    members = task.frozen_pool.pool()
    assert members["异常名录"] == [flagged.public_code]
    assert sorted(members["C类"]) == sorted(o.public_code for o in objects if o.credit_level == "C")
    assert len(members["一般"]) == len(objects) - 1 - len(members["C类"])


def test_a_stratum_of_several_flags_takes_objects_with_any_of_them(
    scjg_admin, scjg_approver, coordinator, scjg, food_item, objects, scjg_inspectors
):
    abnormal, violating = objects[1], objects[2]
    type(abnormal).objects.filter(pk=abnormal.pk).update(in_abnormal_list=True)
    type(violating).objects.filter(pk=violating.pk).update(in_serious_violation_list=True)
    entry = publish_entry(
        actor=scjg_admin,
        approver=scjg_approver,
        coordinator=coordinator,
        department=scjg,
        items=[food_item.item],
        strata=[
            {
                "name": "失信",
                "filter": {"any_of": [{"abnormal_list": True}, {"serious_violation_list": True}]},
                "ratio": "1",
            },
            {"name": "一般", "filter": {}, "ratio": "0.25"},
        ],
    )
    task = _create(entry, scjg_admin)
    services.task_freeze(actor=scjg_admin, task=task)
    members = task.frozen_pool.pool()
    assert sorted(members["失信"]) == sorted([abnormal.public_code, violating.public_code])
    assert len(members["一般"]) == len(objects) - 2


def test_only_published_plans(scjg_admin, scjg, food_item):
    plan = planning.plan_create(actor=scjg_admin, year=2026, title="草稿计划", department=scjg)
    draft_entry = planning.entry_add(
        actor=scjg_admin,
        plan=plan,
        code="E1",
        name="草稿条目",
        kind="routine",
        items=[food_item.item],
        lead_department=scjg,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    )
    with pytest.raises(ValidationError, match="已公布"):
        _create(draft_entry, scjg_admin)


def test_retired_entry_is_refused(entry, scjg_admin):
    planning.entry_remove(actor=scjg_admin, entry=entry, reason="合并到其他条目")
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="已撤销"):
        _create(entry, scjg_admin)


def test_permissions(entry, coordinator, wsjk_admin, scjg_inspector, auditor):
    with pytest.raises(Http404):
        _create(entry, wsjk_admin)
    for reader in (scjg_inspector, auditor):
        with pytest.raises(PermissionDenied):
            _create(entry, reader)
    assert not Task.objects.exists()
    assert _create(entry, coordinator).created_by == coordinator


def test_joint_entry_makes_a_joint_task(
    coordinator, scjg_approver, scjg, wsjk, county, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors
):
    plan = planning.plan_create(actor=coordinator, year=2026, title="2026年部门联合抽查计划", region=county)
    entry = publish_entry(
        actor=coordinator,
        approver=scjg_approver,  # not the coordinator who submitted it (four eyes)
        coordinator=coordinator,
        department=scjg,
        items=[food_item.item, health_item.item],
        plan=plan,
        kind="joint",
        participating_departments=[wsjk],
    )
    task = _create(entry, coordinator, slots=[*SLOTS, {"name": "卫健检查", "dept": "WSJK", "quals": []}])
    assert task.kind == Task.Kind.JOINT
    assert set(task.participating_departments.all()) == {scjg, wsjk}
    assert set(task.items.all()) == {food_item, health_item}
