"""Inspection tasks: the arguments of task_create, a published plan entry to make a task from,
and a drawn task of many visits. The task and ceremony fixtures (make_task, run_ceremony …)
are in tests/fixtures/draws.py."""

import datetime as dt

from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task
from spotcheck.planning import services as planning
from tests.factories.directory import InspectionObjectFactory

# The window of the draws tests' tasks.
WINDOW = (dt.date(2026, 3, 1), dt.date(2026, 6, 30))


def later_window(n: int = 1) -> dict[str, dt.date]:
    """The n-th week after WINDOW, as task_kwargs overrides: another task of the same item that
    does not overlap a drawn one, so it is no redraw (issue 11, item 1)."""
    start = WINDOW[1] + dt.timedelta(days=1 + 7 * (n - 1))
    return {"window_start": start, "window_end": start + dt.timedelta(days=6)}


# The strata of publish_entry's entry: the abnormal list whole, C 类 at half (1 … 3), the rest a quarter.
ENTRY_STRATA = [
    {"name": "异常名录", "filter": {"abnormal_list": True}, "ratio": "1"},
    {"name": "C类", "filter": {"credit_levels": ["C"]}, "ratio": "0.5", "min_count": 1, "max_count": 3},
    {"name": "一般", "filter": {}, "ratio": "0.25"},
]


def task_kwargs(**overrides):
    """Valid arguments of services.task_create for 市场监管's food item (actor, lead department
    and items excluded): two strata, a team of two (the lead needs ``draws_food``)."""
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
        "max_visits_per_inspector": 4,  # = the number of targets: never binds, so the random secret never fails a match
    }
    data.update(overrides)
    return data


def publish_entry(
    *, actor, approver, coordinator, department, items, strata=ENTRY_STRATA, year=2026, plan=None, **entry_overrides
):
    """A published plan (a department's, or the joint plan given as ``plan``) with one entry in
    the tasks' window; returns the entry."""
    if plan is None:
        plan = planning.plan_create(actor=actor, year=year, title=f"{year}年度抽查计划", department=department)
    data = {
        "code": "E1",
        "name": "食品经营者日常监督抽查",
        "kind": "routine",
        "items": items,
        "lead_department": department,
        "window_start": WINDOW[0],
        "window_end": WINDOW[1],
        "frequency_cap_days": 180,
    } | entry_overrides
    entry = planning.entry_add(actor=actor, plan=plan, **data)
    for row in strata:
        planning.stratum_add(actor=actor, entry=entry, **row)
    planning.plan_submit(actor=actor, plan=plan)
    planning.plan_approve(actor=approver, plan=plan)
    planning.plan_file(actor=coordinator, plan=plan)
    planning.plan_publish(actor=coordinator, plan=plan)
    entry.refresh_from_db()
    return entry


def announce_unchecked(task):
    """Announce ``task`` as announcing did before it checked that the teams can be filled
    (issue 11, item 5): a task announced then may still fail its match, and the pages, the API
    and the jobs still explain such a failure."""
    from django.utils import timezone

    from spotcheck.draws.models import Draw
    from spotcheck.drawspec import engine

    secret = engine.new_server_secret()
    Draw.objects.filter(task=task).update(server_secret=secret, commitment=engine.commitment(secret), match_check=None)
    now = timezone.now()
    published = now if task.list_publication == Task.ListPublication.WITH_NOTICE else None
    Task.objects.filter(pk=task.pk).update(status=Task.Status.ANNOUNCED, announced_at=now, list_published_at=published)


def add_objects(towns, department, count, *, status="active"):
    """``count`` more objects in the directory, a third of them in credit level C."""
    return [
        InspectionObjectFactory(
            region=towns[n % 2],
            owner_department=department,
            credit_level="C" if n % 3 == 0 else "B",
            status=status,
            name=f"溧阳市规模测试商行{n:03d}" if status == "active" else f"溧阳市已吊销商行{n:03d}",
        )
        for n in range(count)
    ]


def make_big_task(make_task, run_ceremony, towns, department):
    """A drawn task with more than one page of visits (~140) and of exclusions (60)."""
    add_objects(towns, department, 240)
    add_objects(towns, department, 60, status=InspectionObject.Status.REVOKED)
    strata = [
        {"name": "C类", "filter": {"credit_levels": ["C", "D"]}, "ratio": "0.6"},
        {"name": "一般", "ratio": "0.5", "minimum": 1},
    ]
    # A window of its own: beside another drawn task of the same item it is no redraw.
    task = run_ceremony(make_task(strata=strata, max_visits_per_inspector=200, **later_window(20)))
    assert task.status == Task.Status.DRAWN
    return task
