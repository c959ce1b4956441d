"""The freeze leaves out objects at the on-site cap of a department of the task (reason
``onsite_cap``, i13-onsite), beside the region's cap on draws (``yearly_cap``, test_frequency)."""

import pytest
from django.db import connection
from django.utils import timezone

from spotcheck.draws import onsite, services
from spotcheck.draws.models import FrozenStratum, PoolExclusionGroup, Task
from spotcheck.draws.selectors import pool_exclusions
from tests.draws.onsite_support import earlier
from tests.factories import InspectionObjectFactory, later_window, task_kwargs

ONSITE = PoolExclusionGroup.Reason.ONSITE_CAP


def _frozen(task, actor):
    """Frozen only: the exclusions are written by the freeze (the match of teams is not the point)."""
    services.task_freeze(actor=actor, task=task)
    return Task.objects.get(pk=task.pk)


def _inspected_on_site(task, inspector, n):
    """The check-ins of the first ``n`` visits of ``task``; their objects."""
    visits = list(task.visits.order_by("pk")[:n])
    for visit in visits:
        onsite.onsite_inspection_record(actor=inspector, visit=visit, inspected_at=timezone.now())
    return {v.inspection_object_id for v in visits}


@pytest.mark.parametrize(("cap", "excluded"), [(1, 3), (2, 0), (None, 0)])
def test_objects_at_the_departments_cap_are_left_out(
    coordinator, scjg, scjg_admin, scjg_task, scjg_inspector, make_task, cap, excluded
):
    at_cap = _inspected_on_site(scjg_task, scjg_inspector, 3)
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=cap)
    # The same item again, after the window: the interval of the item does not apply (0 days).
    task = _frozen(make_task(frequency_cap_days=0, **later_window(1)), scjg_admin)
    rows = pool_exclusions(task, ONSITE)
    assert len(rows) == excluded
    assert task.frozen_pool.member_count == 12 - excluded
    if excluded:
        assert {r.detail for r in rows} == {"市场监管：近 365 天内现场检查 1 次及以上"}
        assert {r.inspection_object_id for r in rows} == at_cap


def test_a_department_not_on_the_task_is_not_asked(coordinator, scjg, wsjk, scjg_task, scjg_inspector, make_wsjk_task):
    _inspected_on_site(scjg_task, scjg_inspector, 3)
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=1)
    task = make_wsjk_task(draw=False)  # 卫健's own task: 市场监管's inspections are not its
    assert len(pool_exclusions(task, ONSITE)) == 0
    assert task.frozen_pool.member_count == 12


def test_a_joint_task_asks_each_of_its_departments(
    coordinator,
    scjg,
    wsjk,
    scjg_admin,
    wsjk_admin,
    objects,
    scjg_task,
    wsjk_inspectors,
    food_item,
    health_item,
    run_ceremony,
):
    earlier(objects[0], scjg, scjg_admin, 10)  # 市场监管 once: at its cap of 1
    earlier(objects[1], wsjk, wsjk_admin, 10)
    earlier(objects[1], wsjk, wsjk_admin, 20)  # 卫健 twice: at the default of 2
    earlier(objects[2], wsjk, wsjk_admin, 20)  # 卫健 once: under
    earlier(objects[3], wsjk, wsjk_admin, 400)
    earlier(objects[3], wsjk, wsjk_admin, 500)  # more than a year ago
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=1)
    slots = [*task_kwargs()["slots"], {"name": "卫健检查", "dept": "WSJK", "quals": []}]
    task = services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        items=[food_item, health_item],
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        **task_kwargs(
            title="联合抽查", slots=slots, frequency_cap_days=0, max_visits_per_inspector=12, **later_window(1)
        ),
    )
    task = _frozen(task, scjg_admin)
    by_detail = {}
    for row in pool_exclusions(task, ONSITE):
        by_detail.setdefault(row.detail, set()).add(row.inspection_object_id)
    assert by_detail == {
        "市场监管：近 365 天内现场检查 1 次及以上": {objects[0].pk},
        "卫健：近 365 天内现场检查 2 次及以上": {objects[1].pk},
    }
    assert task.frozen_pool.member_count == 10


@pytest.mark.django_db(transaction=True)
def test_the_parallel_freeze_leaves_out_the_same(make_task, scjg_admin, scjg, towns, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (exported snapshots, several connections)")
    objs = [InspectionObjectFactory(region=towns[n % 2], owner_department=scjg) for n in range(40)]
    for obj in objs[:7]:
        earlier(obj, scjg, scjg_admin, 3)
        earlier(obj, scjg, scjg_admin, 4)
    settings.SPOTCHECK_FREEZE_WORKERS = 1
    tasks = {}
    for workers, threshold in ((1, 10**9), (3, 0)):
        settings.SPOTCHECK_FREEZE_WORKERS, settings.SPOTCHECK_FREEZE_PARALLEL_ROWS = workers, threshold
        task = make_task(max_visits_per_inspector=100, frequency_cap_days=0, **later_window(workers))
        tasks[workers] = _frozen(task, scjg_admin)
    single, parallel = tasks[1], tasks[3]
    assert FrozenStratum.objects.filter(task=parallel, part__gt=0).exists()  # the parallel path ran
    left_out = {t: {(e.inspection_object_id, e.detail) for e in pool_exclusions(t, ONSITE)} for t in tasks.values()}
    assert (
        left_out[parallel] == left_out[single] == {(o.pk, "市场监管：近 365 天内现场检查 2 次及以上") for o in objs[:7]}
    )
