"""The visits through the REST API (issue 13, item 13): 我的检查 for a team member, a task's
visits for those who read them, one visit as the visit page shows it — another department,
a witness and an inspector off the team get a 404; no phone numbers."""

import pytest

from spotcheck.draws.models import Visit
from spotcheck.inspections import services as inspections_services
from tests.api_i13.conftest import bearer
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")

LIST = "/api/v1/visits/"


@pytest.fixture
def my_visit(my_inspector):
    return Visit.objects.filter(members__inspector=my_inspector).select_related("inspection_object").first()


def test_a_team_member_lists_their_visits(login, scjg_inspector, my_inspector, scjg_task):
    body = login(scjg_inspector).get(LIST).json()
    mine = set(Visit.objects.filter(members__inspector=my_inspector).values_list("pk", flat=True))
    assert body["count"] == len(mine) and {row["id"] for row in body["results"]} == mine
    row = body["results"][0]
    assert row["task"]["code"] == scjg_task.code and row["task"]["window_start"] == "2026-03-01"
    assert row["approval_state"] == "waiting" and row["state"] == "waiting" and row["check_in"] is None
    assert any(m["name"] == my_inspector.name for m in row["team"])


def test_the_state_filter(login, scjg_inspector, scjg_approver, my_visit, scjg_task):
    client = login(scjg_approver)
    inspections_services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[my_visit])
    client = login(scjg_inspector)
    pending = client.get(LIST, {"state": "pending"}).json()
    assert [row["id"] for row in pending["results"]] == [my_visit.pk]
    assert pending["results"][0]["approval_state"] == "approved"
    assert my_visit.pk not in [row["id"] for row in client.get(LIST, {"state": "waiting"}).json()["results"]]
    response = client.get(LIST, {"state": "nonsense"})
    assert response.status_code == 400 and "state" in response.json()


def test_one_visit_as_the_visit_page_shows_it_without_phones(login, scjg_inspector, my_visit):
    member = my_visit.members.select_related("inspector").first().inspector
    member.phone = "13800001111"
    member.save(update_fields=["phone"])
    response = login(scjg_inspector).get(f"{LIST}{my_visit.pk}/")
    assert response.status_code == 200
    body = response.json()
    obj = my_visit.inspection_object
    assert body["object"] == {"public_id": my_visit.public_id, "name": obj.name, "address": obj.address}
    numbers = {m["certificate_number"] for m in body["team"]}
    assert member.certificate_number in numbers
    assert "13800001111" not in response.content.decode()


@pytest.mark.parametrize("persona", ["witness", "nobody", "wsjk_admin"])
def test_others_get_a_404(request, login, my_visit, persona):
    response = login(request.getfixturevalue(persona)).get(f"{LIST}{my_visit.pk}/")
    assert response.status_code == 404
    assert my_visit.inspection_object.name not in response.content.decode()


def test_an_inspector_off_the_team_gets_a_404(login, scjg, my_visit):
    other = UserFactory(username="other_inspector")
    MembershipFactory(user=other, department=scjg, role="inspector")
    link_inspector(other, InspectorFactory(department=scjg, name="未分配检查员"))
    assert login(other).get(f"{LIST}{my_visit.pk}/").status_code == 404
    assert login(other).get(LIST, {"task": my_visit.task_id}).status_code == 404


def test_a_tasks_visits_for_its_readers(login, scjg_admin, scjg_inspector, wsjk_admin, my_inspector, scjg_task):
    body = login(scjg_admin).get(LIST, {"task": scjg_task.pk}).json()
    assert body["count"] == Visit.objects.filter(task=scjg_task).count()
    # A team member reads their own visits, not the task's (a visit is its team's working file).
    assert login(scjg_inspector).get(LIST, {"task": scjg_task.pk}).status_code == 404
    assert login(wsjk_admin).get(LIST, {"task": scjg_task.pk}).status_code == 404
    for odd in ("abc", "²", "-1", "99999999999999999999"):
        assert login(scjg_admin).get(LIST, {"task": odd}).status_code in (400, 404)


def test_a_departments_system_reads_its_visits_and_not_anothers(client, scjg_system, wsjk_system, my_visit):
    assert client.get(f"{LIST}{my_visit.pk}/", **bearer(scjg_system.secret)).status_code == 200
    assert client.get(LIST, {"task": my_visit.task_id}, **bearer(scjg_system.secret)).json()["count"] > 0
    assert client.get(f"{LIST}{my_visit.pk}/", **bearer(wsjk_system.secret)).status_code == 404


def test_odd_ids_are_404(login, scjg_admin, db):
    assert login(scjg_admin).get(f"{LIST}999999999/").status_code == 404
    assert login(scjg_admin).get(f"{LIST}abc/").status_code == 404
