"""A small directory for the task and ceremony tests: one published item of 市场监管, a dozen
objects in two towns, five 市场监管 inspectors (two may lead) and three of 卫健."""

import datetime as dt

import pytest

from spotcheck.draws import services
from spotcheck.inspectors.models import Qualification
from tests.catalog.factories import make_item, publish
from tests.directory.factories import InspectionObjectFactory
from tests.inspectors.factories import InspectorFactory

WINDOW = (dt.date(2026, 3, 1), dt.date(2026, 6, 30))


@pytest.fixture
def food_qual(db):
    return Qualification.objects.get_or_create(code="draws_food", defaults={"name": "食品安全执法"})[0]


@pytest.fixture
def food_item(scjg_admin, coordinator, scjg, food_qual):
    item = make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAW-001", required_qualifications=[food_qual])
    return publish(item, actor=scjg_admin, coordinator=coordinator)


@pytest.fixture
def health_item(wsjk_admin, coordinator, wsjk):
    item = make_item(actor=wsjk_admin, department=wsjk, code="WSJK-DRAW-001", name="公共场所卫生监督检查")
    return publish(item, actor=wsjk_admin, coordinator=coordinator)


@pytest.fixture
def objects(towns, scjg):
    return [
        InspectionObjectFactory(region=towns[n % 2], owner_department=scjg, credit_level="B" if n % 3 else "C")
        for n in range(12)
    ]


@pytest.fixture
def scjg_inspectors(scjg, food_qual, towns):
    people = []
    for n in range(5):
        person = InspectorFactory(department=scjg, can_lead=n < 2, name=f"市场检查员{n}")
        person.qualifications.set([food_qual])
        person.jurisdictions.set([towns[n % 2]])
        people.append(person)
    return people


@pytest.fixture
def wsjk_inspectors(wsjk):
    return [InspectorFactory(department=wsjk, can_lead=True, name=f"卫健检查员{n}") for n in range(3)]


def task_kwargs(**overrides):
    data = {
        "title": "2026 年食品经营者双随机抽查",
        "window_start": WINDOW[0],
        "window_end": WINDOW[1],
        "strata": [
            {"name": "C类", "filter": {"credit_levels": ["C", "D"]}, "ratio": "0.5"},
            {"name": "一般", "ratio": "0.25", "minimum": 1},
        ],
        "slots": [
            {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
            {"name": "协检", "dept": "SCJG", "quals": []},
        ],
        "lead_slot": "主检",
        "cap": 4,  # = the number of targets: never binds, so the random secret never fails a match
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_task(scjg_admin, scjg, food_item, objects, scjg_inspectors):
    def _make(actor=None, **overrides):
        kwargs = task_kwargs(**overrides)
        kwargs.setdefault("items", [food_item])
        return services.task_create(actor=actor or scjg_admin, lead_department=scjg, **kwargs)

    return _make


@pytest.fixture
def run_ceremony(scjg_admin, scjg, wsjk):
    """Freeze, announce, two witnesses and draw; returns the task fresh from the database."""

    def _run(task, actor=None, draw=True):
        actor = actor or scjg_admin
        services.task_freeze(actor=actor, task=task)
        services.task_announce(actor=actor, task=task)
        services.witness_input_add(
            actor=actor, task=task, value="3-5-2", witness_name="钱见证", witness_department=scjg
        )
        services.witness_input_add(
            actor=actor, task=task, value="6 1 4", witness_name="孙见证", witness_department=wsjk
        )
        if draw:
            services.task_draw(actor=actor, task=task)
        return type(task).objects.get(pk=task.pk)

    return _run
