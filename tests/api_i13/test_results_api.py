"""A visit's result through the REST API (issue 13, item 13): entered by its team with the
form's validation, 409 on a stale revision (with the current one), a resent client id saved
once, confirmed by two certified officers; read by the visit's readers (403 on writes for a
reader off the team), another department and a department's system token as the rules say."""

import uuid

import pytest

from spotcheck.audit.models import AuditEntry
from spotcheck.results.models import ResultRevision, VisitResult
from tests.api_i13.conftest import bearer
from tests.fixtures.results import result_data

pytestmark = pytest.mark.usefixtures("spring_2026")


def url(visit, tail=""):
    return f"/api/v1/visits/{visit.pk}/result/{tail}"


def put(client, visit, data, base_revision=None, client_id=None, **extra):
    body = {"data": data, "base_revision": base_revision}
    if client_id is not None:
        body["client_id"] = client_id
    return client.put(url(visit), body, content_type="application/json", **extra)


def test_a_team_member_enters_and_edits_the_result(login, result_officers, result_approved):
    client = login(result_officers[0])
    assert client.get(url(result_approved)).status_code == 404  # no result yet
    response = put(client, result_approved, result_data(result_approved))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision"] == 1 and body["status"] == "entered" and body["data"]["items"][0]["codes"] == ["1"]
    response = put(client, result_approved, result_data(result_approved, note="复查后修改"), base_revision=1)
    assert response.status_code == 200, response.json()
    assert response.json()["revision"] == 2
    assert client.get(url(result_approved)).json()["revision"] == 2
    assert AuditEntry.objects.filter(action__in=["results.result.enter", "results.result.save"]).count() == 2


def test_the_forms_validation_names_the_field(login, result_officers, result_approved):
    client = login(result_officers[0])
    data = result_data(result_approved)
    data["completed_on"] = "not a date"
    response = put(client, result_approved, data)
    assert response.status_code == 400 and "completed_on" in response.json()
    assert put(client, result_approved, "nonsense").status_code == 400
    bad = client.put(url(result_approved), {"data": {}, "base_revision": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "base_revision" in bad.json()
    bad = client.put(url(result_approved), {"base_revision": None}, content_type="application/json")
    assert bad.status_code == 400 and "data" in bad.json()
    assert not VisitResult.objects.exists()


def test_a_stale_revision_is_a_409_with_the_current_one(login, result_officers, result_approved):
    first, second = result_officers
    assert put(login(first), result_approved, result_data(result_approved)).status_code == 200
    assert put(login(first), result_approved, result_data(result_approved), base_revision=1).status_code == 200
    response = put(login(second), result_approved, result_data(result_approved, note="复查后修改"), base_revision=1)
    assert response.status_code == 409
    assert response.json()["current_revision"] == 2 and "2" in response.json()["detail"]
    # A second first entry is stale too.
    assert put(login(second), result_approved, result_data(result_approved)).status_code == 409
    assert VisitResult.objects.get().revision == 2


def test_a_resent_client_id_returns_the_saved_revision_once(login, result_officers, result_approved):
    client = login(result_officers[0])
    client_id = str(uuid.uuid4())
    first = put(client, result_approved, result_data(result_approved), client_id=client_id)
    again = put(client, result_approved, result_data(result_approved), client_id=client_id)
    assert first.status_code == again.status_code == 200
    assert again.json()["revision"] == first.json()["revision"] == 1
    assert ResultRevision.objects.count() == 1
    assert put(client, result_approved, result_data(result_approved), client_id="no-uuid").status_code == 400


def test_two_officers_confirm_it(login, result_officers, result_approved):
    first, second = result_officers
    assert put(login(first), result_approved, result_data(result_approved)).status_code == 200
    confirm = url(result_approved, "confirm/")
    response = login(second).post(confirm, {"revision": 1}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "entered" and len(response.json()["confirmations"]) == 1
    again = login(second).post(confirm, {"revision": 1}, content_type="application/json")
    assert again.status_code == 400
    response = login(first).post(confirm, {"revision": 1}, content_type="application/json")
    assert response.json()["status"] == "confirmed" and response.json()["confirmed_at"]
    assert login(first).post(confirm, {"revision": "x"}, content_type="application/json").status_code == 400


def test_a_reader_off_the_team_reads_but_may_not_write(login, result_officers, result_approved, scjg_admin):
    assert put(login(result_officers[0]), result_approved, result_data(result_approved)).status_code == 200
    client = login(scjg_admin)
    assert client.get(url(result_approved)).status_code == 200
    assert put(client, result_approved, result_data(result_approved), base_revision=1).status_code == 403
    confirm = client.post(url(result_approved, "confirm/"), {"revision": 1}, content_type="application/json")
    assert confirm.status_code == 403
    assert VisitResult.objects.get().revision == 1


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, login, result_officers, result_approved, persona):
    assert put(login(result_officers[0]), result_approved, result_data(result_approved)).status_code == 200
    client = login(request.getfixturevalue(persona))
    assert client.get(url(result_approved)).status_code == 404
    assert put(client, result_approved, result_data(result_approved), base_revision=1).status_code == 404
    assert (
        client.post(url(result_approved, "confirm/"), {"revision": 1}, content_type="application/json").status_code
        == 404
    )


def test_a_departments_system_reads_the_result_and_enters_only_for_a_named_officer(
    client, result_officers, result_approved, scjg_system, wsjk_system
):
    """A system's token is a service account of its department, on no team: it reads the result
    as the department's admins do; it enters only for a named team officer (api13:
    tests/api_i13/test_results_token_api.py), so a save naming nobody is refused."""
    assert put(login_as(client, result_officers[0]), result_approved, result_data(result_approved)).status_code == 200
    client.logout()
    assert client.get(url(result_approved), **bearer(scjg_system.secret)).status_code == 200
    response = put(client, result_approved, result_data(result_approved), 1, None, **bearer(scjg_system.secret))
    assert response.status_code == 400 and "entered_for" in response.json()
    assert VisitResult.objects.get().revision == 1
    assert client.get(url(result_approved), **bearer(wsjk_system.secret)).status_code == 404


def test_odd_ids_are_404(login, scjg_admin, db):
    assert login(scjg_admin).get("/api/v1/visits/999999999/result/").status_code == 404


def login_as(client, user):
    client.force_login(user)
    return client
