"""The demo tells the true story (issue 12, item 13): its steps happen at realistic times apart,
in office hours and never later than now, the audit trail says the same times, the caps pass
the match check, one joint task waits frozen, and the coordinator works for 联席办."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from spotcheck.accounts.models import User
from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import first_chain_break
from spotcheck.demo.clock import is_working_day, story
from spotcheck.draws.models import Task
from spotcheck.draws.selectors import full_record
from spotcheck.drawspec import engine
from spotcheck.planning.models import AnnualPlan
from tests.clock import clock_at
from tests.factories import DEMO_ANCHOR, load_demo

pytestmark = pytest.mark.django_db

SEED = "plans"  # the seed and size test_plans_and_draws.py uses: 4 draws at 40 inspectors


@pytest.fixture
def region(db):
    return load_demo(objects=300, inspectors=40, seed=SEED)


def _in_office_hours(moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    return is_working_day(local.date()) and dt.time(9) <= local.time() <= dt.time(17, 30)


def _audited_at(action: str, target: object) -> list[dt.datetime]:
    return list(
        AuditEntry.objects.filter(action=action, target_id=str(target.pk))
        .order_by("seq")
        .values_list("created_at", flat=True)
    )


def test_every_drawn_task_announces_takes_inputs_and_draws_apart(region):
    now = timezone.now()
    drawn = list(Task.objects.filter(status=Task.Status.DRAWN).select_related("draw"))
    assert len(drawn) == region.counts["tasks_drawn"] == 4
    for task in drawn:
        inputs = list(task.witness_inputs.order_by("position"))
        announced, drawn_at = task.announced_at, task.draw.drawn_at
        first, last = inputs[0].entered_at, inputs[-1].entered_at
        assert task.created_at <= task.frozen_at < announced < first < last < drawn_at <= now, task.code
        # Days apart, each witness on a working day of their own, the draw before the inspections.
        assert (drawn_at - announced) >= dt.timedelta(days=2), task.code
        assert timezone.localdate(first) != timezone.localdate(last), task.code
        assert timezone.localdate(drawn_at) < task.window_start
        assert all(_in_office_hours(m) for m in (task.frozen_at, announced, first, last, drawn_at)), task.code
        if task.list_publication == Task.ListPublication.WITH_NOTICE:
            assert task.list_published_at == announced
        # The page's times are the audit trail's.
        assert _audited_at("draws.task.announce", task) == [announced]
        assert _audited_at("draws.task.draw", task) == [drawn_at]
        for row in inputs:
            assert _audited_at("draws.witness.add", row) == [row.entered_at]
        # The record verifies and its cap passed the freeze's match check.
        assert engine.verify_record(full_record(task)) == [], task.code
        assert task.draw.match_check["feasible"] and task.draw.match_check["cap"] == task.max_visits_per_inspector


def test_tasks_follow_the_published_plans_one_after_another(region):
    published = max(AnnualPlan.objects.values_list("published_at", flat=True))
    tasks = list(Task.objects.select_related("draw").order_by("created_at"))
    # The sixth block's task plus the redraw (demo14), whose cancelled predecessor stays on record.
    assert region.counts["tasks_redrawn"] == 1 and len(tasks) == 7
    assert tasks[0].created_at > published
    for earlier, later in itertools.pairwise(tasks):
        if earlier.status == Task.Status.DRAWN:
            assert earlier.draw.drawn_at < later.created_at
    waiting = Task.objects.get(status=Task.Status.ANNOUNCED)
    assert waiting.frozen_at < waiting.announced_at <= timezone.now()


def test_audit_trail_reads_in_time_order(region):
    times = list(AuditEntry.objects.order_by("seq").values_list("created_at", flat=True))
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert times[-1] <= timezone.now()
    assert first_chain_break() is None


def test_one_joint_task_is_left_frozen_with_its_match_check_shown(region, client):
    frozen = Task.objects.get(status=Task.Status.FROZEN)
    assert region.counts["tasks_frozen"] == 1
    assert frozen.is_joint and frozen.plan_entry.plan.kind == AnnualPlan.Kind.JOINT
    assert frozen.announced_at is None and not frozen.draw.commitment
    check = frozen.draw.match_check
    assert check["feasible"] and check["cap"] == frozen.max_visits_per_inspector
    client.force_login(User.objects.get(username="scjg_admin"))
    page = client.get(f"/tasks/{frozen.pk}/").content.decode()
    assert 'id="match-check"' in page and "无论随机种子如何都能配齐检查组" in page


def test_the_coordinator_works_for_the_joint_office(region, client):
    coordinator = User.objects.get(username="coordinator")
    # The role is held in 市场监管, which hosts the joint office: the permissions are unchanged.
    membership = coordinator.memberships.get()
    assert membership.department.code == "SCJG" and membership.department.hosts_joint_office
    assert str(coordinator.unit) == "联席办" and "市场监督管理局" in coordinator.unit.long_name
    assert str(User.objects.get(username="scjg_admin").unit) == "市场监管"
    client.force_login(coordinator)
    header = client.get("/work/").content.decode().split('<div class="usermenu">')[1].split("</div>")[0]
    assert "联席办" in header and "市场监督管理局" in header  # the short name, and where it sits (title)
    assert coordinator.display_name in header and "联席办 " not in coordinator.display_name
    # The audit log's actor column names the unit too.
    client.force_login(User.objects.get(username="auditor"))
    rows = client.get("/audit/?page=1").content.decode()
    assert f"{coordinator.display_name} <span" in rows and ">联席办</span>" in rows


@pytest.mark.parametrize(
    ("anchor", "now"),
    [
        (DEMO_ANCHOR, dt.datetime(2026, 3, 2, 9, 0)),
        (dt.date(2026, 12, 5), dt.datetime(2026, 12, 5, 3, 0)),  # a Saturday, before office hours
        (dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 11, 0)),  # too early in the year for January's plans
    ],
)
def test_story_is_in_order_and_never_later_than_now(anchor, now):
    now = timezone.make_aware(now)
    moments = story(anchor, now).moments()
    assert all(a < b for a, b in itertools.pairwise(moments)) and moments[-1] <= now


def test_demo_loaded_early_in_january_still_orders_its_steps(db):
    with clock_at(dt.date(2026, 1, 6)):
        load_demo(objects=120, inspectors=30, seed=SEED, anchor=dt.date(2026, 1, 6))
        now = timezone.now()
    times = list(AuditEntry.objects.order_by("seq").values_list("created_at", flat=True))
    assert all(a <= b for a, b in itertools.pairwise(times)) and times[-1] <= now
    for task in Task.objects.filter(status=Task.Status.DRAWN).select_related("draw"):
        assert task.announced_at < task.draw.drawn_at <= now
        assert task.window_start.year == 2026  # the windows stay in the plans' year
