"""Recording 后续处置 through the REST API (issue 13, item 13; apiw13), with the pages' services
and rules: the problem items waiting for one, opening each kind with its field, 完结, withdraw,
复查, and the 抄告 marks of the notified department. The visit's team and the item department's
admins record (a department's read-write token is such an admin); other readers get a 403 with
the rule, other departments a 404; odd bodies are a 400 naming the field."""

import datetime as dt

import pytest
from django.utils import timezone

from spotcheck.accounts.api_tokens import api_token_issue
from spotcheck.audit.models import AuditEntry
from spotcheck.followups import services
from spotcheck.followups.access import NOTICE_RULE, WRITE_RULE
from spotcheck.followups.models import FollowUp, ReCheck
from tests.api_i13.conftest import bearer

pytestmark = pytest.mark.usefixtures("spring_2026")

Kind = FollowUp.Kind
ITEMS = "/api/v1/item-results/"
FOLLOWUPS = "/api/v1/followups/"
NOTICES = "/api/v1/notices/"


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _today() -> str:
    return timezone.localdate().isoformat()


def post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def open_url(item):
    return f"{ITEMS}{item.pk}/followups/"


# ------------------------------------------------------------------------------ the items


def test_the_pending_problem_items_are_listed_until_one_is_opened(login, scjg_inspector, problem_item):
    client = login(scjg_inspector)
    body = client.get(ITEMS).json()
    assert [row["id"] for row in body["results"]] == [problem_item.pk]
    row = body["results"][0]
    assert row["codes"] == ["A", "B"] and row["problem_found"] is True and row["department"] == "SCJG"
    visit = problem_item.visit_result.visit_id
    assert client.get(ITEMS, {"visit": visit}).json()["count"] == 1
    assert client.get(ITEMS, {"visit": visit + 1}).json()["count"] == 0
    for odd in ({"visit": "x"}, {"department": "²"}):
        response = client.get(ITEMS, odd)
        assert response.status_code == 400 and next(iter(odd)) in response.json()
    response = post(client, open_url(problem_item), {"kind": "routine"})
    assert response.status_code == 201
    assert client.get(ITEMS).json()["count"] == 0
    detail = client.get(f"{ITEMS}{problem_item.pk}/").json()
    assert [f["id"] for f in detail["followups"]] == [response.json()["id"]]


# ------------------------------------------------------------------------------------ open


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"kind": "rectify", "due_on": "2099-12-31"}, lambda f: f.due_on == dt.date(2099, 12, 31)),
        ({"kind": "refer", "case_number": "溧市监立〔2026〕12号"}, lambda f: f.case_number == "溧市监立〔2026〕12号"),
        ({"kind": "notify", "target_department": "WSJK"}, lambda f: f.target_department.code == "WSJK"),
        ({"kind": "routine"}, lambda f: f.status == "open"),
        ({"kind": "other", "note": "约谈负责人"}, lambda f: f.note == "约谈负责人"),
        ({"kind": "none", "note": "已当场改正"}, lambda f: f.status == "closed" and f.closed_on is not None),
    ],
)
def test_each_kind_opens_with_its_field(login, scjg_inspector, problem_item, wsjk, body, check):
    response = post(login(scjg_inspector), open_url(problem_item), body)
    assert response.status_code == 201, response.content
    followup = FollowUp.objects.get(pk=response.json()["id"])
    assert followup.kind == body["kind"] and check(followup)
    assert response.json()["kind"] == body["kind"] and response.json()["item_result"] == problem_item.pk
    entry = AuditEntry.objects.get(action="followups.followup.open")
    assert entry.actor == scjg_inspector and entry.target_id == str(followup.pk)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "rectify"}, "due_on", "须填写整改期限"),
        ({"kind": "rectify", "due_on": "2026-02-30"}, "due_on", "不是有效日期"),
        ({"kind": "rectify", "due_on": "2000-01-01"}, "due_on", "不能早于今天"),
        ({"kind": "rectify", "due_on": {"a": 1}}, "due_on", None),
        ({"kind": "refer"}, "case_number", "须填写案件编号"),
        ({"kind": "refer", "case_number": "号" * 65}, "case_number", None),
        ({"kind": "notify"}, "target_department", "须选择被抄告的部门"),
        ({"kind": "notify", "target_department": "NOPE"}, "target_department", "没有代码为“NOPE”的部门"),
        ({"kind": "notify", "target_department": "SCJG"}, "target_department", "不能抄告本部门"),
        ({"kind": "other"}, "note", "须填写处置说明"),
        ({"kind": "none"}, "note", "须说明理由"),
        ({"kind": "rectify_now"}, "kind", None),
        ({}, "kind", None),
        ({"kind": ["rectify"]}, "kind", None),
    ],
)
def test_bad_bodies_are_400_naming_the_field(login, scjg_inspector, problem_item, wsjk, body, field, message):
    response = post(login(scjg_inspector), open_url(problem_item), body)
    assert response.status_code == 400, response.content
    if message:
        assert message in response.json()[field][0]
    else:
        assert field in response.json()
    assert not FollowUp.objects.exists()


