"""The demo's published plans and draws (made through the planning and draw services)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from spotcheck.accounts.models import User
from spotcheck.accounts.scope import scope_for
from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import first_chain_break
from spotcheck.demo.plans_and_draws import DEPARTMENT_PLANS, MERGE_DECLINE_REASON, witness_value
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import DrawFrequencyRule, Task, Visit
from spotcheck.draws.selectors import full_record
from spotcheck.drawspec import engine
from spotcheck.inspections.models import MergeDecline, MergedVisit
from spotcheck.inspections.selectors import merge_proposals
from spotcheck.planning.models import AnnualPlan, PlanEntry
from tests.factories import load_demo

pytestmark = pytest.mark.django_db

SEED = "plans"


@pytest.fixture
def region(db):
    """The smallest size the brief promises draws for."""
    return load_demo(objects=300, inspectors=40, seed=SEED)


def test_published_plans_of_the_year(region):
    plans = AnnualPlan.objects.filter(year=2026)
    assert plans.count() == len(DEPARTMENT_PLANS) + 1 == region.counts["plans"]
    assert set(plans.values_list("status", flat=True)) == {AnnualPlan.Status.PUBLISHED}
    assert not plans.filter(filed_late=True).exists()
    assert {p.filed_at.date() for p in plans} == {dt.date(2026, 1, 20)}
    # The history reads as it happened: drafted in December, then each step in January.
    for plan in plans:
        events = list(plan.events.order_by("created_at", "pk").values_list("action", "created_at"))
        assert [action for action, _at in events] == ["created", "submitted", "approved", "filed", "published"]
        # On working days: drafted Monday 22 December, published Friday 23 January.
        assert localdate(events[0][1]) == dt.date(2025, 12, 22) and localdate(events[-1][1]) == dt.date(2026, 1, 23)
        assert (plan.submitted_at, plan.approved_at, plan.published_at) == tuple(
            at for _a, at in events[1:3] + events[4:]
        )
    departments = set(plans.filter(kind=AnnualPlan.Kind.DEPARTMENT).values_list("department__code", flat=True))
    assert departments == {"SCJG", "WSJK", "XF", "YJGL", "GA"}
    joint = plans.get(kind=AnnualPlan.Kind.JOINT)
    assert joint.entries.count() == 2
    for entry in joint.entries.all():
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
    # Four eyes: the department made and submitted its plan, another user approved it, the
    # joint office filed and published it.
    for plan in plans.select_related("submitted_by", "approved_by", "filed_by", "published_by"):
        assert plan.approved_by_id != plan.submitted_by_id, plan.title
        if not plan.is_joint:
            assert plan.submitted_by.username == f"{plan.department.code.lower()}_admin"
        assert plan.filed_by.username == plan.published_by.username == "coordinator"


def test_drawn_tasks_verify_and_one_waits_for_witnesses(region):
    # Two single-department draws, the joint draw and 消防's draw of public places.
    assert region.counts["tasks_drawn"] == 4 and region.counts["tasks_announced"] == 1
    drawn = list(Task.objects.filter(status=Task.Status.DRAWN).order_by("code"))
    assert len(drawn) == 4
    joint = [t for t in drawn if t.is_joint]
    assert len(joint) == 1
    assert len({w.department_id for w in joint[0].witness_inputs.all()}) == 2
    assert sum(not t.is_joint for t in drawn) == 3
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
    # The joint office's yearly cap is set, by the coordinator, after the draws.
    rule = DrawFrequencyRule.objects.get()
    assert rule.max_draws_per_year == 2 and rule.updated_by.username == "coordinator"


def test_verify_draws_command(region):
    out = StringIO()
    call_command("verify_draws", stdout=out)  # raises CommandError (exit code 1) on any failure
    # The four drawn tasks and the one cancelled for the redraw (demo14): its record stays.
    assert "全部 5 个抽取记录核验通过" in out.getvalue()


def test_small_roster_still_loads(db):
    """Too few inspectors to staff every team: the draws that cannot be staffed are left out."""
    result = load_demo(objects=120, inspectors=12, seed="7")
    assert AnnualPlan.objects.filter(status=AnnualPlan.Status.PUBLISHED).count() == len(DEPARTMENT_PLANS) + 1
    assert Task.objects.filter(status=Task.Status.DRAWN).count() == result.counts["tasks_drawn"]
    for task in Task.objects.filter(status=Task.Status.DRAWN):
        assert engine.verify_record(full_record(task)) == []


@pytest.fixture
def merge_region(db):
    """Large enough for 消防 to staff its draw and for D-credit public places to exist."""
    return load_demo(objects=3000, inspectors=120, seed=SEED)


def _drawn_whatever_the_secret():
    """Active D-credit public places, by public id in byte order: the joint task (餐饮 and 公共场所)
    and 消防's check of public places both draw their D-credit stratum whole (ratio 1)."""
    codes = InspectionObject.objects.filter(
        tags__code="public_place",
        credit_level=InspectionObject.CreditLevel.D,
        status=InspectionObject.Status.ACTIVE,
        retired_at__isnull=True,
    ).values_list("public_code", flat=True)
    return sorted(set(codes), key=str.encode)


