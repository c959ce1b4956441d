"""Each role's home lists what waits for it, with counts and links to lists of exactly those
things (issue 12, item 6): the coordinator's merge proposals, tasks waiting for witnesses,
redraws and plans to file or publish; a department admin's tasks by step and returned plans;
an approver's plans to approve; a witness's inputs. Nothing for roles it does not concern."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from spotcheck.draws import services as draws
from spotcheck.draws.guide import TaskStep
from spotcheck.inspections import services as inspections
from spotcheck.planning import services as planning
from tests.factories import MembershipFactory, UserFactory, pair

HOME = "/work/"  # the staff workspace (portal14: `/` is the portal)


def _links(body):
    """The 待办 list's links: {text without spaces: href}."""
    todo = body[body.index('<ul class="todo">') : body.index("</section>")]
    return {
        re.sub(r"<[^>]+>|\s+", "", text): href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', todo, re.S)
    }


def _codes_listed(client, href):
    body = client.get(href).content.decode()
    return set(re.findall(r'<td data-label="任务编号" class="mono">([^<]+)</td>', body))


@pytest.fixture
def tasks_at_each_step(make_task, run_ceremony, scjg_admin, scjg, wsjk):
    """市场监管's tasks, one waiting at each step: a draft, a frozen one, one announced with one
    witness input of two, one announced with both, and one drawn whose list comes out after
    the visits (drawn last: a task like it made after its draw would be a redraw)."""
    draft, frozen, waiting, ready, drawn = (
        make_task(title=f"任务{n}", **({"list_publication": "after_visits"} if n == 4 else {})) for n in range(5)
    )
    draws.task_freeze(actor=scjg_admin, task=frozen)
    for task in (waiting, ready):
        draws.task_freeze(actor=scjg_admin, task=task)
        draws.task_announce(actor=scjg_admin, task=task)
        draws.witness_input_add(
            actor=scjg_admin, task=task, value="3-5-2", witness_name="钱见证", witness_department=scjg
        )
    draws.witness_input_add(actor=scjg_admin, task=ready, value="6 1 4", witness_name="孙见证", witness_department=wsjk)
    drawn = run_ceremony(drawn)
    return {
        TaskStep.DRAFT: draft,
        TaskStep.FROZEN: frozen,
        TaskStep.WITNESSES: waiting,
        TaskStep.READY: ready,
        TaskStep.UNPUBLISHED: drawn,
    }


def test_department_admin_sees_its_tasks_by_step_each_linking_to_exactly_them(
    login, scjg_admin, scjg, tasks_at_each_step, django_assert_max_num_queries
):
    client = login(scjg_admin)
    client.get(HOME)
    # The steps take four queries: one count for all, and the announced tasks, their inputs and
    # the typists' departments to tell whether the inputs are complete. The deadline dashboard's
    # counts take five more: the calendar and one count per list (i13-deadlines); the tasks with
    # results to publish one (pub14); the replies to review and the complaints to answer two (voice14).
    # PostgreSQL: the deadline counts' two planner settings (deadlines.selectors, dash13).
    with django_assert_max_num_queries(26 + (2 if connection.vendor == "postgresql" else 0)):
        body = client.get(HOME).content.decode()
    links = _links(body)
    assert "本部门发起的抽查任务" in body
    for step, task in tasks_at_each_step.items():
        text = f"{step.label}1"
        assert text in links, (text, links)
        href = links[text]
        assert href == f"{reverse('draws:list')}?step={step.value}&lead={scjg.pk}"
        assert _codes_listed(client, href) == {task.code}


def test_coordinator_sees_tasks_waiting_for_witnesses(login, coordinator, tasks_at_each_step):
    client = login(coordinator)
    links = _links(client.get(HOME).content.decode())
    href = links["1个已公告任务待见证人输入"]
    assert _codes_listed(client, href) == {tasks_at_each_step[TaskStep.WITNESSES].code}
    assert not any("本部门发起" in text for text in links)  # no department's steps: not an admin


def test_witness_sees_its_inputs_and_nothing_of_the_office(login, witness, tasks_at_each_step):
    body = login(witness).get(HOME).content.decode()
    links = _links(body)
    waiting = tasks_at_each_step[TaskStep.WITNESSES]
    assert f"待录入见证人输入：{waiting.code}{waiting.title}" in links
    assert not any("/plans/" in href or "step=" in href or "/merges/" in href for href in links.values())


def test_inspector_has_nothing_to_do(login, scjg_inspector, tasks_at_each_step):
    body = login(scjg_inspector).get(HOME).content.decode()
    assert "没有待办事项" in body and "本部门发起的抽查任务" not in body


@pytest.mark.usefixtures("spring_2026")
def test_coordinator_sees_open_merge_proposals(login, coordinator, scjg_admin, scjg_task, wsjk_task):
    client = login(coordinator)
    assert _links(client.get(HOME).content.decode())["12条合并建议待确认或不予合并"] == reverse("inspections:merges")
    inspections.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task), reason="分开")
    body = client.get(HOME).content.decode()
    assert "11 条合并建议待确认或不予合并" in body
    assert '<span class="badge">11</span>' in client.get(reverse("inspections:merges")).content.decode()
    # A department admin sees the proposals, but does not decide them: not its 待办.
    assert "合并建议" not in login(scjg_admin).get(HOME).content.decode()


def test_plans_wait_for_the_approver_then_the_joint_office_then_the_department(
    login, scjg_admin, scjg_approver, coordinator, wsjk, draft_plan
):
    wsjk_approver = UserFactory(username="wsjk_approver")
    MembershipFactory(user=wsjk_approver, department=wsjk, role="approver")
    planning.plan_submit(actor=scjg_admin, plan=draft_plan)
    client = login(scjg_approver)
    href = _links(client.get(HOME).content.decode())["1个年度计划待您审核"]
    assert href == f"{reverse('planning:list')}?todo=approve"
    assert draft_plan.title in client.get(href).content.decode()
    assert "待您审核" not in login(wsjk_approver).get(HOME).content.decode()  # not its department's
    assert draft_plan.title not in login(wsjk_approver).get(href).content.decode()
    assert "待您审核" not in login(scjg_admin).get(HOME).content.decode()  # the submitter is no approver

    planning.plan_approve(actor=scjg_approver, plan=draft_plan)
    client = login(coordinator)
    href = _links(client.get(HOME).content.decode())["1个部门计划已审核，待备案"]
    assert href == f"{reverse('planning:list')}?todo=file" and draft_plan.title in client.get(href).content.decode()
    assert "待备案" not in login(scjg_approver).get(HOME).content.decode()

    planning.plan_return(actor=coordinator, plan=draft_plan, reason="补充分层")
    client = login(scjg_admin)
    href = _links(client.get(HOME).content.decode())["1个计划被退回，待修改"]
    assert draft_plan.title in client.get(href).content.decode()
    assert "被退回" not in login(scjg_approver).get(HOME).content.decode()


def test_coordinator_sees_plans_to_publish(login, scjg_admin, scjg_approver, coordinator, draft_plan):
    planning.plan_submit(actor=scjg_admin, plan=draft_plan)
    planning.plan_approve(actor=scjg_approver, plan=draft_plan)
    planning.plan_file(actor=coordinator, plan=draft_plan)
    client = login(coordinator)
    href = _links(client.get(HOME).content.decode())["1个计划已备案，待公布"]
    assert draft_plan.title in client.get(href).content.decode()
    planning.plan_publish(actor=coordinator, plan=draft_plan)
    assert "待公布" not in client.get(HOME).content.decode()
