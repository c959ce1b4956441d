"""The demo's published plans and draws (made through the planning and draw services)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import first_chain_break
from spotcheck.demo.plans_and_draws import DEPARTMENT_PLANS, witness_value
from spotcheck.draws import engine
from spotcheck.draws.models import Task, Visit
from spotcheck.draws.selectors import full_record
from spotcheck.planning.models import AnnualPlan, PlanEntry
from tests.demo.conftest import load

pytestmark = pytest.mark.django_db

SEED = "plans"


@pytest.fixture
def region(db):
    """The smallest size the brief promises draws for."""
    return load(objects=300, inspectors=40, seed=SEED)


def test_published_plans_of_the_year(region):
    plans = AnnualPlan.objects.filter(year=2026)
    assert plans.count() == len(DEPARTMENT_PLANS) + 1 == region.counts["plans"]
    assert set(plans.values_list("status", flat=True)) == {AnnualPlan.Status.PUBLISHED}
    assert not plans.filter(filed_late=True).exists()
    assert {p.filed_at.date() for p in plans} == {dt.date(2026, 1, 20)}
    departments = set(plans.filter(kind=AnnualPlan.Kind.DEPARTMENT).values_list("department__code", flat=True))
    assert departments == {"SCJG", "WSJK", "XF", "YJGL", "GA"}
    joint = plans.get(kind=AnnualPlan.Kind.JOINT)
    entry = joint.entries.get()
    assert entry.kind == PlanEntry.Kind.JOINT
    assert {entry.lead_department.code, *entry.participating_departments.values_list("code", flat=True)} == {
        "SCJG",
        "WSJK",
    }
    for entry in PlanEntry.objects.filter(plan__in=plans):
        assert entry.strata.count() == 4, entry.code  # the default credit strata
        assert 1 <= entry.plan.entries.count() <= 3
    # Every step went through the services: submitted, approved, filed, published and audited.
    assert AuditEntry.objects.filter(action="planning.plan.publish").count() == plans.count()
    assert first_chain_break() is None


def test_drawn_tasks_verify_and_one_waits_for_witnesses(region):
    assert region.counts["tasks_drawn"] == 3 and region.counts["tasks_announced"] == 1
    drawn = list(Task.objects.filter(status=Task.Status.DRAWN).order_by("code"))
    assert len(drawn) == 3
    joint = [t for t in drawn if t.is_joint]
    assert len(joint) == 1
    assert len({w.department_id for w in joint[0].witness_inputs.all()}) == 2
    assert sum(not t.is_joint for t in drawn) == 2
    assert any(t.list_publication == Task.ListPublication.AFTER_VISITS for t in drawn)
    for task in drawn:
        record = full_record(task)
        assert engine.verify_record(record) == [], task.code
        assert Visit.objects.filter(task=task).count() == len(record["result"]["targets"]) > 0
        assert all(v.members.filter(is_lead=True).count() == 1 for v in task.visits.all())
        inputs = list(task.witness_inputs.order_by("position"))
        assert [w.value for w in inputs] == [witness_value(SEED, task.code, n) for n in (1, 2)]
        assert all(w.witness_user_id == w.entered_by_id for w in inputs)  # entered by the witnesses

    waiting = Task.objects.get(status=Task.Status.ANNOUNCED)
    assert waiting.draw.commitment and not waiting.draw.seed
    assert not waiting.witness_inputs.exists()


def test_verify_draws_command(region):
    out = StringIO()
    call_command("verify_draws", stdout=out)  # raises CommandError (exit code 1) on any failure
    assert "全部 3 个摇号记录核验通过" in out.getvalue()


def test_small_roster_still_loads(db):
    """Too few inspectors to staff every team: the draws that cannot be staffed are left out."""
    result = load(objects=120, inspectors=12, seed="7")
    assert AnnualPlan.objects.filter(status=AnnualPlan.Status.PUBLISHED).count() == len(DEPARTMENT_PLANS) + 1
    assert Task.objects.filter(status=Task.Status.DRAWN).count() == result.counts["tasks_drawn"]
    for task in Task.objects.filter(status=Task.Status.DRAWN):
        assert engine.verify_record(full_record(task)) == []
