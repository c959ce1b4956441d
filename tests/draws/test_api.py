"""Inspection tasks and the seed ceremony through the REST API: the same access helper,
selectors and services as the pages (tests/draws/test_views.py), for every persona."""

import pytest
from django.test import Client
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from spotcheck.accounts.models import User
from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from spotcheck.draws import services
from spotcheck.draws.models import Task
from spotcheck.drawspec import engine, verify_draw
from spotcheck.inspectors.models import Qualification
from tests.factories import later_window
from tests.fixtures.deadlines import complete_visits

S = Task.Status
LIST = "/api/v1/tasks/"
STEPS = ("freeze", "announce", "witnesses", "draw", "cancel", "publish-list")
READ_ONLY = ["auditor", "scjg_inspector", "scjg_approver"]


def detail(task) -> str:
    return f"{LIST}{task.pk}/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def create_payload(**overrides):
    data = {
        "lead_department": "SCJG",
        "title": "2026 年食品经营者双随机抽查",
        "items": ["SCJG-DRAW-001"],
        "window_start": "2026-03-01",
        "window_end": "2026-06-30",
        "strata": [
            {"name": "C类", "filter": {"credit_levels": ["C", "D"]}, "ratio": "0.5"},
            {"name": "一般", "ratio": "0.25", "minimum": 1},
        ],
        "slots": [
            {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
            {"name": "协检", "dept": "SCJG"},
        ],
        "lead_slot": "主检",
        "max_visits_per_inspector": 4,
    }
    data.update(overrides)
    return data


# The ceremony's second witness comes from 卫健.
pytestmark = pytest.mark.usefixtures("scjg", "wsjk")


def ceremony(client, task, *, draw=True):
    """Freeze, announce, two witness inputs named by the operator and draw, all through the API."""
    for step in ("freeze", "announce"):
        response = post(client, detail(task) + f"{step}/")
        assert response.status_code == 200, response.json()
    typed = [("钱见证", "SCJG", "3-5-2"), ("孙见证", "WSJK", "6 1 4")]
    if task.is_joint:
        # A witness typed for the operator's own department does not count towards a joint
        # task's two departments: the witness persona (市场监管) enters their own.
        own = Client()
        own.force_login(User.objects.get(username="witness"))
        assert post(own, detail(task) + "witnesses/", {"value": "3-5-2"}).status_code == 201
        typed = typed[1:]
    for name, department, value in typed:
        data = {"value": value, "witness_name": name, "witness_department": department}
        response = post(client, detail(task) + "witnesses/", data)
        assert response.status_code == 201, response.json()
    if draw:
        response = post(client, detail(task) + "draw/")
        assert response.status_code == 200, response.json()
        return response.json()
    return client.get(detail(task)).json()


# ---------------------------------------------------------------------------------------- list


class TestList:
    def test_anonymous_and_no_role(self, client, login, nobody, task):
        assert client.get(LIST).status_code == 401
        assert client.get(detail(task)).status_code == 401
        client = login(nobody)
        assert client.get(LIST).status_code == 404
        assert client.get(detail(task)).status_code == 404

    # A witness reads only the tasks it witnesses, not a draft (tests/web/test_witness_sees_little.py).
    @pytest.mark.parametrize("persona", ["coordinator", "scjg_admin", "auditor", "scjg_inspector"])
    def test_readers_see_the_task(self, request, login, task, persona):
        body = login(request.getfixturevalue(persona)).get(LIST).json()
        assert [(t["code"], t["status"], t["lead_department"]) for t in body["results"]] == [
            (task.code, "draft", "SCJG")
        ]
        assert (body["results"][0]["pool_count"], body["results"][0]["target_count"]) == (None, 0)

    def test_other_department_sees_only_joint_tasks_it_takes_part_in(self, login, wsjk_admin, task, joint_task):
        body = login(wsjk_admin).get(LIST).json()
        assert [t["code"] for t in body["results"]] == [joint_task.code]
        assert body["results"][0]["participating_departments"] == ["SCJG", "WSJK"]

    def test_filters(self, login, coordinator, scjg_admin, task, joint_task, make_task, run_ceremony):
        drawn = run_ceremony(make_task())
        client = login(coordinator)

        def codes(**query):
            response = client.get(LIST, query)
            assert response.status_code == 200, response.json()
            return {t["code"] for t in response.json()["results"]}

        assert codes() == {task.code, joint_task.code, drawn.code}
        assert codes(status="drawn") == {drawn.code}
        assert codes(kind="joint") == {joint_task.code}
        assert codes(department="WSJK") == {joint_task.code}
        assert codes(department="SCJG") == {task.code, joint_task.code, drawn.code}
        assert codes(year=2026, status="draft") == {task.code, joint_task.code}
        assert codes(year=2025) == set()
        results = client.get(LIST, {"status": "drawn"}).json()["results"]
        assert (results[0]["pool_count"], results[0]["target_count"]) == (12, 4)

    def test_bad_filter_names_the_field(self, login, coordinator, task):
        client = login(coordinator)
        assert "status" in client.get(LIST, {"status": "lost"}).json()
        assert "department" in client.get(LIST, {"department": "NOPE"}).json()

    def test_query_count_is_bounded(self, login, scjg_admin, make_task, run_ceremony, django_assert_max_num_queries):
        client = login(scjg_admin)
        run_ceremony(make_task())
        with django_assert_max_num_queries(6):
            assert client.get(LIST).json()["count"] == 1
        for n in range(4):
            make_task(**later_window(n + 1))  # the same window as the drawn task's would be a redraw
        with django_assert_max_num_queries(6):
            assert client.get(LIST).json()["count"] == 5


# -------------------------------------------------------------------------------------- detail


class TestDetail:
    @pytest.mark.parametrize("persona", ["coordinator", "scjg_admin", "auditor", "scjg_inspector", "scjg_approver"])
    def test_draft(self, request, login, task, persona):
        body = login(request.getfixturevalue(persona)).get(detail(task)).json()
        assert (body["code"], body["status"], body["max_visits_per_inspector"], body["lead_slot"]) == (
            task.code,
            "draft",
            4,
            "主检",
        )
        version = task.items.get()
        assert body["items"] == [{"code": "SCJG-DRAW-001", "number": version.number, "name": version.name}]
        assert body["slots"] == [
            {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
            {"name": "协检", "dept": "SCJG", "quals": []},
        ]
        assert [(s["name"], s["ratio"], s["count"], s["sample_size"]) for s in body["strata"]] == [
            ("C类", "0.5", None, None),
            ("一般", "0.25", None, None),
        ]
        assert (body["pool"], body["draw"], body["witnesses"], body["match_failure"]) == (None, None, [], None)
        assert body["can_operate"] == (persona in {"coordinator", "scjg_admin"})

    def test_digests_commitment_and_seed_appear_in_turn(self, login, scjg_admin, task):
        client = login(scjg_admin)
        body = post(client, detail(task) + "freeze/").json()
        assert body["status"] == "frozen"
        assert [(s["count"], s["sample_size"]) for s in body["strata"]] == [(4, 2), (8, 2)]
        assert all(len(s["digest"]) == 64 for s in body["strata"])
        assert body["pool"]["member_count"] == 12 and body["pool"]["roster_count"] == 5
        draw = body["draw"]
        assert len(draw["input_digest"]) == 64 and len(draw["pool_digest"]) == 64
        assert (draw["commitment"], draw["server_secret"], draw["seed"]) == (None, None, None)

        body = post(client, detail(task) + "announce/").json()
        task.refresh_from_db()
        assert body["draw"]["commitment"] == task.draw.commitment
        assert body["draw"]["server_secret"] is None, "the secret stays hidden until the draw"
        assert task.draw.server_secret not in str(body)

        body = ceremony_rest(client, task)
        task.refresh_from_db()
        assert body["status"] == "drawn"
        assert (body["draw"]["server_secret"], body["draw"]["seed"]) == (task.draw.server_secret, task.draw.seed)
        assert body["draw"]["drawn_by"] == "市场监管 王管理"
        assert [(w["position"], w["witness_name"], w["department"]) for w in body["witnesses"]] == [
            (1, "钱见证", "SCJG"),
            (2, "孙见证", "WSJK"),
        ]

    def test_other_department_404_everywhere(self, login, wsjk_admin, task):
        client = login(wsjk_admin)
        assert client.get(detail(task)).status_code == 404
        for step in STEPS:
            assert post(client, detail(task) + f"{step}/", {"reason": "x", "value": "1"}).status_code == 404, step
        for view in ("pool", "visits", "record"):
            assert client.get(detail(task) + f"{view}/").status_code == 404, view

    def test_unknown_task_404(self, login, scjg_admin, task):
        assert login(scjg_admin).get(f"{LIST}999999/").status_code == 404


# -------------------------------------------------------------------------------------- create


class TestCreate:
    def test_create(self, login, scjg_admin, food_item, objects, scjg_inspectors):
        response = post(login(scjg_admin), LIST, create_payload())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["code"], body["status"], body["kind"]) == ("SCJG-2026-0001", "draft", "routine")
        task = Task.objects.get(pk=body["id"])
        assert list(task.items.all()) == [food_item], "the item's current published version"
        assert [(s.name, s.filter, s.minimum) for s in task.strata.order_by("position")] == [
            ("C类", {"credit_levels": ["C", "D"]}, None),
            ("一般", {}, 1),
        ]
        assert AuditEntry.objects.get(action="draws.task.create").source == "api"

    def test_bad_requests_name_the_field(self, login, scjg_admin, food_item):
        client = login(scjg_admin)
        assert {"slots", "lead_slot", "max_visits_per_inspector"} <= set(post(client, LIST, {"title": "x"}).json())
        assert "items" in post(client, LIST, create_payload(items=["NO-SUCH"])).json()
        assert "max_visits_per_inspector" in post(client, LIST, create_payload(max_visits_per_inspector=0)).json()
        errors = post(client, LIST, create_payload(window_end="2026-01-01")).json()
        assert errors == {"window_end": ["截止日期不能早于开始日期。"]}
        assert "strata" in post(client, LIST, create_payload(strata=[{"ratio": "0.1"}])).json()
        # What only the service knows comes back in the same Chinese words as on the pages.
        errors = post(client, LIST, create_payload(lead_slot="组长")).json()
        assert errors == {"detail": ["组长岗位“组长”不在岗位列表中。"]}
        errors = post(client, LIST, create_payload(strata=[{"name": " 一般", "ratio": "0.1"}])).json()
        assert "首尾含有空白字符" in errors["detail"][0], "a padded name is refused, not trimmed"
        assert not Task.objects.exists()

    def test_other_department_404(self, login, wsjk_admin, food_item):
        assert post(login(wsjk_admin), LIST, create_payload()).status_code == 404

    @pytest.mark.parametrize("persona", READ_ONLY)
    def test_read_only_403(self, request, login, persona, food_item):
        assert post(login(request.getfixturevalue(persona)), LIST, create_payload()).status_code == 403
        assert not Task.objects.exists()

    def test_from_entry(self, login, scjg_admin, entry):
        data = {
            "entry": entry.pk,
            "slots": create_payload()["slots"],
            "lead_slot": "主检",
            "max_visits_per_inspector": 4,
        }
        response = post(login(scjg_admin), LIST + "from-entry/", data)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["plan_entry"], body["title"], body["window_start"]) == (entry.pk, entry.name, "2026-03-01")
        assert [s["name"] for s in body["strata"]] == ["异常名录", "C类", "一般"]
        assert body["list_publication"] == "with_notice"

    def test_from_entry_access_and_errors(self, login, entry, wsjk_admin, scjg_admin, scjg_inspector, auditor):
        data = {
            "entry": entry.pk,
            "slots": create_payload()["slots"],
            "lead_slot": "主检",
            "max_visits_per_inspector": 4,
        }
        assert post(login(wsjk_admin), LIST + "from-entry/", data).status_code == 404
        for reader in (scjg_inspector, auditor):
            assert post(login(reader), LIST + "from-entry/", data).status_code == 403
        client = login(scjg_admin)
        assert post(client, LIST + "from-entry/", data | {"entry": 999999}).status_code == 404
        assert "entry" in post(client, LIST + "from-entry/", data | {"entry": "E1"}).json()
        errors = post(client, LIST + "from-entry/", data | {"window_start": "2026-07-01", "window_end": "2026-06-01"})
        assert errors.json() == {"window_end": ["截止日期不能早于开始日期。"]}
        errors = post(client, LIST + "from-entry/", data | {"lead_slot": "组长"}).json()
        assert errors == {"detail": ["组长岗位“组长”不在岗位列表中。"]}
        assert not Task.objects.exists()


