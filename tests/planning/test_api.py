"""The annual plans through the REST API: the same scope, access helpers and services as the
pages (tests/planning/test_views.py), for every persona."""

import datetime as dt

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from spotcheck.audit.models import AuditEntry
from spotcheck.planning import services
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory, plan_with_entry

S = AnnualPlan.Status
LIST = "/api/v1/plans/"
# A witness-only user reads published plans only (tests/web/test_witness_sees_little.py).
READERS = ["coordinator", "scjg_admin", "auditor", "scjg_inspector", "scjg_approver"]
READ_ONLY = ["auditor", "scjg_inspector", "scjg_approver"]


def detail(plan) -> str:
    return f"{LIST}{plan.pk}/"


def entry_url(entry) -> str:
    return f"/api/v1/plan-entries/{entry.pk}/"


def stratum_url(stratum) -> str:
    return f"/api/v1/plan-strata/{stratum.pk}/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def entry_payload(**overrides):
    data = {
        "code": "E2",
        "name": "特种设备使用单位专项抽查",
        "kind": "routine",
        "items": ["SCJG-001"],
        "lead_department": "SCJG",
        "window_start": "2027-04-01",
        "window_end": "2027-09-30",
        "scope": {"kinds": ["enterprise"]},
        "frequency_cap_days": 180,
        "notes": "上半年完成",
    }
    data.update(overrides)
    return data


@pytest.fixture
def joint_plan(coordinator, scjg, wsjk, scjg_item, wsjk_item):
    plan = services.plan_create(actor=coordinator, year=2027, title="2027年度部门联合抽查计划", region=scjg.region)
    entry = services.entry_add(
        actor=coordinator,
        plan=plan,
        code="J1",
        name="餐饮单位联合抽查",
        kind="joint",
        items=[scjg_item, wsjk_item],
        lead_department=scjg,
        participating_departments=[wsjk],
        window_start=dt.date(2027, 5, 1),
        window_end=dt.date(2027, 8, 31),
    )
    services.entry_add_default_strata(actor=coordinator, entry=entry)
    return plan


# ---------------------------------------------------------------------------------------- read