def test_odd_requests_are_4xx(login, scjg_inspector, problem_item):
    client = login(scjg_inspector)
    assert post(client, open_url(problem_item), "[" * 100_000).status_code == 400
    assert post(client, open_url(problem_item), ["routine"]).status_code == 400
    huge = post(client, open_url(problem_item), {"kind": "other", "note": "长" * 3_000_000})
    assert huge.status_code == 400 and "note" in huge.json()
    assert client.post(open_url(problem_item), "kind=routine", content_type="text/plain").status_code == 415
    assert post(client, f"{ITEMS}abc/followups/", {"kind": "routine"}).status_code == 404
    assert post(client, f"{ITEMS}{10**17}/followups/", {"kind": "routine"}).status_code == 404
    assert post(client, f"{FOLLOWUPS}{10**17}/close/", {}).status_code == 404
    assert client.get(open_url(problem_item)).status_code == 405
    assert not FollowUp.objects.exists()


def test_not_before_the_result_is_final(login, scjg_inspector, problem_visit):
    from tests.fixtures.followups import make_result

    item = make_result(problem_visit, actor=scjg_inspector, confirm=False).items.get()
    response = post(login(scjg_inspector), open_url(item), {"kind": "routine"})
    assert response.status_code == 400 and "确认后才能登记" in response.json()["detail"][0]


def test_the_departments_admin_and_its_write_token_open_them(login, client, scjg_admin, problem_item, scjg_system):
    assert post(login(scjg_admin), open_url(problem_item), {"kind": "routine"}).status_code == 201
    client.logout()
    body = {"kind": "refer", "case_number": "立字12号"}
    response = post(client, open_url(problem_item), body, **bearer(scjg_system.secret))
    assert response.status_code == 201
    last = AuditEntry.objects.filter(action="followups.followup.open").order_by("pk").last()
    assert last.actor == scjg_system.token.user


def test_a_read_token_may_not(client, scjg, scjg_admin, problem_item):
    reader = api_token_issue(actor=scjg_admin, name="只读系统", department=scjg, role="inspector")
    response = post(client, open_url(problem_item), {"kind": "routine"}, **bearer(reader.secret))
    assert response.status_code == 404  # an inspector off the team does not read the item
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("persona", ["scjg_approver", "auditor"])
def test_readers_who_may_not_record_get_a_403_with_the_rule(request, login, problem_item, persona):
    response = post(login(request.getfixturevalue(persona)), open_url(problem_item), {"kind": "routine"})
    assert response.status_code == 403 and response.json()["detail"] == str(WRITE_RULE)


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_other_departments_get_a_404(request, login, problem_item, persona):
    assert post(login(request.getfixturevalue(persona)), open_url(problem_item), {"kind": "routine"}).status_code == 404


def test_another_departments_token_gets_a_404(client, problem_item, wsjk_system):
    response = post(client, open_url(problem_item), {"kind": "routine"}, **bearer(wsjk_system.secret))
    assert response.status_code == 404


# ---------------------------------------------------------------------------- close, withdraw


@pytest.fixture
def routine(scjg_inspector, problem_item):
    return services.followup_open(actor=scjg_inspector, item_result=problem_item, kind=Kind.ROUTINE)


@pytest.fixture
def rectify(scjg_inspector, problem_item):
    return services.followup_open(actor=scjg_inspector, item_result=problem_item, kind=Kind.RECTIFY, due_on=_later(10))


