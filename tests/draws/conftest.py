"""The draws tests' tasks: a routine task of 市场监管, a joint task with 卫健, and a published plan
entry to make tasks from (the directory, make_task and run_ceremony: tests/fixtures/draws.py)."""

import pytest

from spotcheck.draws import services
from spotcheck.draws.models import Task
from tests.factories import publish_entry, task_kwargs


@pytest.fixture
def task(make_task):
    return make_task()


@pytest.fixture
def joint_task(scjg_admin, scjg, wsjk, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors):
    slots = [*task_kwargs()["slots"], {"name": "卫健检查", "dept": "WSJK", "quals": []}]
    return services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        items=[food_item, health_item],
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        **task_kwargs(title="食品与公共场所卫生联合抽查", slots=slots),
    )


@pytest.fixture
def entry(scjg_admin, scjg_approver, coordinator, scjg, food_item, objects, scjg_inspectors):
    """A published 2026 plan of 市场监管 with one entry of the food item."""
    return publish_entry(
        actor=scjg_admin, approver=scjg_approver, coordinator=coordinator, department=scjg, items=[food_item.item]
    )