def ceremony_rest(client, task):
    """Witnesses and draw of a task already announced."""
    for name, department, value in (("钱见证", "SCJG", "3-5-2"), ("孙见证", "WSJK", "6 1 4")):
        data = {"value": value, "witness_name": name, "witness_department": department}
        assert post(client, detail(task) + "witnesses/", data).status_code == 201
    return post(client, detail(task) + "draw/").json()


# ------------------------------------------------------------------------------------ ceremony


class TestCeremony:
    def test_end_to_end_and_the_record_verifies(self, login, scjg_admin, task):
        client = login(scjg_admin)
        body = ceremony(client, task)
        assert body["status"] == "drawn"
        visits = client.get(detail(task) + "visits/").json()
        assert visits["count"] == 4 and visits["next"] is None
        task.refresh_from_db()
        assert [v["public_id"] for v in visits["results"]] == [t["id"] for t in task.draw.result["targets"]]
        for visit in visits["results"]:
            assert [m["slot"] for m in visit["team"]] == ["主检", "协检"]
            assert [m["is_lead"] for m in visit["team"]] == [True, False]

        response = client.get(detail(task) + "record/")
        assert response.status_code == 200
        record = response.json()
        assert "exclusions" in record
        assert verify_draw.verify(record) == []
        assert engine.verify_record(record) == []
        assert record["result"] == task.draw.result
        download = AuditEntry.objects.filter(action="draws.record.download").latest("seq")
        assert (download.actor_id, download.after["copy"], download.source) == (scjg_admin.pk, "full", "api")
        # A tampered copy fails the public verifier.
        record["witnesses"][0] = "9-9-9"
        assert verify_draw.verify(record) != []

    def test_joint_task_participant_reads_and_gets_the_public_copy(
        self, login, scjg_admin, wsjk_admin, witness, joint_task
    ):
        ceremony(login(scjg_admin), joint_task)
        client = login(wsjk_admin)
        body = client.get(detail(joint_task)).json()
        assert (body["status"], body["can_operate"], body["full_record"]) == ("drawn", False, False)
        assert post(client, detail(joint_task) + "cancel/", {"reason": "x"}).status_code == 403
        record = client.get(detail(joint_task) + "record/").json()
        assert "exclusions" not in record
        assert verify_draw.verify(record) == [] and engine.verify_record(record) == []

    def test_auditor_gets_the_full_record(self, login, scjg_admin, auditor, task):
        ceremony(login(scjg_admin), task)
        record = login(auditor).get(detail(task) + "record/").json()
        assert "exclusions" in record and verify_draw.verify(record) == []

    def test_record_before_freezing_is_404_then_input_then_notice(self, login, scjg_admin, task):
        client = login(scjg_admin)
        assert client.get(detail(task) + "record/").status_code == 404
        post(client, detail(task) + "freeze/")
        assert set(client.get(detail(task) + "record/").json()) == {"spec", "task", "input"}
        post(client, detail(task) + "announce/")
        notice = client.get(detail(task) + "record/").json()
        assert "commitment" in notice and "server_secret" not in notice

    @pytest.mark.parametrize("persona", READ_ONLY)
    def test_read_only_roles_403_on_every_step(self, request, login, persona, task):
        client = login(request.getfixturevalue(persona))
        for step in STEPS:
            assert post(client, detail(task) + f"{step}/", {"reason": "x", "value": "1"}).status_code == 403, step
        assert Task.objects.get(pk=task.pk).status == S.DRAFT

    def test_steps_are_post_only(self, login, scjg_admin, task):
        client = login(scjg_admin)
        for step in STEPS:
            assert client.get(detail(task) + f"{step}/").status_code == 405, step

    def test_witness_enters_own_input(self, login, scjg_admin, witness, scjg_inspector, task):
        client = login(scjg_admin)
        assert post(client, detail(task) + "freeze/").status_code == 200
        # Before its notice the task is not the witness's to read: no input, and no sign it exists.
        assert post(login(witness), detail(task) + "witnesses/", {"value": "1-2-3"}).status_code == 404
        post(login(scjg_admin), detail(task) + "announce/")
        client = login(witness)
        body = post(client, detail(task) + "witnesses/", {"value": "1-2-3"}).json()
        assert [(w["witness_user"], w["value"], w["entered_by"]) for w in body["witnesses"]] == [
            ("witness", "1-2-3", "见证人 钱见证")
        ]
        assert post(client, detail(task) + "witnesses/", {"value": "4-5-6"}).json() == {
            "detail": ["见证人“见证人 钱见证”已经录入过输入。"]
        }
        # A witness speaks only for themselves; an inspector is neither witness nor operator.
        named = {"value": "7", "witness_name": "某人", "witness_department": "SCJG"}
        assert post(client, detail(task) + "witnesses/", named).status_code == 403
        assert post(login(scjg_inspector), detail(task) + "witnesses/", {"value": "7"}).status_code == 403
        assert post(client, detail(task) + "draw/").status_code == 403

    def test_witness_input_errors_name_the_field(self, login, scjg_admin, witness, task):
        client = login(scjg_admin)
        post(client, detail(task) + "freeze/")
        post(client, detail(task) + "announce/")
        url = detail(task) + "witnesses/"
        assert post(client, url, {"witness_name": "钱见证", "witness_department": "SCJG"}).json().keys() == {"value"}
        assert post(client, url, {"value": "1", "witness_name": "钱见证"}).json().keys() == {"witness_department"}
        assert post(client, url, {"value": "1", "witness_department": "NOPE", "witness_name": "x"}).json().keys() == {
            "witness_department"
        }
        data = {"value": " 3-5-2", "witness_name": "钱见证", "witness_department": "SCJG"}
        errors = post(client, url, data).json()
        assert "首尾含有空白字符" in errors["detail"][0], "a padded input is refused, not trimmed"
        # A witness account enters its own input; the operator may not enter it for the account.
        errors = post(client, url, {"value": "3-5-2", "witness_user": "witness"}).json()
        assert "由其本人登录录入" in errors["witness_user"][0]
        assert post(client, url, {"value": "1", "witness_user": "nobody-here"}).json().keys() == {"witness_user"}

    def test_draw_needs_two_witnesses(self, login, scjg_admin, task):
        client = login(scjg_admin)
        post(client, detail(task) + "freeze/")
        post(client, detail(task) + "announce/")
        assert post(client, detail(task) + "draw/").json() == {"detail": ["至少需要 2 名见证人的输入才能抽取。"]}
        assert Task.objects.get(pk=task.pk).status == S.ANNOUNCED

    def test_match_failure_is_explained_and_closes_the_ceremony(self, login, scjg_admin, make_task, run_ceremony):
        Qualification.objects.create(code="nobody_has", name="无人持有的资格")
        slots = [
            {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
            {"name": "专家", "dept": "SCJG", "quals": ["nobody_has"]},
        ]
        task = make_task(slots=slots)
        client = login(scjg_admin)
        assert post(client, detail(task) + "freeze/").status_code == 200
        refused = post(client, detail(task) + "announce/")
        assert refused.status_code == 400 and "岗位“专家”" in refused.json()["detail"][0]
        # A task announced before the notice checked the match may still fail its draw.
        services.task_unfreeze(actor=scjg_admin, task=task)
        run_ceremony(task, draw=False, unchecked=True)
        response = post(client, detail(task) + "draw/")
        assert response.status_code == 400
        assert "专家" in response.json()["detail"][0]
        body = client.get(detail(task)).json()
        assert body["status"] == "announced" and body["match_failed_at"]
        assert body["match_failure"]["slot"] == "专家"
        assert body["draw"]["server_secret"] is None, "nothing of the draw is saved"
        response = post(
            client, detail(task) + "witnesses/", {"value": "1", "witness_name": "x", "witness_department": "SCJG"}
        )
        assert response.json() == {"detail": ["本任务匹配失败后不再接受见证人输入，请取消任务后重新创建。"]}

    def test_cancel_needs_a_reason_and_keeps_the_record(self, login, scjg_admin, task):
        client = login(scjg_admin)
        ceremony(client, task)
        assert post(client, detail(task) + "cancel/").json().keys() == {"reason"}
        body = post(client, detail(task) + "cancel/", {"reason": "对象范围有误"}).json()
        assert (body["status"], body["cancelled_reason"]) == ("cancelled", "对象范围有误")
        assert body["draw"]["seed"]
        assert post(client, detail(task) + "cancel/", {"reason": "再来"}).status_code == 400
        assert verify_draw.verify(client.get(detail(task) + "record/").json()) == []

    def test_publish_list_after_visits(self, login, scjg_admin, make_task):
        task = make_task(list_publication=Task.ListPublication.AFTER_VISITS)
        client = login(scjg_admin)
        assert ceremony(client, task)["list_published_at"] is None
        complete_visits(task, scjg_admin)  # the list waits until every visit is done (deadlines)
        body = post(client, detail(task) + "publish-list/").json()
        assert body["list_published_at"]
        assert post(client, detail(task) + "publish-list/").json() == {"detail": ["抽取名单已经公布。"]}


# ---------------------------------------------------------------------------- pool and visits


class TestPoolAndVisits:
    def test_pool_explanation(self, login, scjg_inspector, scjg_admin, task, objects):
        gone = objects[:3]
        InspectionObject.objects.filter(pk__in=[o.pk for o in gone]).update(status=InspectionObject.Status.REVOKED)
        client = login(scjg_inspector)
        before = client.get(detail(task) + "pool/").json()
        assert (before["member_count"], before["strata"], before["count"], before["results"]) == (None, [], 0, [])
        services.task_freeze(actor=scjg_admin, task=task)
        body = client.get(detail(task) + "pool/").json()
        assert body["member_count"] == 9
        assert sum(s["count"] for s in body["strata"]) == 9
        assert [s["name"] for s in body["strata"]] == ["C类", "一般"]
        assert body["exclusion_counts"] == [{"reason": "inactive", "label": "非存续状态或已停用", "count": 3}]
        assert body["count"] == 3 and body["next"] is None
        assert {r["public_code"] for r in body["results"]} == {o.public_code for o in gone}
        assert {r["reason_display"] for r in body["results"]} == {"非存续状态或已停用"}
        assert client.get(detail(task) + "pool/", {"reason": "frequency_cap"}).json()["count"] == 0
        assert client.get(detail(task) + "pool/", {"reason": "bogus"}).json().keys() == {"reason"}
        assert client.get(detail(task) + "pool/", {"page": 9}).status_code == 404

    def test_visits_before_the_draw_are_empty(self, login, scjg_admin, task):
        assert login(scjg_admin).get(detail(task) + "visits/").json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }

    def test_visits_query_count_is_bounded(self, login, scjg_admin, task, django_assert_max_num_queries):
        client = login(scjg_admin)
        ceremony(client, task)
        with django_assert_max_num_queries(10):
            assert client.get(detail(task) + "visits/").json()["count"] == 4
        with django_assert_max_num_queries(12):
            assert client.get(detail(task) + "pool/").status_code == 200


def test_schema_of_draws_api_has_no_warnings():
    patterns = [path("api/v1/", include("spotcheck.draws.api_urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert {
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/from-entry/",
        "/api/v1/tasks/{id}/freeze/",
        "/api/v1/tasks/{id}/witnesses/",
        "/api/v1/tasks/{id}/draw/",
        "/api/v1/tasks/{id}/pool/",
        "/api/v1/tasks/{id}/visits/",
        "/api/v1/tasks/{id}/record/",
    } <= set(schema["paths"])
