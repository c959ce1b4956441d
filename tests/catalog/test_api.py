import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from spotcheck.audit.models import AuditEntry
from spotcheck.catalog import services
from spotcheck.catalog.models import InspectionItem, ItemVersion
from tests.factories import QualificationFactory, TagFactory, make_item, publish

S = ItemVersion.Status
LIST = "/api/v1/items/"


def detail(item) -> str:
    return f"/api/v1/items/{item.pk}/"


def payload(**overrides):
    data = {
        "department": "SCJG",
        "code": "SCJG-API-1",
        "name": "特种设备使用单位监督检查",
        "legal_basis": "《特种设备安全法》第五十七条",
        "implementing_body": "溧阳市市场监督管理局",
        "default_ratio": "0.05",
        "methods": ["on_site", "document"],
        "category": "key",
        "scope": {"tags": ["special_equipment_user"], "kinds": ["enterprise"]},
        "required_qualifications": ["SE"],
        "checklist": [{"text": "特种设备是否办理使用登记", "basis": "第三十三条"}, {"text": "是否定期检验"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def refs(db):
    TagFactory(code="special_equipment_user", name="特种设备使用单位")
    return QualificationFactory(code="SE", name="特种设备检查")


class TestRead:
    def test_anonymous_refused(self, client, published_item):
        assert client.get(LIST).status_code == 401
        assert client.get(detail(published_item)).status_code == 401

    def test_no_role_404(self, login, nobody, published_item):
        client = login(nobody)
        assert client.get(LIST).status_code == 404
        assert client.get(detail(published_item)).status_code == 404

    def test_list_respects_department(self, login, wsjk_admin, coordinator, published_item, draft_item):
        assert sorted(i["code"] for i in login(coordinator).get(LIST).json()["results"]) == ["SCJG-DRAFT", "SCJG-PUB"]
        results = login(wsjk_admin).get(LIST).json()["results"]
        assert [i["code"] for i in results] == ["SCJG-PUB"]
        assert results[0]["current_version"]["number"] == 1
        assert results[0]["open_version"] is None

    def test_list_filters(self, login, coordinator, published_item, draft_item, wsjk):
        client = login(coordinator)
        assert [i["code"] for i in client.get(LIST, {"status": "draft"}).json()["results"]] == ["SCJG-DRAFT"]
        assert [i["code"] for i in client.get(LIST, {"q": "pub"}).json()["results"]] == ["SCJG-PUB"]
        assert client.get(LIST, {"department": "WSJK"}).json()["count"] == 0
        assert client.get(LIST, {"department": "SCJG"}).json()["count"] == 2

    def test_detail_expands_current_version(self, login, wsjk_admin, scjg_admin, published_item):
        services.version_new_draft(actor=scjg_admin, item=published_item)
        body = login(wsjk_admin).get(detail(published_item)).json()
        current = body["current_version"]
        assert current["status"] == "published"
        assert current["default_ratio"] == "0.050000"
        assert [q["text"] for q in current["questions"]] == ["是否取得有效的食品经营许可证", "是否建立进货查验记录制度"]
        assert [e["action"] for e in current["filing_events"]] == ["created", "submitted", "accepted"]
        # 卫健 sees the published version only, not 市场监管's new draft.
        assert [(v["number"], v["status"]) for v in body["versions"]] == [(1, "published")]
        assert body["open_version"] is None
        own = login(scjg_admin).get(detail(published_item)).json()
        assert [v["number"] for v in own["versions"]] == [2, 1]
        assert own["open_version"]["status"] == "draft"

    def test_list_query_count_is_pinned(self, login, coordinator, scjg_admin, scjg, django_assert_num_queries):
        # session, user, memberships, count, items with current versions, open versions.
        client = login(coordinator)
        make_item(actor=scjg_admin, department=scjg, code="Q-0")
        with django_assert_num_queries(6):
            client.get(LIST)
        for n in range(1, 8):
            item = make_item(actor=scjg_admin, department=scjg, code=f"Q-{n}")
            if n % 2:
                publish(item, actor=scjg_admin, coordinator=coordinator)
        with django_assert_num_queries(6):
            assert client.get(LIST).json()["count"] == 8

    def test_other_department_draft_item_404(self, login, wsjk_admin, draft_item):
        assert login(wsjk_admin).get(detail(draft_item)).status_code == 404


class TestCreate:
    def test_create(self, login, scjg_admin, refs):
        response = login(scjg_admin).post(LIST, payload(), content_type="application/json")
        assert response.status_code == 201, response.json()
        item = InspectionItem.objects.get(code="SCJG-API-1")
        version = item.versions.get()
        assert version.scope == {"kinds": ["enterprise"], "tags": ["special_equipment_user"]}
        assert list(version.required_qualifications.values_list("code", flat=True)) == ["SE"]
        assert [q.basis for q in version.questions.all()] == ["第三十三条", ""]
        body = response.json()
        assert body["current_version"] is None
        assert body["open_version"]["status"] == "draft"
        assert AuditEntry.objects.get(action="catalog.item.create").source == "api"

    def test_validation_errors_in_chinese(self, login, scjg_admin, refs):
        response = login(scjg_admin).post(
            LIST,
            payload(scope={"industries": ["X99"]}, checklist=[{"text": ""}], code=" X"),
            content_type="application/json",
        )
        assert response.status_code == 400
        errors = response.json()
        assert errors["scope"] == ["抽查对象范围的行业（industries）中，代码“X99”不存在或已停用。"]
        assert errors["checklist"] == ["检查表第 1 条：检查内容不能为空。"]
        assert errors["code"] == ["事项编码首尾不能有空白字符。"]
        assert not InspectionItem.objects.exists()

    def test_ratio_above_one_refused(self, login, scjg_admin, refs):
        response = login(scjg_admin).post(LIST, payload(default_ratio="1.5"), content_type="application/json")
        assert response.status_code == 400
        assert "default_ratio" in response.json()

    def test_other_department_404(self, login, wsjk_admin, refs, scjg):
        assert login(wsjk_admin).post(LIST, payload(), content_type="application/json").status_code == 404

    @pytest.mark.parametrize("persona", ["auditor", "scjg_inspector"])
    def test_read_only_403(self, request, login, persona, refs, scjg):
        client = login(request.getfixturevalue(persona))
        assert client.post(LIST, payload(), content_type="application/json").status_code == 403
        assert not InspectionItem.objects.exists()


class TestWorkflow:
    def test_submit_return_edit_submit_accept(self, login, client, scjg_admin, coordinator, draft_item):
        admin = login(scjg_admin)
        url = detail(draft_item)
        assert admin.post(url + "submit/").json()["open_version"]["status"] == "filing"
        assert admin.post(url + "accept/").status_code == 403  # dept_admin cannot accept

        coord = login(coordinator)
        assert coord.post(url + "return/", {}, content_type="application/json").status_code == 400
        body = coord.post(url + "return/", {"reason": "请补充检查依据"}, content_type="application/json").json()
        assert body["open_version"]["status"] == "returned"
        assert body["open_version"]["review_note"] == "请补充检查依据"

        admin = login(scjg_admin)
        response = admin.patch(url + "draft/", {"name": "修订后的名称"}, content_type="application/json")
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["name"]) == ("draft", "修订后的名称")
        admin.post(url + "submit/")

        coord = login(coordinator)
        body = coord.post(url + "accept/", {"note": "同意"}, content_type="application/json").json()
        assert body["current_version"]["status"] == "published"
        assert body["current_version"]["name"] == "修订后的名称"
        assert body["open_version"] is None

    def test_new_version_supersedes_on_accept(self, login, scjg_admin, coordinator, published_item):
        url = detail(published_item)
        admin = login(scjg_admin)
        assert (
            admin.post(url + "new-version/", {"change_note": "第二版"}, content_type="application/json").status_code
            == 201
        )
        assert admin.post(url + "new-version/").status_code == 400  # only one open version
        admin.post(url + "submit/")
        body = login(coordinator).post(url + "accept/").json()
        assert [(v["number"], v["status"]) for v in body["versions"]] == [(2, "published"), (1, "superseded")]

    def test_submit_without_draft_is_400(self, login, scjg_admin, published_item):
        response = login(scjg_admin).post(detail(published_item) + "submit/")
        assert response.status_code == 400
        assert response.json()["detail"] == ["该事项没有可提交备案的草稿。"]

    def test_other_department_404_on_actions(self, login, wsjk_admin, scjg_admin, draft_item, published_item):
        client = login(wsjk_admin)
        assert client.post(detail(draft_item) + "submit/").status_code == 404
        assert (
            client.patch(detail(draft_item) + "draft/", {"name": "x"}, content_type="application/json").status_code
            == 404
        )
        assert client.post(detail(published_item) + "new-version/").status_code == 404

    def test_auditor_read_only(self, login, auditor, scjg_admin, draft_item):
        client = login(auditor)
        assert client.get(detail(draft_item)).status_code == 200
        assert client.post(detail(draft_item) + "submit/").status_code == 403
        services.version_submit(actor=scjg_admin, version=draft_item.versions.get())
        assert client.post(detail(draft_item) + "accept/").status_code == 403
        assert client.post(detail(draft_item) + "return/", {"reason": "x"}).status_code == 403


def test_schema_of_catalog_api_has_no_warnings(settings):
    patterns = [path("api/v1/", include("spotcheck.catalog.api_urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    paths = schema["paths"]
    assert {"/api/v1/items/", "/api/v1/items/{id}/", "/api/v1/items/{id}/submit/", "/api/v1/items/{id}/accept/"} <= set(
        paths
    )
    assert "/api/v1/items/{id}/return/" in paths
    assert "ItemCreate" in schema["components"]["schemas"]
    assert paths["/api/v1/items/{id}/return/"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Return"
    }
