import datetime as dt

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from spotcheck.audit.models import AuditEntry
from spotcheck.inspectors.models import Inspector, Recusal

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inspectors/"
RECUSALS = "/api/v1/inspector-recusals/"


@pytest.fixture
def api():
    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


def payload(department, **extra):
    return {
        "department": department.code,
        "name": "接口人员",
        "kind": "civil_servant",
        "certificate_number": "32048120257777",
        "certificate_expires_on": (timezone.localdate() + dt.timedelta(days=500)).isoformat(),
        "qualifications": ["food_safety", "general_enforcement"],
        **extra,
    }


class TestInspectors:
    def test_list_is_scoped_and_filtered(self, api, scjg_admin, scjg_officer, wsjk_officer, towns):
        response = api(scjg_admin).get(BASE)
        assert response.status_code == 200
        assert [row["code"] for row in response.data["results"]] == [scjg_officer.code]
        row = response.data["results"][0]
        assert row["department"] == "SCJG"
        assert row["qualifications"] == ["food_safety"]
        assert row["jurisdictions"] == [towns[0].code]
        assert row["matchable_today"] is True
        assert "recusals" not in row

        response = api(scjg_admin).get(BASE, {"qualification": "general_enforcement"})
        assert response.data["results"] == []

    def test_bad_filter_is_a_400(self, api, coordinator):
        response = api(coordinator).get(BASE, {"certificate_expires_within": "abc"})
        assert response.status_code == 400
        assert "certificate_expires_within" in response.data

    def test_anonymous_and_no_role(self, api, nobody, scjg_officer):
        assert api().get(BASE).status_code == 401
        assert api(nobody).get(BASE).status_code == 404
        assert api(nobody).get(f"{BASE}{scjg_officer.pk}/").status_code == 404

    def test_detail_of_another_department_is_404(self, api, wsjk_admin, scjg_officer):
        assert api(wsjk_admin).get(f"{BASE}{scjg_officer.pk}/").status_code == 404

    def test_create(self, api, scjg_admin, scjg):
        response = api(scjg_admin).post(BASE, payload(scjg), format="json")
        assert response.status_code == 201, response.data
        inspector = Inspector.objects.get(pk=response.data["id"])
        assert inspector.code == "32048120257777"
        assert sorted(response.data["qualifications"]) == ["food_safety", "general_enforcement"]
        entry = AuditEntry.objects.get(action="inspectors.inspector.create")
        assert entry.source == "api"

    def test_create_errors_are_chinese_and_per_field(self, api, scjg_admin, scjg):
        response = api(scjg_admin).post(
            BASE, payload(scjg, certificate_number="", certificate_expires_on=None), format="json"
        )
        assert response.status_code == 400
        assert response.data["certificate_number"] == ["公务员须填写执法证号。"]
        assert response.data["certificate_expires_on"] == ["公务员须填写执法证有效期。"]
        assert not Inspector.objects.exists()

    def test_create_permissions(self, api, scjg_inspector, wsjk_admin, scjg):
        assert api(scjg_inspector).post(BASE, payload(scjg), format="json").status_code == 403
        assert api(wsjk_admin).post(BASE, payload(scjg), format="json").status_code == 404
        assert not Inspector.objects.exists()

    def test_update(self, api, scjg_admin, scjg_officer):
        response = api(scjg_admin).patch(
            f"{BASE}{scjg_officer.pk}/", {"phone": "0519-1", "can_lead": False}, format="json"
        )
        assert response.status_code == 200, response.data
        scjg_officer.refresh_from_db()
        assert (scjg_officer.phone, scjg_officer.can_lead) == ("0519-1", False)
        assert AuditEntry.objects.get(action="inspectors.inspector.update").after == {
            "can_lead": False,
            "phone": "0519-1",
        }

    def test_update_permissions(self, api, scjg_inspector, wsjk_admin, scjg_officer):
        assert api(scjg_inspector).patch(f"{BASE}{scjg_officer.pk}/", {"phone": "1"}, format="json").status_code == 403
        assert api(wsjk_admin).patch(f"{BASE}{scjg_officer.pk}/", {"phone": "1"}, format="json").status_code == 404
        scjg_officer.refresh_from_db()
        assert scjg_officer.phone == ""

    def test_no_delete(self, api, coordinator, scjg_officer):
        assert api(coordinator).delete(f"{BASE}{scjg_officer.pk}/").status_code == 405
        assert Inspector.objects.filter(pk=scjg_officer.pk).exists()

    def test_retire_restore_and_availability(self, api, scjg_admin, scjg_officer):
        client = api(scjg_admin)
        response = client.post(f"{BASE}{scjg_officer.pk}/retire/", {"reason": "退休"}, format="json")
        assert response.status_code == 200
        assert response.data["retired_reason"] == "退休"
        assert response.data["matchable_today"] is False
        assert client.post(f"{BASE}{scjg_officer.pk}/retire/", {"reason": "x"}, format="json").status_code == 400
        assert client.post(f"{BASE}{scjg_officer.pk}/restore/", {}, format="json").status_code == 200
        response = client.post(
            f"{BASE}{scjg_officer.pk}/availability/",
            {"availability": "on_leave", "available_from": timezone.localdate().isoformat(), "reason": "产假"},
            format="json",
        )
        assert response.status_code == 200
        assert response.data["availability"] == "on_leave"
        assert response.data["matchable_today"] is False

    def test_actions_need_write_access(self, api, scjg_approver, wsjk_admin, scjg_officer):
        assert api(scjg_approver).post(f"{BASE}{scjg_officer.pk}/retire/", {"reason": "x"}).status_code == 403
        assert api(wsjk_admin).post(f"{BASE}{scjg_officer.pk}/retire/", {"reason": "x"}).status_code == 404