class TestRead:
    def test_anonymous_refused(self, client, draft_plan):
        assert client.get(LIST).status_code == 401
        assert client.get(detail(draft_plan)).status_code == 401

    def test_no_role_404(self, login, nobody, draft_plan):
        client = login(nobody)
        assert client.get(LIST).status_code == 404
        assert client.get(detail(draft_plan)).status_code == 404

    @pytest.mark.parametrize("persona", READERS)
    def test_list_and_detail_for_readers(self, request, login, draft_plan, persona):
        client = login(request.getfixturevalue(persona))
        body = client.get(LIST).json()
        assert [p["title"] for p in body["results"]] == ["2027年度抽查计划"]
        assert body["results"][0]["department"] == "SCJG"
        assert body["results"][0]["filing_deadline"] == "2027-01-31"
        assert client.get(detail(draft_plan)).status_code == 200

    def test_other_department_sees_nothing(self, login, wsjk_admin, draft_plan):
        client = login(wsjk_admin)
        assert client.get(LIST).json()["count"] == 0
        assert client.get(detail(draft_plan)).status_code == 404
        entry = draft_plan.entries.get()
        assert client.get(entry_url(entry)).status_code == 404
        assert client.get(stratum_url(entry.strata.first())).status_code == 404

    def test_participant_reads_the_joint_plan(self, login, wsjk_admin, joint_plan, draft_plan):
        body = login(wsjk_admin).get(LIST).json()
        assert [(p["kind"], p["department"], p["region"]) for p in body["results"]] == [("joint", None, "320481")]

    def test_filters(self, login, coordinator, draft_plan, joint_plan, scjg_admin, scjg, scjg_item):
        old, _entry = plan_with_entry(actor=scjg_admin, department=scjg, item=scjg_item, year=2026)
        client = login(coordinator)

        def ids(**query):
            response = client.get(LIST, query)
            assert response.status_code == 200, response.json()
            return {p["id"] for p in response.json()["results"]}

        assert ids() == {draft_plan.pk, joint_plan.pk, old.pk}
        assert ids(year=2026) == {old.pk}
        assert ids(department="SCJG") == {draft_plan.pk, old.pk}
        assert ids(kind="joint") == {joint_plan.pk}
        assert ids(status="draft", year=2027, kind="department") == {draft_plan.pk}
        assert ids(status="published") == set()
        services.plan_retire(actor=scjg_admin, plan=old, reason="编制有误")
        assert ids(year=2026) == set()
        assert ids(year=2026, include_retired="true") == {old.pk}

    def test_bad_filter_names_the_field(self, login, coordinator, draft_plan):
        client = login(coordinator)
        assert "department" in client.get(LIST, {"department": "NOPE"}).json()
        assert "status" in client.get(LIST, {"status": "lost"}).json()
        assert client.get(LIST, {"kind": "lost"}).status_code == 400

    def test_detail_has_entries_strata_and_history(self, login, scjg_admin, draft_plan):
        body = login(scjg_admin).get(detail(draft_plan)).json()
        assert (body["status"], body["status_display"], body["revision"]) == ("draft", "草稿", 0)
        (entry,) = body["entries"]
        assert (entry["code"], entry["lead_department"], entry["kind"]) == ("E1", "SCJG", "routine")
        assert entry["items"] == [{"code": "SCJG-001", "name": "SCJG-001 监督检查"}]
        assert [(s["name"], s["ratio"]) for s in entry["strata"]] == [
            ("A类（信用风险低）", "0.05"),
            ("B类（信用风险一般）", "0.2"),
            ("C类（信用风险较高）", "0.6"),
            ("D类（信用风险高）", "1"),
        ]
        assert entry["strata"][0]["filter"] == {"credit_levels": ["A"]}
        assert [(e["action"], e["actor"]) for e in body["events"]] == [("created", "市场监管 王管理")]
        assert body["retired_entries"] == []

    def test_entry_and_stratum_detail(self, login, scjg_inspector, draft_plan):
        client = login(scjg_inspector)
        entry = draft_plan.entries.get()
        body = client.get(entry_url(entry)).json()
        assert (body["code"], body["plan"], len(body["strata"])) == ("E1", draft_plan.pk, 4)
        stratum = entry.strata.order_by("position").first()
        assert client.get(stratum_url(stratum)).json()["name"] == "A类（信用风险低）"

    def test_list_query_count_is_bounded(
        self,
        login,
        coordinator,
        scjg_admin,
        scjg,
        wsjk_admin,
        wsjk,
        wsjk_item,
        draft_plan,
        joint_plan,
        scjg_item,
        django_assert_max_num_queries,
    ):
        client = login(coordinator)
        with django_assert_max_num_queries(6):
            assert client.get(LIST).json()["count"] == 2
        for year in (2028, 2029, 2030):
            plan_with_entry(actor=scjg_admin, department=scjg, item=scjg_item, year=year)
            plan_with_entry(actor=wsjk_admin, department=wsjk, item=wsjk_item, year=year)
        with django_assert_max_num_queries(6):
            assert client.get(LIST).json()["count"] == 8
        client = login(wsjk_admin)  # a department reader: the joint plans it takes part in too
        with django_assert_max_num_queries(6):
            assert client.get(LIST).json()["count"] == 4


# -------------------------------------------------------------------------------------- create


