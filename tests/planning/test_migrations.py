"""planning 0002: plan strata filters (and the plan history's copies of them) from the plan's
old form into the object filter language, and back."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from spotcheck.planning import services
from spotcheck.planning.models import PlanEvent, PlanStratum
from spotcheck.planning.strata import validate_stratum_filter
from tests.factories import TagFactory, plan_with_entry, published_item

migration = importlib.import_module("spotcheck.planning.migrations.0002_stratum_filters_in_object_filter_language")
BEFORE = ("planning", "0001_annual_plans")
AFTER = ("planning", "0002_stratum_filters_in_object_filter_language")

ALL_FLAGS = {"any_of": [{"abnormal_list": True}, {"serious_violation_list": True}, {"penalised_within_days": 90}]}
# (the plan's old form, the object filter language)
PAIRS = [
    ({}, {}),
    (
        {"credit_levels": ["C", "D"], "risk_levels": ["low", "high"]},
        {"credit_levels": ["C", "D"], "risk_levels": ["high", "low"]},
    ),
    ({"flags": ["abnormal_list"]}, {"abnormal_list": True}),
    ({"flags": ["serious_violation"]}, {"serious_violation_list": True}),
    ({"flags": ["key_supervision"]}, {"tags": ["key_supervision"]}),
    ({"flags": ["recent_penalty"], "penalty_within_days": 90}, {"penalised_within_days": 90}),
    ({"credit_levels": ["D"], "flags": ["abnormal_list"]}, {"credit_levels": ["D"], "abnormal_list": True}),
    (
        {
            "risk_levels": ["high"],
            "flags": ["abnormal_list", "recent_penalty", "key_supervision"],
            "penalty_within_days": 30,
        },
        {
            "risk_levels": ["high"],
            "any_of": [{"abnormal_list": True}, {"penalised_within_days": 30}, {"tags": ["key_supervision"]}],
        },
    ),
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_each_filter_converts_both_ways(db, old, new):
    assert migration.to_object_filter(old) == new
    assert validate_stratum_filter(new) == new, "canonical in the new language"
    assert migration.to_plan_form(new, "PlanStratum 1") == old


def test_recent_penalty_without_a_period_is_a_year(db):
    assert migration.to_object_filter({"flags": ["recent_penalty"]}) == {"penalised_within_days": 365}


def test_a_filter_already_in_the_new_language_is_left_alone():
    assert migration.to_object_filter(ALL_FLAGS) == ALL_FLAGS


@pytest.mark.parametrize(
    "new",
    [
        {"annual_report": ["not_reported"]},
        {"abnormal_list": False},
        {"tags": ["catering"]},
        {"abnormal_list": True, "tags": ["key_supervision"]},  # both, not either
        {"any_of": [{"credit_levels": ["D"]}, {"abnormal_list": True}]},
        {"drawn_recently": False, "drawn_within_days": 365},
    ],
)
def test_backwards_refuses_what_the_old_form_cannot_say(new):
    with pytest.raises(ValueError, match="PlanStratum 7"):
        migration.to_plan_form(new, "PlanStratum 7")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _migrate_to_latest():
    """Every app back at its latest migration: going back to BEFORE also unapplied the other
    apps' migrations that depend on planning (draws, publication …), which AFTER alone would
    leave unapplied for the tests that run next on this database."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_back_and_forth(scjg_admin, scjg_approver, coordinator, scjg):
    TagFactory(code="key_supervision", name="重点监管")
    item = published_item(actor=scjg_admin, coordinator=coordinator, department=scjg, code="SCJG-MIG")
    plan, entry = plan_with_entry(actor=scjg_admin, department=scjg, item=item)
    services.stratum_add(actor=scjg_admin, entry=entry, name="失信", ratio="1", filter=ALL_FLAGS)
    services.stratum_add(actor=scjg_admin, entry=entry, name="重点", ratio="1", filter={"tags": ["key_supervision"]})
    services.plan_submit(actor=scjg_admin, plan=plan)
    services.plan_approve(actor=scjg_approver, plan=plan)
    services.plan_file(actor=coordinator, plan=plan)
    services.plan_publish(actor=coordinator, plan=plan)

    def filters():
        strata = dict(PlanStratum.objects.values_list("name", "filter"))
        history = [
            {s["name"]: s["filter"] for e in event.snapshot["entries"] for s in e["strata"]}
            for event in PlanEvent.objects.order_by("pk")
        ]
        return strata, history

    now, history = filters()
    assert history[-1] == now and len(history) >= 2
    try:
        _migrate(BEFORE)
        old, old_history = filters()
        assert old["失信"] == {
            "flags": ["abnormal_list", "serious_violation", "recent_penalty"],
            "penalty_within_days": 90,
        }
        assert old["重点"] == {"flags": ["key_supervision"]}
        assert old["A类（信用风险低）"] == {"credit_levels": ["A"]}
        assert old_history[-1] == old
    finally:
        _migrate(AFTER)
        _migrate_to_latest()
    assert filters() == (now, history)