def test_close_with_a_date_and_a_note(login, scjg_inspector, routine):
    client = login(scjg_inspector)
    url = f"{FOLLOWUPS}{routine.pk}/close/"
    response = post(client, url, {})
    assert response.status_code == 400 and {"closed_on", "note"} <= set(response.json())
    response = post(client, url, {"closed_on": _later(1), "note": "已纳入日常监管"})
    assert response.status_code == 400 and "不能晚于今天" in response.json()["closed_on"][0]
    response = post(client, url, {"closed_on": _today(), "note": "已纳入日常监管"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["close_note"] == "已纳入日常监管"
    assert AuditEntry.objects.filter(action="followups.followup.close").count() == 1
    again = post(client, url, {"closed_on": _today(), "note": "再次"})
    assert again.status_code == 400 and "已完结" in again.json()["detail"][0]


def test_a_rectification_closes_through_its_recheck(login, scjg_inspector, rectify):
    response = post(login(scjg_inspector), f"{FOLLOWUPS}{rectify.pk}/close/", {"closed_on": _today(), "note": "x"})
    assert response.status_code == 400 and "请登记复查结果" in response.json()["detail"][0]


def test_withdraw_with_a_reason(login, scjg_inspector, routine, problem_item):
    client = login(scjg_inspector)
    url = f"{FOLLOWUPS}{routine.pk}/withdraw/"
    assert post(client, url, {}).json()["reason"]
    assert post(client, url, {"reason": "长" * 256}).status_code == 400
    response = post(client, url, {"reason": "登记错了"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "登记错了"
    assert post(client, url, {"reason": "再撤"}).status_code == 400
    # The item waits again.
    assert [row["id"] for row in client.get(ITEMS).json()["results"]] == [problem_item.pk]


def test_the_write_token_closes_and_withdraws(client, routine, rectify, scjg_system, wsjk_system):
    scjg, wsjk = bearer(scjg_system.secret), bearer(wsjk_system.secret)
    body = {"closed_on": _today(), "note": "系统登记完结"}
    assert post(client, f"{FOLLOWUPS}{routine.pk}/close/", body, **wsjk).status_code == 404
    assert post(client, f"{FOLLOWUPS}{routine.pk}/close/", body, **scjg).status_code == 200
    assert post(client, f"{FOLLOWUPS}{rectify.pk}/withdraw/", {"reason": "重复"}, **scjg).status_code == 200


@pytest.mark.parametrize("action", ["close", "withdraw", "recheck"])
def test_an_approver_gets_a_403_and_another_department_a_404(login, scjg_approver, wsjk_admin, rectify, action):
    url = f"{FOLLOWUPS}{rectify.pk}/{action}/"
    response = post(login(scjg_approver), url, {"reason": "x"})
    assert response.status_code == 403 and response.json()["detail"] == str(WRITE_RULE)
    assert post(login(wsjk_admin), url, {"reason": "x"}).status_code == 404


# ---------------------------------------------------------------------------------- recheck


def recheck_url(followup):
    return f"{FOLLOWUPS}{followup.pk}/recheck/"


def test_recheck_corrected_closes_the_rectification(login, scjg_admin, rectify, scjg_inspectors):
    body = {"checked_on": _today(), "officers": [p.pk for p in scjg_inspectors[:2]], "outcome": "corrected"}
    response = post(login(scjg_admin), recheck_url(rectify), body | {"note": "已补报年报"})
    assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["status"] == "closed" and detail["closed_on"] == _today() and detail["escalated_to"] is None
    [recheck] = detail["rechecks"]
    assert recheck["outcome"] == "corrected" and sorted(recheck["officers"]) == ["市场检查员0", "市场检查员1"]
    assert AuditEntry.objects.filter(action="followups.recheck.record").count() == 1


def test_recheck_not_corrected_sets_a_new_date_or_escalates(login, scjg_inspector, rectify, scjg_inspectors):
    client = login(scjg_inspector)
    base = {"checked_on": _today(), "officers": [p.pk for p in scjg_inspectors[:2]], "outcome": "not_corrected"}
    response = post(client, recheck_url(rectify), base)
    assert response.status_code == 400 and "新的整改期限" in response.json()["new_due_on"][0]
    response = post(client, recheck_url(rectify), base | {"new_due_on": _later(30)})
    assert response.status_code == 201 and response.json()["due_on"] == _later(30)
    assert response.json()["status"] == "open"
    response = post(client, recheck_url(rectify), base | {"escalate_kind": "refer"})
    assert response.status_code == 400 and "case_number" in response.json()
    response = post(client, recheck_url(rectify), base | {"escalate_kind": "notify", "target_department": "WSJK"})
    assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["status"] == "closed" and detail["escalated_to"]
    notice = FollowUp.objects.get(pk=detail["escalated_to"])
    assert notice.kind == "notify" and notice.escalated_from_id == rectify.pk
    assert ReCheck.objects.filter(followup=rectify).count() == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"officers": []}, "officers", None),
        ({"officers": ["x"]}, "officers", None),
        ({"officers": list(range(1, 22))}, "officers", None),
        ({"officers": "1,2"}, "officers", None),
        ({"outcome": "maybe"}, "outcome", None),
        ({"checked_on": "tomorrow"}, "checked_on", "不是有效日期"),
        ({"checked_on": ""}, "checked_on", "请填写复查日期"),
        ({"outcome": "not_corrected", "escalate_kind": "rectify"}, "escalate_kind", None),
    ],
)
def test_bad_rechecks_are_400_naming_the_field(login, scjg_admin, rectify, scjg_inspectors, body, field, message):
    base = {"checked_on": _today(), "officers": [p.pk for p in scjg_inspectors[:2]], "outcome": "corrected"}
    response = post(login(scjg_admin), recheck_url(rectify), base | body)
    assert response.status_code == 400, response.content
    assert field in response.json() and (message is None or message in response.json()[field][0])
    assert not ReCheck.objects.exists()