class TestCreate:
    def test_department_plan(self, login, scjg_admin, scjg):
        response = post(login(scjg_admin), LIST, {"year": 2028, "title": "2028年度抽查计划", "department": "SCJG"})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["kind"], body["status"], body["department"], body["year"]) == ("department", "draft", "SCJG", 2028)
        assert [e["action"] for e in body["events"]] == ["created"]
        plan = AnnualPlan.objects.get(pk=body["id"])
        assert AuditEntry.objects.get(action="planning.plan.create", target_id=str(plan.pk)).source == "api"

    def test_joint_plan_by_the_coordinator(self, login, coordinator, county):
        response = post(login(coordinator), LIST, {"year": 2028, "title": "2028年度部门联合抽查计划"})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["kind"], body["department"], body["region"]) == ("joint", None, county.code)

    def test_joint_plan_is_for_the_region_the_user_coordinates(self, login, scjg, county):
        # The user's oldest membership is in another county's department; they coordinate this one.
        other = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
        user = UserFactory(username="coordinator_from_elsewhere")
        MembershipFactory(user=user, department=DepartmentFactory(code="JT-SCJG", region=other), role="inspector")
        MembershipFactory(user=user, department=scjg, role="coordinator")
        response = post(login(user), LIST, {"year": 2028, "title": "2028年度部门联合抽查计划"})
        assert response.status_code == 201, response.json()
        assert response.json()["region"] == county.code

    def test_joint_plan_needs_the_coordinator(self, login, scjg_admin):
        response = post(login(scjg_admin), LIST, {"year": 2028, "title": "联合计划"})
        assert response.status_code == 403
        assert not AnnualPlan.objects.exists()

    def test_other_department_404(self, login, wsjk_admin, scjg):
        response = post(login(wsjk_admin), LIST, {"year": 2028, "title": "x", "department": "SCJG"})
        assert response.status_code == 404

    @pytest.mark.parametrize("persona", READ_ONLY)
    def test_read_only_403(self, request, login, persona, scjg):
        client = login(request.getfixturevalue(persona))
        assert post(client, LIST, {"year": 2028, "title": "x", "department": "SCJG"}).status_code == 403
        assert not AnnualPlan.objects.exists()

    def test_bad_requests_name_the_field(self, login, scjg_admin, scjg, draft_plan):
        client = login(scjg_admin)
        assert set(post(client, LIST, {"department": "SCJG"}).json()) == {"year", "title"}
        assert "department" in post(client, LIST, {"year": 2028, "title": "x", "department": "NOPE"}).json()
        response = post(client, LIST, {"year": 1999, "title": "x", "department": "SCJG"})
        assert response.json() == {"year": ["计划年度应为 2000 到 2100 之间的年份。"]}
        response = post(client, LIST, {"year": 2028, "title": "   ", "department": "SCJG"})
        assert response.status_code == 400 and "title" in response.json()
        response = post(client, LIST, {"year": 2027, "title": "重复", "department": "SCJG"})
        assert response.status_code == 400
        assert "该部门本年度已有年度抽查计划。" in str(response.json())

    def test_update_title(self, login, scjg_admin, wsjk_admin, auditor, draft_plan):
        response = patch(login(scjg_admin), detail(draft_plan), {"title": "2027年度抽查计划（修订）"})
        assert response.status_code == 200, response.json()
        assert response.json()["title"] == "2027年度抽查计划（修订）"
        assert patch(login(scjg_admin), detail(draft_plan), {"title": ""}).json().keys() == {"title"}
        assert patch(login(wsjk_admin), detail(draft_plan), {"title": "x"}).status_code == 404
        assert patch(login(auditor), detail(draft_plan), {"title": "x"}).status_code == 403
        services.plan_submit(actor=scjg_admin, plan=draft_plan)
        response = patch(login(scjg_admin), detail(draft_plan), {"title": "x"})
        assert response.status_code == 400
        assert response.json() == {"detail": ["只有草稿或已退回的计划可以修改。"]}


# ------------------------------------------------------------------------------------ workflow


