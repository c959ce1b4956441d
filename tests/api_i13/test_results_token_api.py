"""A department's own system submits and confirms a visit's result through the API (issue 13,
item 13; api13): a read-write token of a department whose items are on the visit enters *for*
a named officer of the team (``entered_for``) and confirms for a named certified officer
(``inspector``); the revision, the pages, the API and the audit trail keep both the system and
the officer; the rule "two certified officers, one of them the one who entered it" counts
officers, so a system's and a person's confirmations complete the result together."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.accounts.api_tokens import api_token_issue, api_token_revoke
from spotcheck.audit.models import AuditEntry
from spotcheck.draws.models import VisitMember
from spotcheck.results import access
from spotcheck.results.models import ResultConfirmation, ResultRevision, VisitResult
from tests.api_i13.conftest import bearer
from tests.factories import InspectorFactory
from tests.fixtures.results import TODAY, result_data

pytestmark = pytest.mark.usefixtures("spring_2026")


def url(visit, tail=""):
    return f"/api/v1/visits/{visit.pk}/result/{tail}"


def as_system(issued) -> Client:
    """A client that sends the system's token on every request (no session)."""
    return Client(**bearer(issued.secret))


def put(client, visit, data, base_revision=None, client_id=None, entered_for=None):
    body = {"data": data, "base_revision": base_revision}
    if client_id is not None:
        body["client_id"] = client_id
    if entered_for is not None:
        body["entered_for"] = entered_for
    return client.put(url(visit), body, content_type="application/json")


def confirm(client, visit, revision=1, inspector=None):
    body = {"revision": revision} if inspector is None else {"revision": revision, "inspector": inspector}
    return client.post(url(visit, "confirm/"), body, content_type="application/json")


@pytest.fixture
def team(result_approved):
    """The visit's two officers (主检, 协检), as roster inspectors."""
    return [m.inspector for m in result_approved.members.select_related("inspector").order_by("position")]