def test_merges_confirmed_declined_and_open(merge_region):
    counts = merge_region.counts
    assert counts["merged_visits"] == 1 and counts["merge_declines"] == 1 and counts["merge_proposals_open"] >= 1
    coordinator = User.objects.get(username="coordinator")

    merged_visit = MergedVisit.objects.get()
    assert merged_visit.is_active and merged_visit.confirmed_by == coordinator
    assert "消防救援" in merged_visit.note and "进一次门" in merged_visit.note
    merged = [member.visit for member in merged_visit.members.select_related("visit__task__lead_department")]
    assert {v.inspection_object_id for v in merged} == {merged_visit.inspection_object_id}
    assert {v.task.lead_department.code for v in merged} == {"SCJG", "XF"}
    assert merged_visit.planned_start <= merged_visit.planned_end

    decline = MergeDecline.objects.get()
    assert decline.declined_by == coordinator and decline.reason == MERGE_DECLINE_REASON
    assert len({v.task.lead_department_id for v in decline.visits.select_related("task")}) == 2
    assert decline.inspection_object_id != merged_visit.inspection_object_id

    still_open = merge_proposals(scope_for(coordinator))
    assert len(still_open) == counts["merge_proposals_open"] >= 1
    open_objects = {p.inspection_object.pk for p in still_open}
    assert not open_objects & {merged_visit.inspection_object_id, decline.inspection_object_id}

    # Made through the services, as the coordinator, and audited in the chain.
    for action in ("inspections.merged_visit.confirm", "inspections.merge_proposal.decline"):
        entry = AuditEntry.objects.get(action=action)
        assert entry.actor_id == coordinator.pk
    assert first_chain_break() is None
    drawn = Task.objects.filter(status=Task.Status.DRAWN)
    assert drawn.count() == counts["tasks_drawn"] == 4
    for task in drawn:
        assert engine.verify_record(full_record(task)) == [], task.code


def test_shared_objects_do_not_depend_on_the_secret(merge_region):
    certain = _drawn_whatever_the_secret()
    assert len(certain) >= 3
    joint = Task.objects.get(kind=Task.Kind.JOINT, status=Task.Status.DRAWN)
    fire = Task.objects.get(lead_department__code="XF")
    assert not {item.item_id for item in joint.items.all()} & {item.item_id for item in fire.items.all()}
    for task in (joint, fire):
        assert set(certain) <= set(Visit.objects.filter(task=task).values_list("public_id", flat=True)), task.code
    # Those proposals are decided first, in the page's order: the same objects on every load.
    assert MergedVisit.objects.get().inspection_object.public_code == certain[0]
    assert MergeDecline.objects.get().inspection_object.public_code == certain[1]