def test_recheck_officers_come_from_the_departments_roster(
    login, scjg_admin, rectify, scjg_inspectors, wsjk_inspectors
):
    stranger = wsjk_inspectors[0]
    body = {"checked_on": _today(), "officers": [scjg_inspectors[0].pk, stranger.pk], "outcome": "corrected"}
    response = post(login(scjg_admin), recheck_url(rectify), body)
    assert response.status_code == 400
    message = response.json()["officers"][0]
    assert str(stranger.pk) in message and stranger.name not in message  # no other department's names
    body["officers"] = [scjg_inspectors[0].pk]  # one officer: under the service's minimum
    response = post(login(scjg_admin), recheck_url(rectify), body)
    assert response.status_code == 400 and "至少 2 名" in response.json()["officers"][0]


def test_only_a_rectification_is_rechecked(login, scjg_admin, routine, scjg_inspectors):
    body = {"checked_on": _today(), "officers": [p.pk for p in scjg_inspectors[:2]], "outcome": "corrected"}
    response = post(login(scjg_admin), recheck_url(routine), body)
    assert response.status_code == 400 and "只有责令改正需要复查" in response.json()["detail"][0]


def test_the_write_token_records_a_recheck(client, rectify, scjg_inspectors, scjg_system):
    body = {"checked_on": _today(), "officers": [p.pk for p in scjg_inspectors[:2]], "outcome": "corrected"}
    response = post(client, recheck_url(rectify), body, **bearer(scjg_system.secret))
    assert response.status_code == 201 and response.json()["status"] == "closed"


# ---------------------------------------------------------------------------------- notices


@pytest.fixture
def notice(scjg_inspector, problem_item, wsjk):
    return services.followup_open(
        actor=scjg_inspector, item_result=problem_item, kind=Kind.NOTIFY, target_department=wsjk, note="涉及卫生许可"
    )


def test_the_notified_admin_reads_and_handles_it(login, wsjk_admin, notice):
    client = login(wsjk_admin)
    body = client.get(NOTICES).json()
    assert [row["id"] for row in body["results"]] == [notice.pk]
    assert body["results"][0]["item_codes"] == ["A", "B"] and body["results"][0]["notice_read_at"] is None
    response = post(client, f"{NOTICES}{notice.pk}/read/", {})
    assert response.status_code == 200 and response.json()["notice_read_at"] and response.json()["notice_read_by"]
    again = post(client, f"{NOTICES}{notice.pk}/read/", {})
    assert again.status_code == 400 and "已标记为已阅" in again.json()["detail"][0]
    assert post(client, f"{NOTICES}{notice.pk}/handled/", {"note": "长" * 256}).status_code == 400
    response = post(client, f"{NOTICES}{notice.pk}/handled/", {"note": "已约谈"})
    assert response.status_code == 200 and response.json()["notice_handled_note"] == "已约谈"
    assert AuditEntry.objects.filter(action__in=["followups.notice.read", "followups.notice.handled"]).count() == 2


def test_the_notified_departments_write_token_marks_it(client, notice, wsjk_system, scjg_system):
    response = post(client, f"{NOTICES}{notice.pk}/handled/", {}, **bearer(wsjk_system.secret))
    assert response.status_code == 200 and response.json()["notice_read_at"] and response.json()["notice_handled_at"]
    # The sending department's token: not in its inbox.
    assert post(client, f"{NOTICES}{notice.pk}/read/", {}, **bearer(scjg_system.secret)).status_code == 404


def test_others_may_not_mark_it(login, scjg_admin, coordinator, notice):
    assert post(login(scjg_admin), f"{NOTICES}{notice.pk}/read/", {}).status_code == 404
    # The coordinator reads every inbox, but the marks are the target department's admins'.
    response = post(login(coordinator), f"{NOTICES}{notice.pk}/read/", {})
    assert response.status_code == 403 and response.json()["detail"] == str(NOTICE_RULE)


def test_a_follow_up_that_is_no_notice_is_not_one(login, wsjk_admin, routine):
    assert post(login(wsjk_admin), f"{NOTICES}{routine.pk}/read/", {}).status_code == 404
    assert post(login(wsjk_admin), f"{NOTICES}x/read/", {}).status_code == 404
    assert login(wsjk_admin).get(NOTICES, {"department": "x"}).status_code == 400