def test_a_system_enters_for_a_team_officer(result_approved, team, scjg_system):
    officer = team[0]
    response = put(as_system(scjg_system), result_approved, result_data(result_approved), entered_for=officer.pk)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision"] == 1 and body["status"] == "entered"
    label = f"由 市场监管 业务系统 代 {officer.name} 录入"
    assert body["entered_by_label"] == body["updated_by_label"] == label
    assert body["entered_for"] == {
        "id": officer.pk,
        "name": officer.name,
        "certificate_number": officer.certificate_number,
    }
    revision = ResultRevision.objects.get()
    assert revision.saved_by_id == scjg_system.token.user_id and revision.entered_for_id == officer.pk
    # The system edits it too, for the other officer: each revision keeps its own.
    response = put(
        as_system(scjg_system),
        result_approved,
        result_data(result_approved, note="补充"),
        base_revision=1,
        entered_for=team[1].pk,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["updated_by_label"] == f"由 市场监管 业务系统 代 {team[1].name} 录入"
    assert response.json()["entered_by_label"] == label


def test_a_system_must_name_an_officer_of_the_team(result_approved, team, scjg_system, scjg):
    system = as_system(scjg_system)
    missing = put(system, result_approved, result_data(result_approved))
    assert missing.status_code == 400 and "entered_for" in missing.json()
    outsider = InspectorFactory(department=scjg, name="不在组内的检查员")
    foreign = put(system, result_approved, result_data(result_approved), entered_for=outsider.pk)
    assert foreign.status_code == 403 and foreign.json()["detail"] == access.ENTERED_FOR_RULE
    unknown = put(system, result_approved, result_data(result_approved), entered_for=2**31 - 1)
    assert unknown.status_code == 403
    odd = put(system, result_approved, result_data(result_approved), entered_for="张三")
    assert odd.status_code == 400 and "entered_for" in odd.json()
    assert not VisitResult.objects.exists() and not AuditEntry.objects.filter(action__startswith="results.").exists()


def test_a_person_names_nobody(login, result_officers, result_approved, team):
    client = login(result_officers[0])
    response = put(client, result_approved, result_data(result_approved), entered_for=team[1].pk)
    assert response.status_code == 400 and "entered_for" in response.json()
    assert put(client, result_approved, result_data(result_approved)).status_code == 200
    assert ResultRevision.objects.get().entered_for is None
    refused = confirm(login(result_officers[1]), result_approved, inspector=team[0].pk)
    assert refused.status_code == 400 and "inspector" in refused.json()
    assert not ResultConfirmation.objects.exists()


def test_a_read_only_token_gets_a_403_naming_the_rule(result_approved, team, scjg, scjg_admin, scjg_system):
    reader = api_token_issue(actor=scjg_admin, name="统计系统", department=scjg, role="inspector")
    client = as_system(reader)
    response = put(client, result_approved, result_data(result_approved), entered_for=team[0].pk)
    assert response.status_code == 403 and response.json()["detail"] == access.SYSTEM_READ_ONLY_RULE
    assert not VisitResult.objects.exists()
    writer = as_system(scjg_system)
    assert put(writer, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    refused = confirm(client, result_approved, inspector=team[0].pk)
    assert refused.status_code == 403 and refused.json()["detail"] == access.SYSTEM_READ_ONLY_RULE
    assert not ResultConfirmation.objects.exists()
    # A visit that does not exist is still a 404.
    assert client.put("/api/v1/visits/999999999/result/", {}, content_type="application/json").status_code == 404


def test_another_departments_system(result_approved, team, wsjk_system, wsjk):
    # A department with nothing to do with the task does not even see the visit (404, as for
    # its people: nothing about another department's row is revealed).
    response = put(as_system(wsjk_system), result_approved, result_data(result_approved), entered_for=team[0].pk)
    assert response.status_code == 404
    # A participating department whose items are not on the visit reads it, and is refused
    # with the rule.
    result_approved.task.participating_departments.add(wsjk)
    response = put(as_system(wsjk_system), result_approved, result_data(result_approved), entered_for=team[0].pk)
    assert response.status_code == 403 and response.json()["detail"] == access.SYSTEM_DEPARTMENT_RULE
    confirm_response = confirm(as_system(wsjk_system), result_approved, inspector=team[0].pk)
    assert confirm_response.status_code in (403, 404)
    assert not VisitResult.objects.exists()


def test_a_participating_department_with_items_on_the_visit_enters(
    result_approved, team, wsjk_system, wsjk, health_item
):
    task = result_approved.task
    task.participating_departments.add(wsjk)
    task.items.add(health_item)
    assert access.entry_departments(result_approved) == {task.lead_department_id, wsjk.pk}
    data = result_data_for_all_items(result_approved)
    response = put(as_system(wsjk_system), result_approved, data, entered_for=team[0].pk)
    assert response.status_code == 200, response.json()
    assert response.json()["updated_by_label"] == f"由 卫健 业务系统 代 {team[0].name} 录入"


def result_data_for_all_items(visit):
    """Valid data covering every item of the visit's task (a joint task's)."""
    items = {}
    for version in visit.task.items.all():
        qs = list(version.questions.order_by("position", "pk"))
        items[str(version.pk)] = {
            "checked": True,
            "method": "1",
            "adopted_from": "",
            "codes": ["1"],
            "answers": {str(q.pk): {"answer": "conforms", "note": ""} for q in qs},
            "note": "",
            "checked_on": "",
        }
    return {"outcome": "carried_out", "completed_on": TODAY.isoformat(), "items": items}


def test_a_revoked_token_gets_a_401(result_approved, team, scjg_system, scjg_admin):
    api_token_revoke(actor=scjg_admin, token=scjg_system.token)
    response = put(as_system(scjg_system), result_approved, result_data(result_approved), entered_for=team[0].pk)
    assert response.status_code == 401
    assert not VisitResult.objects.exists()


def test_a_resent_submission_is_saved_once(result_approved, team, scjg_system):
    system = as_system(scjg_system)
    client_id = str(uuid.uuid4())
    first = put(system, result_approved, result_data(result_approved), client_id=client_id, entered_for=team[0].pk)
    again = put(system, result_approved, result_data(result_approved), client_id=client_id, entered_for=team[0].pk)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert ResultRevision.objects.count() == 1
    assert AuditEntry.objects.filter(action="results.result.enter").count() == 1


def test_a_stale_revision_is_a_409(login, result_officers, result_approved, team, scjg_system):
    system = as_system(scjg_system)
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    human = login(result_officers[1])
    assert put(human, result_approved, result_data(result_approved, note="改"), base_revision=1).status_code == 200
    stale = put(system, result_approved, result_data(result_approved), base_revision=1, entered_for=team[0].pk)
    assert stale.status_code == 409 and stale.json()["current_revision"] == 2
    assert VisitResult.objects.get().revision == 2


def test_a_system_and_a_person_confirm_it_together(login, result_officers, result_approved, team, scjg_system):
    system = as_system(scjg_system)
    # The system enters for 主检 (who has a login, but need not use it); 协检 confirms in person.
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    response = confirm(login(result_officers[1]), result_approved)
    assert response.status_code == 200 and response.json()["status"] == "entered"
    # The person 协检 cannot be confirmed a second time by the system either.
    twice = confirm(system, result_approved, inspector=team[1].pk)
    assert twice.status_code == 400 and team[1].name in str(twice.json())
    response = confirm(system, result_approved, inspector=team[0].pk)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "confirmed" and body["confirmed_at"] and body["publication_due_on"]
    by_officer = {c["inspector_id"]: c["confirmed_by"] for c in body["confirmations"]}
    assert by_officer == {team[1].pk: result_officers[1].display_name, team[0].pk: scjg_system.token.user.display_name}


def test_a_persons_entry_is_completed_with_a_systems_confirmation(
    login, result_officers, result_approved, team, scjg_system
):
    """The saver is mapped to their team inspector: the system's confirmation for the other
    officer and the saver's own complete it."""
    assert put(login(result_officers[0]), result_approved, result_data(result_approved)).status_code == 200
    response = confirm(as_system(scjg_system), result_approved, inspector=team[1].pk)
    assert response.status_code == 200 and response.json()["status"] == "entered"
    response = confirm(login(result_officers[0]), result_approved)
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_the_officer_entered_for_counts_as_the_one_who_entered_it(
    login, result_officers, result_approved, team, scjg_system
):
    """Completion counts officers, not accounts: the officer the system entered for confirms in
    person and completes it with the other (by account, the saver — the system — never would)."""
    system = as_system(scjg_system)
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    assert confirm(login(result_officers[1]), result_approved).json()["status"] == "entered"
    response = confirm(login(result_officers[0]), result_approved)
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_two_confirmations_without_the_officer_who_entered_it_do_not_complete(
    login, result_officers, result_approved, team, scjg_system, scjg
):
    """A third officer on the team: the system enters for 主检, confirms for 协检, and the third
    confirms in person — two officers, but not the one it was entered for."""
    third = InspectorFactory(department=scjg, name="第三检查员", certificate_expires_on=TODAY + dt.timedelta(days=365))
    VisitMember.objects.create(visit=result_approved, inspector=third, slot="第三人", position=3)
    system = as_system(scjg_system)
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    assert confirm(system, result_approved, inspector=team[1].pk).json()["status"] == "entered"
    response = confirm(system, result_approved, inspector=third.pk)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "entered" and len(response.json()["confirmations"]) == 2
    response = confirm(system, result_approved, inspector=team[0].pk)
    assert response.json()["status"] == "confirmed"


def test_the_system_confirms_an_officer_once_and_only_a_certified_one(result_approved, team, scjg_system):
    system = as_system(scjg_system)
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    missing = confirm(system, result_approved)
    assert missing.status_code == 400 and "inspector" in missing.json()
    assert confirm(system, result_approved, inspector=team[0].pk).status_code == 200
    twice = confirm(system, result_approved, inspector=team[0].pk)
    assert twice.status_code == 400 and team[0].name in str(twice.json())
    team[1].certificate_expires_on = TODAY - dt.timedelta(days=1)
    team[1].save(update_fields=["certificate_expires_on"])
    expired = confirm(system, result_approved, inspector=team[1].pk)
    assert expired.status_code == 403 and expired.json()["detail"] == access.SYSTEM_CONFIRM_RULE
    assert ResultConfirmation.objects.count() == 1
    assert VisitResult.objects.get().status == "entered"


def test_the_pages_show_the_system_and_the_officer(login, result_approved, team, scjg_system, scjg_admin):
    system = as_system(scjg_system)
    assert put(system, result_approved, result_data(result_approved), entered_for=team[0].pk).status_code == 200
    assert confirm(system, result_approved, inspector=team[0].pk).status_code == 200
    client = login(scjg_admin)
    label = f"由 市场监管 业务系统 代 {team[0].name} 录入"
    revisions = client.get(reverse("results:revisions", args=[result_approved.pk])).content.decode()
    assert label in revisions
    page = client.get(reverse("results:visit", args=[result_approved.pk])).content.decode()
    assert label in page and "由 市场监管 业务系统 代为确认" in page


def test_the_audit_trail_names_the_system_and_the_officer(result_approved, team, scjg_system):
    system = as_system(scjg_system)
    officer = team[0]
    assert put(system, result_approved, result_data(result_approved), entered_for=officer.pk).status_code == 200
    assert confirm(system, result_approved, inspector=officer.pk).status_code == 200
    entered = AuditEntry.objects.get(action="results.result.enter")
    assert entered.actor_id == scjg_system.token.user_id
    assert entered.after["system"] == "市场监管 业务系统"
    assert entered.after["entered_for"] == {
        "inspector": officer.pk,
        "name": officer.name,
        "certificate_number": officer.certificate_number,
    }
    confirmed = AuditEntry.objects.get(action="results.result.confirm")
    assert confirmed.actor_id == scjg_system.token.user_id
    assert confirmed.after["system"] == "市场监管 业务系统" and confirmed.after["inspector"] == officer.pk
    assert confirmed.after["name"] == officer.name


def test_the_schema_describes_the_fields(login, scjg_admin, db):
    schema = login(scjg_admin).get("/api/v1/schema/").content.decode()
    assert "entered_for" in schema and "entered_by_label" in schema