class TestWorkflow:
    def test_submit_approve_file_publish(self, login, scjg_admin, scjg_approver, coordinator, draft_plan):
        url = detail(draft_plan)
        assert post(login(scjg_admin), url + "submit/").json()["status"] == "submitted"
        assert post(login(scjg_admin), url + "approve/").status_code == 403  # the admin does not approve
        assert post(login(scjg_approver), url + "approve/").json()["status"] == "filing"
        assert post(login(scjg_admin), url + "file/").status_code == 403  # only the joint office files
        body = post(login(coordinator), url + "file/").json()
        assert body["status"] == "filed" and body["filed_at"]
        assert post(login(scjg_admin), url + "publish/").status_code == 403  # only the joint office publishes
        body = post(login(coordinator), url + "publish/").json()
        assert body["status"] == "published" and body["published_at"]
        assert [e["action"] for e in body["events"]] == ["created", "submitted", "approved", "filed", "published"]
        assert post(login(coordinator), url + "publish/").json() == {"detail": ["只有已备案的计划可以公布。"]}

    def test_submit_without_strata_says_why(self, login, scjg_admin, scjg):
        plan = services.plan_create(actor=scjg_admin, year=2028, title="空计划", department=scjg)
        response = post(login(scjg_admin), detail(plan) + "submit/")
        assert response.status_code == 400
        assert response.json() == {"detail": ["计划至少要有一个条目。"]}

    def test_return_needs_a_reason(self, login, scjg_admin, scjg_approver, draft_plan):
        services.plan_submit(actor=scjg_admin, plan=draft_plan)
        client = login(scjg_approver)
        assert post(client, detail(draft_plan) + "return/").json().keys() == {"reason"}
        body = post(client, detail(draft_plan) + "return/", {"reason": "请补充分层"}).json()
        assert (body["status"], body["return_reason"]) == ("returned", "请补充分层")
        assert body["events"][-1]["reason"] == "请补充分层"

    def test_retire_before_publication(self, login, scjg_admin, draft_plan):
        client = login(scjg_admin)
        assert post(client, detail(draft_plan) + "retire/").json().keys() == {"reason"}
        body = post(client, detail(draft_plan) + "retire/", {"reason": "重新编制"}).json()
        assert body["retired_at"] and body["retired_reason"] == "重新编制"
        assert client.get(LIST).json()["count"] == 0
        assert client.get(LIST, {"include_retired": "true"}).json()["count"] == 1

    def test_published_plan_cannot_be_retired(self, login, scjg_admin, published_plan):
        response = post(login(scjg_admin), detail(published_plan) + "retire/", {"reason": "x"})
        assert response.json() == {"detail": ["已公布的计划不能作废，请通过调整修改。"]}

    def test_other_department_404_on_every_step(self, login, wsjk_admin, draft_plan):
        client = login(wsjk_admin)
        for step in ("submit", "approve", "return", "file", "publish", "retire", "entries"):
            assert post(client, detail(draft_plan) + f"{step}/", {"reason": "x"}).status_code == 404, step

    @pytest.mark.parametrize("persona", READ_ONLY)
    def test_read_only_roles_403(self, request, login, persona, draft_plan):
        client = login(request.getfixturevalue(persona))
        for step in ("submit", "retire", "entries"):
            assert post(client, detail(draft_plan) + f"{step}/", {"reason": "x"}).status_code == 403, step
        assert AnnualPlan.objects.get(pk=draft_plan.pk).status == S.DRAFT

    def test_steps_are_post_only(self, login, scjg_admin, draft_plan):
        assert login(scjg_admin).get(detail(draft_plan) + "submit/").status_code == 405


# ------------------------------------------------------------------------------ entries, strata


