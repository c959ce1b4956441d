"""Follow-ups through the REST API (issue 13, item 13): listed by state for the visit's team
and the item's department, one with its re-checks; another department gets a 404. The writes
are in test_followups_api_writes.py."""

import datetime as dt

import pytest
from django.utils import timezone

from spotcheck.followups import services
from spotcheck.followups.models import FollowUp
from tests.api_i13.conftest import bearer

pytestmark = pytest.mark.usefixtures("spring_2026")

LIST = "/api/v1/followups/"
Kind = FollowUp.Kind


@pytest.fixture
def rectify(scjg_inspector, problem_item):
    due = timezone.localdate() + dt.timedelta(days=10)
    return services.followup_open(
        actor=scjg_inspector, item_result=problem_item, kind=Kind.RECTIFY, due_on=due, note="限期公示年报"
    )


@pytest.fixture
def withdrawn(scjg_inspector, problem_item, rectify):
    other = services.followup_open(actor=scjg_inspector, item_result=problem_item, kind=Kind.OTHER, note="误登记的处置")
    return services.followup_withdraw(actor=scjg_inspector, followup=other, reason="登记错了")


def test_the_team_lists_them_by_state(login, scjg_inspector, rectify, withdrawn, problem_item):
    client = login(scjg_inspector)
    body = client.get(LIST).json()
    assert [row["id"] for row in body["results"]] == [rectify.pk]
    row = body["results"][0]
    assert row["kind"] == "rectify" and row["status"] == "open" and row["due_on"] == rectify.due_on.isoformat()
    assert row["item"] == problem_item.item_version.item.code and row["department"] == "SCJG"
    assert row["visit"] == problem_item.visit_result.visit_id
    gone = client.get(LIST, {"state": "withdrawn"}).json()["results"]
    assert [(r["id"], r["withdrawn_reason"]) for r in gone] == [(withdrawn.pk, "登记错了")]
    assert client.get(LIST, {"state": "all"}).json()["count"] == 2
    assert client.get(LIST, {"state": "overdue"}).json()["count"] == 0
    for odd in ({"state": "nonsense"}, {"department": "x"}):
        response = client.get(LIST, odd)
        assert response.status_code == 400 and next(iter(odd)) in response.json()


def test_one_with_its_rechecks(login, scjg_admin, rectify):
    response = login(scjg_admin).get(f"{LIST}{rectify.pk}/")
    assert response.status_code == 200
    assert response.json()["note"] == "限期公示年报" and response.json()["rechecks"] == []


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, login, rectify, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(f"{LIST}{rectify.pk}/").status_code == 404
    if persona == "wsjk_admin":
        assert client.get(LIST).json()["count"] == 0


def test_a_departments_system_reads_them(client, rectify, scjg_system, wsjk_system):
    assert client.get(LIST, **bearer(scjg_system.secret)).json()["count"] == 1
    assert client.get(f"{LIST}{rectify.pk}/", **bearer(scjg_system.secret)).status_code == 200
    assert client.get(f"{LIST}{rectify.pk}/", **bearer(wsjk_system.secret)).status_code == 404


def test_the_list_and_the_detail_take_no_writes(login, scjg_inspector, rectify):
    client = login(scjg_inspector)
    assert client.post(LIST, {}, content_type="application/json").status_code == 405
    assert client.delete(f"{LIST}{rectify.pk}/").status_code == 405
    assert login(scjg_inspector).get(f"{LIST}999999999/").status_code == 404
