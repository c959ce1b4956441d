"""The task pages and the draw ceremony through the test client."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.accounts.models import User
from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import PoolExclusionGroup, Task
from spotcheck.draws.selectors import pool_exclusions, stratum_members
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Qualification
from tests.factories import later_window, make_big_task, publish_entry, task_kwargs
from tests.fixtures.deadlines import complete_visits
from tests.task_form import form_fields, slot_rows

S = Task.Status


def url(name, task=None):
    return reverse(f"draws:{name}", args=[task.pk] if task is not None else [])


# The ceremony's second witness comes from 卫健.
pytestmark = pytest.mark.usefixtures("scjg", "wsjk")


def _ceremony(client, task, *, draw=True):
    """Freeze, announce, two witness inputs typed by the operator, draw: all through the pages."""
    for step in ("freeze", "announce"):
        assert client.post(url(step, task)).status_code == 302
    scjg, wsjk = task.lead_department, type(task.lead_department).objects.get(code="WSJK")
    typed = [("钱见证", scjg, "3-5-2"), ("孙见证", wsjk, "6 1 4")]
    if task.is_joint:
        # A witness typed for the operator's own department does not count towards a joint
        # task's two departments: the witness persona (市场监管) enters their own.
        own = Client()
        own.force_login(User.objects.get(username="witness"))
        assert own.post(url("witness_add", task), {"value": "3-5-2"}).status_code == 302
        typed = typed[1:]
    for name, department, value in typed:
        data = {"value": value, "witness_name": name, "witness_department": department.pk}
        assert client.post(url("witness_add", task), data).status_code == 302
    if draw:
        response = client.post(url("draw", task), follow=True)
        assert "已揭晓服务器密钥并完成抽取" in response.content.decode()
    return Task.objects.get(pk=task.pk)


# ------------------------------------------------------------------------------------- list


# A witness reads only the tasks it witnesses, not a draft: tests/web/test_witness_sees_little.py.
@pytest.mark.parametrize("persona", ["coordinator", "scjg_admin", "auditor", "scjg_inspector"])
def test_list_shows_tasks_to_their_readers(request, login, task, persona):
    response = login(request.getfixturevalue(persona)).get(url("list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert task.code in body and task.title in body and "市场监管" in body and "草稿" in body


def test_list_is_scoped_and_filtered(login, task, wsjk_admin, scjg_admin, nobody):
    assert task.code not in login(wsjk_admin).get(url("list")).content.decode()
    client = login(scjg_admin)
    assert task.code in client.get(url("list"), {"status": "draft", "year": "2026"}).content.decode()
    assert task.code not in client.get(url("list"), {"status": "drawn"}).content.decode()
    assert task.code not in client.get(url("list"), {"year": "2025"}).content.decode()
    login(nobody)
    assert client.get(url("list")).status_code == 404


def test_list_offers_published_plan_entries(login, scjg_admin, scjg_approver, coordinator, scjg, food_item):
    entry = publish_entry(
        actor=scjg_admin, approver=scjg_approver, coordinator=coordinator, department=scjg, items=[food_item.item]
    )
    body = login(scjg_admin).get(url("list")).content.decode()
    assert f'value="{entry.pk}"' in body and entry.name in body


def test_list_query_count_does_not_grow_with_tasks(login, scjg_admin, make_task, run_ceremony):
    client = login(scjg_admin)
    run_ceremony(make_task())
    client.get(url("list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("list")).status_code == 200
    for n in range(4):
        make_task(**later_window(n + 1))  # the same window as the drawn task's would be a redraw
    with CaptureQueriesContext(connection) as many:
        body = client.get(url("list")).content.decode()
    assert body.count("SCJG-2026-") == 5
    assert len(many) == len(few)
    assert len(many) <= 8


# ------------------------------------------------------------------------------ detail, access


@pytest.mark.parametrize("persona", ["coordinator", "scjg_admin", "auditor", "scjg_inspector", "scjg_approver"])
def test_detail_renders_for_readers(request, login, task, persona):
    response = login(request.getfixturevalue(persona)).get(url("detail", task))
    assert response.status_code == 200
    body = response.content.decode()
    assert task.code in body and "C类" in body and "50%" in body and "25%" in body
    # The steps name every step for all readers; the button is for operators only.
    freeze = f'action="{url("freeze", task)}"'
    assert (freeze in body) == (persona in {"coordinator", "scjg_admin"}), "actions only for operators"


def test_detail_says_which_objects_the_pool_and_each_stratum_hold(login, scjg_admin, make_task):
    task = make_task(pool_filter={"abnormal_list": False, "drawn_recently": False})
    body = login(scjg_admin).get(url("detail", task)).content.decode()
    assert "未列入经营异常名录<br>365 天内未被抽中" in body
    assert "信用等级：C 类（信用风险较高）、D 类（信用风险高）" in body  # the C类 stratum
    assert re.search(r'data-label="分层条件">不限</td>', body)  # the 一般 stratum


def test_other_department_gets_404(login, wsjk_admin, task):
    client = login(wsjk_admin)
    assert client.get(url("detail", task)).status_code == 404
    for step in ("freeze", "announce", "draw", "cancel", "publish_list", "witness_add"):
        assert client.post(url(step, task)).status_code == 404
    assert client.get(url("record", task)).status_code == 404


# The inspector and the auditor: tests/web/test_write_access.py (each step on a task in its state).
@pytest.mark.parametrize("persona", ["scjg_approver"])
def test_read_only_roles_get_403_on_writes(request, login, task, persona):
    client = login(request.getfixturevalue(persona))
    for step in ("freeze", "announce", "draw", "cancel", "publish_list", "witness_add"):
        assert client.post(url(step, task), {"reason": "x", "value": "1"}).status_code == 403, step
    assert Task.objects.get(pk=task.pk).status == S.DRAFT


def test_participant_reads_joint_task_but_cannot_run_it(login, wsjk_admin, joint_task):
    client = login(wsjk_admin)
    assert client.get(url("detail", joint_task)).status_code == 200
    assert client.post(url("freeze", joint_task)).status_code == 403


def test_steps_are_post_only(login, scjg_admin, task):
    client = login(scjg_admin)
    for step in ("freeze", "announce", "draw", "cancel", "witness_add"):
        assert client.get(url(step, task)).status_code == 405


# ------------------------------------------------------------------------------- the ceremony


def test_whole_ceremony_and_downloaded_record_verifies(login, scjg_admin, task, scjg_inspectors):
    client = login(scjg_admin)
    task = _ceremony(client, task)
    assert task.status == S.DRAWN
    body = client.get(url("detail", task)).content.decode()
    draw = task.draw
    for text in (draw.input_digest, draw.pool_digest, draw.commitment, draw.server_secret, draw.seed):
        assert text in body
    assert "钱见证" in body and "孙见证" in body and body.index("钱见证") < body.index("孙见证")
    for visit in task.visits.all():
        assert visit.public_id in body
    assert "组长" in body
    assert f'action="{url("draw", task)}"' not in body and f'action="{url("freeze", task)}"' not in body

    response = client.get(url("record", task))
    assert response["Content-Disposition"] == f'attachment; filename="{task.code}.json"'
    record = json.loads(response.content)
    assert "exclusions" in record
    assert engine.verify_record(record) == []
    assert record["result"] == draw.result


def test_participant_downloads_the_public_copy_and_it_verifies(login, scjg_admin, wsjk_admin, witness, joint_task):
    _ceremony(login(scjg_admin), joint_task)
    client = login(wsjk_admin)
    response = client.get(url("record", joint_task))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-public.json"')
    record = json.loads(response.content)
    assert "exclusions" not in record
    assert engine.verify_record(record) == []
    assert "下载抽取记录公开版" in client.get(url("detail", joint_task)).content.decode()


def test_auditor_downloads_the_full_record(login, scjg_admin, auditor, task):
    _ceremony(login(scjg_admin), task)
    record = json.loads(login(auditor).get(url("record", task)).content)
    assert "exclusions" in record and engine.verify_record(record) == []
    # A sensitive read (the exclusions name recusals): the download is in the audit trail.
    entry = AuditEntry.objects.filter(action="draws.record.download").latest("pk")
    assert (entry.actor_id, entry.after["copy"]) == (auditor.pk, "full")


def test_notice_is_shown_before_any_witness(login, scjg_admin, task):
    client = login(scjg_admin)
    client.post(url("freeze", task))
    body = client.get(url("detail", task)).content.decode()
    assert f'action="{url("announce", task)}"' in body and f'action="{url("draw", task)}"' not in body
    assert f'action="{url("witness_add", task)}"' not in body, "no witness form before the notice"
    client.post(url("announce", task))
    task.refresh_from_db()
    body = client.get(url("detail", task)).content.decode()
    assert task.draw.commitment in body and "录入见证人输入" in body
    assert task.draw.server_secret not in body, "the secret stays hidden until the draw"


def test_witness_enters_own_input(login, scjg_admin, witness, task):
    client = login(scjg_admin)
    client.post(url("freeze", task))
    client.post(url("announce", task))
    client = login(witness)
    body = client.get(url("detail", task)).content.decode()
    assert "录入见证人输入" in body and f'action="{url("draw", task)}"' not in body
    assert 'name="witness_name"' not in body
    assert client.post(url("witness_add", task), {"value": "1-2-3"}).status_code == 302
    (row,) = task.witness_inputs.all()
    assert (row.witness_user, row.value, row.entered_by) == (witness, "1-2-3", witness)
    response = client.post(url("witness_add", task), {"value": "4-5-6"}, follow=True)
    assert "已经录入过输入" in response.content.decode()


def test_witness_input_with_htmx_returns_the_block(login, scjg_admin, scjg, task):
    client = login(scjg_admin)
    client.post(url("freeze", task))
    client.post(url("announce", task))
    data = {"value": " 3-5-2", "witness_name": "钱见证", "witness_department": scjg.pk}
    response = client.post(url("witness_add", task), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="witnesses"' in body and "<html" not in body
    assert "首尾含有空白字符" in body, "a padded input is refused, not trimmed"
    assert not task.witness_inputs.exists()
    data["value"] = "3-5-2"
    response = client.post(url("witness_add", task), data, HTTP_HX_REQUEST="true")
    # An input changes the steps and the draw button too: the whole page is reloaded.
    assert response.headers["HX-Refresh"] == "true"
    body = client.get(url("detail", task)).content.decode()
    assert "3-5-2" in body and "钱见证" in body and "已录入见证人输入" in body
    assert "还需 1 名见证人" in body


def test_a_witness_who_has_entered_sees_that_not_the_form(login, scjg_admin, witness, task):
    client = login(scjg_admin)
    client.post(url("freeze", task))
    client.post(url("announce", task))
    client = login(witness)
    response = client.post(url("witness_add", task), {"value": "1-2-3"}, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Refresh"] == "true"
    body = client.get(url("detail", task)).content.decode()
    assert f'action="{url("witness_add", task)}"' not in body
    assert "您已录入见证人输入（第 1 个）" in body


def test_draw_needs_two_witnesses_and_says_so(login, scjg_admin, scjg, task):
    client = login(scjg_admin)
    client.post(url("freeze", task))
    client.post(url("announce", task))
    response = client.post(url("draw", task), follow=True)
    assert "至少需要 2 名见证人" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == S.ANNOUNCED


def test_match_failure_is_explained(login, scjg_admin, make_task, run_ceremony):
    Qualification.objects.create(code="nobody_has", name="无人持有的资格")
    slots = [
        {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
        {"name": "专家", "dept": "SCJG", "quals": ["nobody_has"]},
    ]
    task = make_task(slots=slots)
    client = login(scjg_admin)
    client.post(url("freeze", task))
    body = client.post(url("announce", task), follow=True).content.decode()
    assert "岗位“专家”在最不利的情况下可能配不齐检查人员" in body
    # A task announced before the notice checked the match may still fail its draw.
    client.post(url("unfreeze", task))
    task = run_ceremony(task, draw=False, unchecked=True)
    body = client.post(url("draw", task), follow=True).content.decode()
    assert "匹配失败" in body and "专家" in body
    body = client.get(url("detail", task)).content.decode()
    assert "匹配失败" in body and "“专家”" in body and "请作废后重新创建任务" in body
    # No draw button nor witness form (the ceremony's steps still name the step).
    assert f'action="{url("draw", task)}"' not in body and "录入见证人输入" not in body


def test_cancel_needs_a_reason_and_keeps_the_record(login, scjg_admin, task):
    client = login(scjg_admin)
    task = _ceremony(client, task)
    response = client.post(url("cancel", task), {"reason": ""}, follow=True)
    assert "请填写作废原因" in response.content.decode()
    response = client.post(url("cancel", task), {"reason": "对象范围有误"}, follow=True)
    body = response.content.decode()
    assert "任务已作废" in body and "对象范围有误" in body and task.draw.seed in body
    assert Task.objects.get(pk=task.pk).status == S.CANCELLED
    assert engine.verify_record(json.loads(client.get(url("record", task)).content)) == []


def test_publish_list_after_visits(login, scjg_admin, make_task):
    task = make_task(list_publication=Task.ListPublication.AFTER_VISITS)
    client = login(scjg_admin)
    task = _ceremony(client, task)
    assert "公开名单" in client.get(url("detail", task)).content.decode()
    complete_visits(task, scjg_admin)  # the list waits until every visit is done (deadlines)
    client.post(url("publish_list", task))
    task.refresh_from_db()
    assert task.list_published_at is not None
    assert url("publish_list", task) not in client.get(url("detail", task)).content.decode()


def test_pool_explanation_groups_and_pages_exclusions(login, scjg_admin, task, objects, settings):
    gone = objects[:3]
    InspectionObject.objects.filter(pk__in=[o.pk for o in gone]).update(status=InspectionObject.Status.REVOKED)
    client = login(scjg_admin)
    client.post(url("freeze", task))
    body = client.get(url("detail", task)).content.decode()
    assert str(PoolExclusionGroup.Reason.INACTIVE.label) in body
    assert "：3" in body
    for obj in gone:
        assert obj.public_code in body and obj.name in body
    body = client.get(url("detail", task), {"reason": "frequency_cap"}).content.decode()
    assert gone[0].public_code not in body


def test_verifier_download(login, scjg_admin):
    response = login(scjg_admin).get(url("verifier"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verify_draw.py"'
    assert b"SC-DRAW-1" in b"".join(response.streaming_content)


# ----------------------------------------------------------------------------- create from plan


def _create_data(**overrides):
    data = {
        "title": "",
        "window_start": "2026-03-01",
        "window_end": "2026-06-30",
        "max_visits_per_inspector": "4",
        "list_publication": "with_notice",
        "exclude_last_inspector": "on",
    } | slot_rows(task_kwargs()["slots"], "主检")
    data.update(overrides)
    return data


def _visible(html: str) -> str:
    """The page's text as a person reads it (no tags, attributes or the row template)."""
    html = re.sub(r"<template.*?</template>|<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _shows_code(text: str) -> bool:
    """A qualification's or a department's code (the item's code SCJG-DRAW-001 is public)."""
    return "draws_food" in text or re.search(r"(?<![\w-])SCJG(?![\w-])", text) is not None


def test_create_form_is_prefilled_from_the_entry(login, scjg_admin, entry):
    response = login(scjg_admin).get(url("create"), {"entry": entry.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert entry.name in body and "2026-03-01" in body
    # Issue 12, item 1: the proposed slots are rows chosen from lists — the lead department's
    # first slot asks for what its item requires and leads — and no code is shown.
    posted = form_fields(body)
    assert (posted["slots-0-name"], posted["slots-0-dept"], posted["slots-0-quals"]) == ("主检", "SCJG", "draws_food")
    assert (posted["slots-1-name"], posted["slots-1-dept"], posted["slots-lead"]) == ("协检", "SCJG", "0")
    assert "slots-1-quals" not in posted and posted["slots-2-name"] == "", "spare empty rows"
    text = _visible(body)
    assert "食品安全执法" in text and "市场监管" in text
    assert not _shows_code(text) and "主检 SCJG" not in body


def test_the_form_as_proposed_creates_the_task(login, scjg_admin, entry):
    client = login(scjg_admin)
    posted = form_fields(client.get(url("create"), {"entry": entry.pk}).content.decode())
    response = client.post(f"{url('create')}?entry={entry.pk}", posted)
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", task)
    assert task.slots == [
        {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
        {"name": "协检", "dept": "SCJG", "quals": []},
    ]
    assert task.lead_slot == "主检"


def test_create_from_entry(login, scjg_admin, entry):
    response = login(scjg_admin).post(f"{url('create')}?entry={entry.pk}", _create_data())
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", task)
    assert task.plan_entry == entry and task.title == entry.name
    assert task.slots == [
        {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
        {"name": "协检", "dept": "SCJG", "quals": []},
    ]
    assert task.exclude_last_inspector and not task.cross_office


def test_create_shows_errors_by_chinese_names(login, scjg_admin, entry):
    client = login(scjg_admin)
    create = f"{url('create')}?entry={entry.pk}"
    unqualified = [{"name": "主检", "dept": "SCJG", "quals": []}, {"name": "协检", "dept": "SCJG", "quals": []}]
    cases = [
        (slot_rows(unqualified), "要求资格“食品安全执法”，但市场监管的岗位都不要求该资格"),
        (slot_rows(task_kwargs()["slots"], ""), "请选择组长岗位"),
        (slot_rows([{"name": "主检", "dept": "SCJG", "quals": []}] * 2), "岗位名称“主检”重复"),
        (slot_rows([{"name": "主检", "dept": "", "quals": ["draws_food"]}, *unqualified[1:]]), "请选择岗位所属的部门"),
        (slot_rows([{"name": "", "dept": "SCJG", "quals": []}, *unqualified[1:]], "协检"), "请填写岗位名称"),
        (slot_rows([{"name": "主检", "dept": "SCJG", "quals": ["draws_food"]}]), "至少需要 2 名检查人员"),
        (slot_rows([]), "请至少填写一个岗位"),
    ]
    for rows, message in cases:
        data = {k: v for k, v in _create_data().items() if not k.startswith("slots-")} | rows
        body = client.post(create, data).content.decode()
        assert message in body, message
        assert not _shows_code(_visible(body))
    assert not Task.objects.exists()


def test_more_slot_rows_without_javascript(login, scjg_admin, entry):
    client = login(scjg_admin)
    data = _create_data() | {"slots-0-name": "组长岗", "slots-lead": "0", "add_slot_rows": "1"}
    body = client.post(f"{url('create')}?entry={entry.pk}", data).content.decode()
    assert not Task.objects.exists(), "adding rows saves nothing"
    posted = form_fields(body)
    assert posted["slots-TOTAL_FORMS"] == "4" and posted["slots-3-name"] == ""
    assert (posted["slots-0-name"], posted["slots-0-quals"], posted["slots-lead"]) == ("组长岗", "draws_food", "0")
    posted["slots-2-name"], posted["slots-2-dept"] = "记录员", "SCJG"
    assert client.post(f"{url('create')}?entry={entry.pk}", posted).status_code == 302
    task = Task.objects.get()
    assert [s["name"] for s in task.slots] == ["组长岗", "协检", "记录员"] and task.lead_slot == "组长岗"


def test_edit_shows_the_tasks_slots_and_saves_changed_rows(login, scjg_admin, make_task):
    task = make_task()
    client = login(scjg_admin)
    posted = form_fields(client.get(url("edit", task)).content.decode())
    assert (posted["slots-0-name"], posted["slots-0-quals"], posted["slots-1-name"]) == ("主检", "draws_food", "协检")
    assert posted["slots-lead"] == "0"
    posted |= {"slots-1-DELETE": "on", "slots-2-name": "副检", "slots-2-dept": "SCJG", "slots-lead": "2"}
    posted["slots-2-quals"] = "draws_food"
    assert client.post(url("edit", task), posted).status_code == 302
    task.refresh_from_db()
    assert task.slots == [
        {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
        {"name": "副检", "dept": "SCJG", "quals": ["draws_food"]},
    ]
    assert task.lead_slot == "副检"


def test_create_access(login, entry, wsjk_admin, scjg_inspector, auditor):
    assert login(wsjk_admin).get(url("create"), {"entry": entry.pk}).status_code == 404
    for reader in (scjg_inspector, auditor):
        client = login(reader)
        assert client.get(url("create"), {"entry": entry.pk}).status_code == 403
        assert client.post(f"{url('create')}?entry={entry.pk}", _create_data()).status_code == 403
    assert login(wsjk_admin).get(url("create")).status_code == 404
    assert not Task.objects.exists()


# ------------------------------------------------------------------- a task with many visits


def _visits_in_page(body, task):
    """The public ids of the task's visits shown on the page, in page order."""
    ids = {v.public_id for v in task.visits.all()}
    return [code for code in re.findall(r'class="mono">([^<]+)</td>', body) if code in ids]


def _list_order(task):
    return list(task.visits.order_by("stratum__name", "rank").values_list("public_id", flat=True))


def test_visits_are_paged_in_list_order(login, scjg_admin, big_task):
    client = login(scjg_admin)
    order = _list_order(big_task)
    total = len(order)
    assert 100 < total <= 200
    body = client.get(url("detail", big_task)).content.decode()
    assert _visits_in_page(body, big_task) == order[:100]
    assert f"共抽中 {total} 个对象" in body
    assert f"第 1 / 2 页，共 {total} 条" in body
    assert "visit_page=2" in body
    body = client.get(url("detail", big_task), {"visit_page": 2}).content.decode()
    assert _visits_in_page(body, big_task) == order[100:]
    assert "组长" in body
    # A page past the end shows the last page, not an error.
    body = client.get(url("detail", big_task), {"visit_page": 99}).content.decode()
    assert _visits_in_page(body, big_task) == order[100:]


def test_visit_page_query_count_does_not_grow_with_visits(
    login, scjg_admin, make_task, run_ceremony, towns, scjg, django_assert_max_num_queries
):
    client = login(scjg_admin)
    small = run_ceremony(make_task(max_visits_per_inspector=200))
    big_task = make_big_task(make_task, run_ceremony, towns, scjg)
    assert small.visits.count() < 10 < 100 < big_task.visits.count()
    client.get(url("detail", small))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("detail", small)).status_code == 200
    # The same queries (the page of exclusions aside, which the small task has none of: its
    # keys and its objects): the visits are counted, the page's ids sorted, its rows loaded,
    # their teams prefetched; one asks for a background job of the task, two count the merge
    # proposals; two name the slots' departments and qualifications; one lists the matched
    # inspectors (the inspector filter), one tells which of the page's objects the reader may open;
    # one counts the visits approved and waiting (审批); one counts the visits done (任务完成);
    # three tell whether the reader reads every visit's result (the link to the task's results).
    assert len(few) <= 30
    with django_assert_max_num_queries(len(few) + 2):
        body = client.get(url("detail", big_task), {"visit_page": 2, "page": 2}).content.decode()
    assert len(_visits_in_page(body, big_task)) == big_task.visits.count() - 100
    # A filtered list counts its matches and the task's total.
    with django_assert_max_num_queries(len(few) + 3):
        body = client.get(url("detail", big_task), {"stratum": "一般", "q": "溧阳"}).content.decode()
    assert len(_visits_in_page(body, big_task)) == big_task.visits.filter(stratum__name="一般").count()


def test_visits_filtered_by_stratum_and_searched(login, scjg_admin, big_task):
    client = login(scjg_admin)
    general = list(big_task.visits.filter(stratum__name="一般").order_by("rank").values_list("public_id", flat=True))
    body = client.get(url("detail", big_task), {"stratum": "一般"}).content.decode()
    assert _visits_in_page(body, big_task) == general[:100]
    assert f"符合条件的 {len(general)} 个" in body
    assert 'value="一般" selected' in body
    # An unknown stratum is ignored, not an error.
    body = client.get(url("detail", big_task), {"stratum": "没有这个分层"}).content.decode()
    assert len(_visits_in_page(body, big_task)) == 100

    visit = big_task.visits.select_related("inspection_object").order_by("rank").last()
    for query in (visit.public_id, visit.public_id.lower(), visit.public_id[:-2], f" {visit.public_id} "):
        body = client.get(url("detail", big_task), {"q": query}).content.decode()
        found = _visits_in_page(body, big_task)
        assert visit.public_id in found, query
        assert all(code.startswith(visit.public_id[:-2]) for code in found)
    body = client.get(url("detail", big_task), {"q": visit.inspection_object.name}).content.decode()
    assert _visits_in_page(body, big_task) == [visit.public_id]
    assert "符合条件的 1 个" in body
    # A name prefix: every drawn 规模测试 object, none of the fixture's 测试商贸 ones.
    drawn = big_task.visits.filter(inspection_object__name__startswith="溧阳市规模测试")
    body = client.get(url("detail", big_task), {"q": "溧阳市规模测试", "stratum": "C类"}).content.decode()
    assert set(_visits_in_page(body, big_task)) == set(
        drawn.filter(stratum__name="C类").values_list("public_id", flat=True)
    )
    body = client.get(url("detail", big_task), {"q": "不存在的企业"}).content.decode()
    assert _visits_in_page(body, big_task) == [] and "没有符合条件的抽中对象" in body


def test_visit_and_exclusion_pages_are_independent(login, scjg_admin, big_task):
    client = login(scjg_admin)
    exclusions = [e.inspection_object.public_code for e in pool_exclusions(big_task)]
    assert len(exclusions) == 60
    body = client.get(url("detail", big_task), {"page": 2, "visit_page": 2}).content.decode()
    assert _visits_in_page(body, big_task) == _list_order(big_task)[100:]
    assert "第 2 / 2 页，共 60 条" in body
    for code in exclusions[50:]:
        assert code in body
    assert exclusions[0] not in body
    # Each pager keeps the other list's page and filters.
    assert "?page=2&amp;visit_page=1" in body or "?page=2&amp;visit_page=1#targets" in body
    assert "visit_page=2&amp;page=1" in body
    body = client.get(url("detail", big_task), {"reason": "inactive", "q": "溧阳", "page": 2}).content.decode()
    assert "第 2 / 2 页，共 60 条" in body


def test_pool_members_are_paged_from_the_frozen_stratum(login, scjg_admin, big_task):
    client = login(scjg_admin)
    members = stratum_members(big_task)["一般"]
    assert len(members) > 100
    body = client.get(url("detail", big_task)).content.decode()
    assert "选择分层后" in body and members[0] not in body.split("各分层的对象")[1]
    body = client.get(url("detail", big_task), {"pool_stratum": "一般"}).content.decode()
    section = body.split("各分层的对象")[1]
    assert all(code in section for code in members[:100]) and members[100] not in section
    assert f"共 {len(members)} 条" in section
    name = InspectionObject.objects.get(public_code=members[0]).name
    assert name in section
    body = client.get(url("detail", big_task), {"pool_stratum": "一般", "pool_page": 2}).content.decode()
    section = body.split("各分层的对象")[1]
    assert members[100] in section and members[0] not in section
    # A code search jumps to the page holding the first member with that prefix.
    target = members[len(members) - 1]
    body = client.get(url("detail", big_task), {"pool_stratum": "一般", "pool_q": target.lower()}).content.decode()
    section = body.split("各分层的对象")[1]
    assert target in section and "查找结果" in section and f"位于第 {len(members)} 位" in section
    body = client.get(url("detail", big_task), {"pool_stratum": "一般", "pool_q": "ZZZ"}).content.decode()
    assert "没有编码以“ZZZ”开头的对象" in body
    body = client.get(url("detail", big_task), {"pool_stratum": "不存在"}).content.decode()
    assert "没有名为“不存在”的分层" in body


def test_list_counts_visits_per_task_in_the_query(
    login, scjg_admin, make_task, run_ceremony, towns, scjg, django_assert_max_num_queries
):
    client = login(scjg_admin)
    small = run_ceremony(make_task(max_visits_per_inspector=200))
    big_task = make_big_task(make_task, run_ceremony, towns, scjg)
    client.get(url("list"))
    # With the redraws per department and year, and the lead departments the filter offers.
    with django_assert_max_num_queries(8):
        body = client.get(url("list")).content.decode()
    rows = {code: row for code, row in re.findall(r'<td[^>]*class="mono">([^<]+)</td>(.*?)</tr>', body, re.S)}
    for task in (big_task, small):
        assert f">{task.visits.count()}</td>" in rows[task.code]


@pytest.mark.parametrize("lead_slot", ["主检", "组长"])
def test_team_column_names_each_member_and_the_lead_once(login, scjg_admin, make_task, lead_slot):
    slots = [{**task_kwargs()["slots"][0], "name": lead_slot}, task_kwargs()["slots"][1]]
    task = _ceremony(login(scjg_admin), make_task(slots=slots, lead_slot=lead_slot))
    body = login(scjg_admin).get(url("detail", task)).content.decode()
    badge = '<span class="badge ok">组长</span>'
    for visit in task.visits.all():
        lead, other = sorted(visit.members.select_related("inspector"), key=lambda m: not m.is_lead)
        cell = f"{lead.inspector.name}（{lead_slot}）" + (f" {badge}" if lead_slot == "主检" else "")
        assert f"{cell}、{other.inspector.name}（协检）</td>" in body


def test_the_task_page_names_slots_without_codes(login, scjg_admin, make_task):
    # Issue 12, item 1 (in part): the slots read 主检（市场监管：<the qualification's name>），
    # not its code.
    task = make_task()
    body = login(scjg_admin).get(url("detail", task)).content.decode()
    listed = body[body.index("检查组岗位") :][:600]
    assert "draws_food" not in listed and "SCJG" not in listed
    assert "市场监管" in listed


@pytest.mark.parametrize(
    "bad",
    [
        {"slots-TOTAL_FORMS": None},
        {"slots-TOTAL_FORMS": "abc"},
        {"slots-TOTAL_FORMS": "99999999"},
        {"slots-lead": "x"},
        {"slots-lead": "-1"},
        {"slots-lead": "99999999999"},
        {"slots-0-dept": "NOPE"},
        {"slots-0-quals": ["draws_food", "no_such_qualification"]},
        {"slots-1-name": " " * 3},
    ],
)
def test_bad_slot_rows_are_refused_not_a_500(login, scjg_admin, entry, make_task, bad):
    client = login(scjg_admin)
    data = {k: v for k, v in (_create_data() | bad).items() if v is not None}
    assert client.post(f"{url('create')}?entry={entry.pk}", data).status_code == 200
    assert not Task.objects.exists()
    task = make_task()
    assert client.post(url("edit", task), data).status_code == 200
    assert Task.objects.get(pk=task.pk).slots == task.slots