class TestEntriesAndStrata:
    def test_add_entry(self, login, scjg_admin, draft_plan, scjg_item):
        response = post(login(scjg_admin), detail(draft_plan) + "entries/", entry_payload())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["code"], body["position"], body["frequency_cap_days"]) == ("E2", 2, 180)
        assert body["scope"] == {"kinds": ["enterprise"]}
        assert body["strata"] == []
        assert AuditEntry.objects.get(action="planning.entry.create", target_id=str(body["id"])).source == "api"

    def test_bad_entries_name_the_field(self, login, scjg_admin, draft_plan, wsjk_item):
        client = login(scjg_admin)
        url = detail(draft_plan) + "entries/"
        assert "items" in post(client, url, entry_payload(items=["NO-SUCH"])).json()
        assert "window_start" in post(client, url, entry_payload(window_start="someday")).json()
        errors = post(client, url, entry_payload(window_start="2026-12-01", code="E1")).json()
        assert errors["window_start"] == ["开始日期应在计划年度 2027 年内。"]
        assert errors["code"] == ["本计划中已有编号为“E1”的条目。"]
        errors = post(client, url, entry_payload(items=["WSJK-001"])).json()
        assert errors == {"items": ["事项“WSJK-001”不属于发起部门或参与部门。"]}
        errors = post(client, url, entry_payload(code=" E3")).json()
        assert list(errors) == ["code"], "a padded code is refused, not trimmed"
        assert draft_plan.entries.count() == 1

    def test_patch_entry_keeps_what_it_does_not_send(self, login, scjg_admin, draft_plan):
        entry = draft_plan.entries.get()
        response = patch(login(scjg_admin), entry_url(entry), {"name": "食品经营者监督抽查（修订）"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["name"], body["code"], body["window_end"]) == ("食品经营者监督抽查（修订）", "E1", "2027-10-31")
        assert [i["code"] for i in body["items"]] == ["SCJG-001"]
        assert patch(login(scjg_admin), entry_url(entry), {"kind": "joint"}).json() == {
            "participating_departments": ["联合抽查至少要有两个部门：请选择参与部门。"]
        }

    def test_strata(self, login, scjg_admin, draft_plan):
        entry = draft_plan.entries.get()
        client = login(scjg_admin)
        data = {"name": "重点监管", "ratio": "0.5", "filter": {"tags": ["key_supervision"]}, "min_count": 2}
        response = post(client, entry_url(entry) + "strata/", data)
        assert response.status_code == 201, response.json()
        stratum = PlanStratum.objects.get(pk=response.json()["id"])
        assert (stratum.filter, stratum.min_count, stratum.position) == ({"tags": ["key_supervision"]}, 2, 5)
        assert patch(client, stratum_url(stratum), {"ratio": "0.6"}).json()["ratio"] == "0.6"
        assert patch(client, stratum_url(stratum), {"ratio": "1.5"}).json().keys() == {"ratio"}
        errors = post(client, entry_url(entry) + "strata/", {"name": "x", "ratio": "0.1", "filter": {"colour": 1}})
        assert list(errors.json()) == ["filter"] and "colour" in errors.json()["filter"][0]
        errors = post(client, entry_url(entry) + "strata/", {"name": " 补充", "ratio": "0.1"}).json()
        assert list(errors) == ["name"]
        body = post(client, stratum_url(stratum) + "retire/").json()
        assert "重点监管" not in [s["name"] for s in body["entries"][0]["strata"]]
        assert not PlanStratum.objects.filter(pk=stratum.pk).exists(), "a never published plan forgets it"

    def test_default_strata(self, login, scjg_admin, scjg, scjg_item):
        plan = services.plan_create(actor=scjg_admin, year=2028, title="2028年度抽查计划", department=scjg)
        entry = services.entry_add(
            actor=scjg_admin,
            plan=plan,
            code="E1",
            name="x",
            kind="routine",
            items=[scjg_item],
            lead_department=scjg,
            window_start=dt.date(2028, 1, 1),
            window_end=dt.date(2028, 12, 31),
        )
        client = login(scjg_admin)
        body = post(client, entry_url(entry) + "default-strata/").json()
        assert [s["ratio"] for s in body["strata"]] == ["0.05", "0.2", "0.6", "1"]
        assert post(client, entry_url(entry) + "default-strata/").json() == {
            "detail": ["该条目已有分层，不能再套用默认分层。"]
        }

    def test_adjustment_after_publication_needs_a_reason(self, login, scjg_admin, published_plan):
        client = login(scjg_admin)
        entry = published_plan.entries.get()
        assert patch(client, entry_url(entry), {"name": "调整后"}).json() == {"reason": ["请填写原因。"]}
        response = patch(client, entry_url(entry), {"name": "调整后", "reason": "按上级要求调整名称"})
        assert response.status_code == 200, response.json()
        stratum = entry.strata.order_by("position").first()
        assert post(client, stratum_url(stratum) + "retire/").json() == {"reason": ["请填写原因。"]}
        post(client, stratum_url(stratum) + "retire/", {"reason": "A类不再抽查"})
        added = post(client, detail(published_plan) + "entries/", entry_payload(reason="新增专项"))
        assert added.status_code == 201, added.json()
        body = post(client, entry_url(PlanEntry.objects.get(pk=added.json()["id"])) + "retire/", {"reason": "撤回"})
        body = body.json()
        assert (body["status"], body["revision"]) == ("published", 4)
        assert [(e["action"], e["revision"], e["reason"]) for e in body["events"][-4:]] == [
            ("adjusted", 1, "按上级要求调整名称"),
            ("adjusted", 2, "A类不再抽查"),
            ("adjusted", 3, "新增专项"),
            ("adjusted", 4, "撤回"),
        ]
        assert [(e["code"], e["retired_reason"]) for e in body["retired_entries"]] == [("E2", "撤回")]
        assert PlanStratum.objects.get(pk=stratum.pk).retired_at is not None, "kept, retired"
        assert [s["name"] for s in body["entries"][0]["strata"]] == [
            "B类（信用风险一般）",
            "C类（信用风险较高）",
            "D类（信用风险高）",
        ]

    def test_other_department_404(self, login, wsjk_admin, draft_plan):
        client = login(wsjk_admin)
        entry = draft_plan.entries.get()
        stratum = entry.strata.first()
        assert patch(client, entry_url(entry), {"name": "x"}).status_code == 404
        assert post(client, entry_url(entry) + "retire/").status_code == 404
        assert post(client, entry_url(entry) + "strata/", {"name": "x", "ratio": "0.1"}).status_code == 404
        assert post(client, entry_url(entry) + "default-strata/").status_code == 404
        assert patch(client, stratum_url(stratum), {"ratio": "0.1"}).status_code == 404
        assert post(client, stratum_url(stratum) + "retire/").status_code == 404

    @pytest.mark.parametrize("persona", READ_ONLY)
    def test_read_only_403(self, request, login, persona, draft_plan):
        client = login(request.getfixturevalue(persona))
        entry = draft_plan.entries.get()
        stratum = entry.strata.first()
        assert patch(client, entry_url(entry), {"name": "x"}).status_code == 403
        assert post(client, entry_url(entry) + "retire/").status_code == 403
        assert post(client, entry_url(entry) + "strata/", {"name": "x", "ratio": "0.1"}).status_code == 403
        assert patch(client, stratum_url(stratum), {"ratio": "0.1"}).status_code == 403
        assert post(client, stratum_url(stratum) + "retire/").status_code == 403
        assert PlanEntry.objects.get(pk=entry.pk).name == "食品经营者日常监督抽查"

    def test_joint_plan_is_written_by_the_coordinator_only(self, login, scjg_admin, coordinator, joint_plan):
        entry = joint_plan.entries.get()
        assert patch(login(scjg_admin), entry_url(entry), {"name": "x"}).status_code == 403
        assert patch(login(coordinator), entry_url(entry), {"name": "餐饮联合抽查"}).status_code == 200


def test_schema_of_planning_api_has_no_warnings():
    patterns = [path("api/v1/", include("spotcheck.planning.api_urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert {
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/plans/{id}/submit/",
        "/api/v1/plans/{id}/return/",
        "/api/v1/plans/{id}/entries/",
        "/api/v1/plan-entries/{id}/strata/",
        "/api/v1/plan-strata/{id}/retire/",
    } <= set(schema["paths"])