class TestRecusals:
    def test_department_sees_its_own_and_the_read_is_audited(self, api, scjg_admin, scjg_recusal, wsjk_recusal):
        response = api(scjg_admin).get(RECUSALS)
        assert response.status_code == 200
        assert [row["id"] for row in response.data["results"]] == [scjg_recusal.pk]
        entry = AuditEntry.objects.get(action="inspectors.recusal.view")
        assert entry.after["recusal_ids"] == [scjg_recusal.pk]
        assert entry.source == "api"

    def test_auditor_sees_all(self, api, auditor, scjg_recusal, wsjk_recusal):
        response = api(auditor).get(RECUSALS)
        assert {row["id"] for row in response.data["results"]} == {scjg_recusal.pk, wsjk_recusal.pk}
        assert api(auditor).get(f"{RECUSALS}{scjg_recusal.pk}/").status_code == 200

    @pytest.mark.parametrize("persona", ["coordinator", "witness", "nobody"])
    def test_not_exposed_to_others(self, request, api, scjg_recusal, persona):
        client = api(request.getfixturevalue(persona))
        assert client.get(RECUSALS).status_code == 404
        assert client.get(f"{RECUSALS}{scjg_recusal.pk}/").status_code == 404
        assert client.post(f"{RECUSALS}{scjg_recusal.pk}/end/", {"reason": "x"}).status_code == 404
        assert not AuditEntry.objects.filter(action="inspectors.recusal.view").exists()

    def test_other_department_gets_404_for_the_row(self, api, wsjk_admin, scjg_recusal):
        assert api(wsjk_admin).get(f"{RECUSALS}{scjg_recusal.pk}/").status_code == 404

    def test_create_and_end(self, api, scjg_admin, scjg_officer, shop):
        client = api(scjg_admin)
        body = {"inspector": scjg_officer.pk, "inspection_object": shop.public_code, "reason": "亲属任法定代表人"}
        response = client.post(RECUSALS, body, format="json")
        assert response.status_code == 201, response.data
        again = client.post(RECUSALS, body, format="json")
        assert again.status_code == 400
        assert "已有有效的回避关系" in str(again.data)
        response = client.post(f"{RECUSALS}{response.data['id']}/end/", {"reason": "已离职"}, format="json")
        assert response.status_code == 200
        assert response.data["is_active"] is False

    def test_create_permissions(self, api, coordinator, wsjk_admin, scjg_inspector, scjg_officer, shop):
        body = {"inspector": scjg_officer.pk, "inspection_object": shop.public_code, "reason": "x"}
        assert api(coordinator).post(RECUSALS, body, format="json").status_code == 404
        assert api(scjg_inspector).post(RECUSALS, body, format="json").status_code == 403
        # Another department cannot even name the inspector.
        response = api(wsjk_admin).post(RECUSALS, body, format="json")
        assert response.status_code == 400
        assert "inspector" in response.data
        assert not Recusal.objects.exists()


def test_schema_of_this_app_generates_without_warnings():
    patterns = [path("api/v1/", include("spotcheck.inspectors.api_urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    assert "/api/v1/inspectors/{id}/availability/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/inspectors/"]["get"]["parameters"]}
    assert {"q", "department", "qualification", "region", "matchable_on", "include_retired"} <= params
