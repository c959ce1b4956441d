"""The staff task page guides the ceremony (issue 12, items 2–4): the steps with the current one,
who acts and what is missing; the irreversible steps ask for confirmation; a button that cannot
be used yet says why; an action is offered only to who may do it, and a refusal states the real
rule; a task a staff member may not read is explained, its title not leaked. Real HTTP."""

import re

import pytest
from django.urls import reverse

from spotcheck.draws import services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, task) -> str:
    response = client.get(reverse("draws:detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _guide(html: str) -> str:
    match = re.search(r'<ol class="steps"[^>]*>(.*?)</ol>', html, re.S)
    assert match, "the page shows the ceremony's steps"
    return match.group(1)


def _current(html: str) -> str:
    match = re.search(r'<li class="step current"[^>]*>(.*?)</li>', _guide(html), re.S)
    assert match, "one step is the current one"
    return match.group(1)


def test_a_draft_shows_every_step_and_who_acts_next(login, scjg_admin, make_task):
    task = make_task()
    html = _page(login(scjg_admin), task)
    guide = _guide(html)
    positions = [guide.index(step) for step in ("冻结对象库", "发布任务公告", "见证人输入", "揭晓并抽取", "公布名单")]
    assert positions == sorted(positions)
    current = _current(html)
    assert "冻结对象库" in current and "市场监管" in current and "管理员" in current
    assert 'aria-current="step"' in guide


def test_an_announced_task_says_how_many_witnesses_are_missing(login, scjg_admin, scjg, make_task):
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    services.task_announce(actor=scjg_admin, task=task)
    client = login(scjg_admin)
    assert "还需 2 名见证人" in _current(_page(client, task))
    services.witness_input_add(actor=scjg_admin, task=task, value="1-2", witness_name="钱见证", witness_department=scjg)
    html = _page(client, task)
    assert "见证人输入" in _current(html) and "还需 1 名见证人" in _current(html)
    # The draw button cannot be used yet: it looks disabled and says why, next to it.
    assert re.search(r'<button[^>]*disabled[^>]*aria-describedby="draw-why"', html)
    assert re.search(r'id="draw-why"[^>]*>[^<]*还需 1 名见证人', html)


def test_a_joint_task_asks_for_a_witness_of_another_department(login, scjg_admin, witness, scjg, joint_task):
    services.task_freeze(actor=scjg_admin, task=joint_task)
    services.task_announce(actor=scjg_admin, task=joint_task)
    services.witness_input_add(actor=witness, task=joint_task, value="1")
    services.witness_input_add(
        actor=scjg_admin, task=joint_task, value="2", witness_name="钱见证", witness_department=scjg
    )
    current = _current(_page(login(scjg_admin), joint_task))
    assert "还需 1 名见证人（须来自另一部门）" in current


def test_a_redraw_waits_for_the_joint_office(login, scjg_admin, coordinator, make_task, run_ceremony):
    old = run_ceremony(make_task())
    services.task_cancel(actor=scjg_admin, task=old, reason="名单有误")
    redraw = make_task(replaces=old, redraw_reason="名单有误")
    current = _current(_page(login(scjg_admin), redraw))
    assert "重新抽取待联席办批准" in current


def test_a_failed_match_check_names_the_suggested_cap(login, scjg_admin, make_task):
    task = make_task(max_visits_per_inspector=1)
    services.task_freeze(actor=scjg_admin, task=task)
    task.refresh_from_db()
    check = task.draw.match_check
    if check["feasible"]:
        pytest.skip("the fixtures' roster meets a cap of 1")
    current = _current(_page(login(scjg_admin), task))
    assert "匹配检查未通过" in current
    if check.get("suggested_cap"):
        assert f"建议上限 {check['suggested_cap']}" in current


def test_a_drawn_task_with_its_list_public_has_every_step_done(login, scjg_admin, make_task, run_ceremony):
    task = run_ceremony(make_task())
    if task.list_published_at is None:
        services.task_publish_list(actor=scjg_admin, task=task)
    guide = _guide(_page(login(scjg_admin), task))
    assert guide.count('class="step done"') == 5
    assert 'class="step current"' not in guide


def test_announce_and_draw_ask_for_confirmation(login, scjg_admin, scjg, wsjk, make_task):
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    client = login(scjg_admin)
    html = _page(client, task)
    announce = re.search(rf'<form[^>]*action="{reverse("draws:announce", args=[task.pk])}"[^>]*>', html).group(0)
    assert "data-confirm=" in announce and "不能撤销" in announce and "公开" in announce
    assert re.search(r'<script src="[^"]*spotcheck/confirm\.js" defer>', html), "a static file, no inline script"
    services.task_announce(actor=scjg_admin, task=task)
    services.witness_input_add(actor=scjg_admin, task=task, value="1", witness_name="钱见证", witness_department=scjg)
    services.witness_input_add(actor=scjg_admin, task=task, value="2", witness_name="孙见证", witness_department=wsjk)
    html = _page(client, task)
    draw = re.search(rf'<form[^>]*action="{reverse("draws:draw", args=[task.pk])}"[^>]*>', html).group(0)
    assert "data-confirm=" in draw and "不能撤销" in draw and "服务器密钥" in draw


def test_the_approver_is_not_offered_to_make_a_task_and_is_told_the_real_rule(login, scjg_admin, scjg_approver, entry):
    approver = login(scjg_approver)
    plan_page = approver.get(reverse("planning:detail", args=[entry.plan_id])).content.decode()
    assert "据此计划条目创建抽查任务" not in plan_page
    assert "根据已公布计划的条目创建任务" not in approver.get(reverse("draws:list")).content.decode()
    response = approver.get(reverse("draws:create") + f"?entry={entry.pk}")
    assert response.status_code == 403
    body = response.content.decode()
    assert "管理员" in body and "市场监管" in body, "the rule: the lead department's admin or the joint office"
    admin_page = login(scjg_admin).get(reverse("planning:detail", args=[entry.plan_id])).content.decode()
    assert "据此计划条目创建抽查任务" in admin_page


@pytest.fixture
def wsjk_witness(wsjk):
    user = UserFactory(username="wsjk_witness", full_name="卫健见证人 周见证")
    MembershipFactory(user=user, department=wsjk, role="witness")
    return user


def test_a_witness_of_another_department_is_told_why(login, scjg_admin, wsjk_witness, make_task):
    task = make_task(title="不应泄露的任务名称")
    services.task_freeze(actor=scjg_admin, task=task)
    services.task_announce(actor=scjg_admin, task=task)
    response = login(wsjk_witness).get(reverse("draws:detail", args=[task.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "该任务不在您的见证范围内" in body
    assert "不应泄露的任务名称" not in body and task.code not in body


def test_an_outsider_gets_the_plain_404(login, nobody, make_task):
    task = make_task(title="不应泄露的任务名称")
    response = login(nobody).get(reverse("draws:detail", args=[task.pk]))
    assert response.status_code in (403, 404)
    assert "该任务不在您的见证范围内" not in response.content.decode()
