"""A new operator gets the ceremony right the first time (issue 12, quality bar 2), in a real
browser: the 市场监管 department admin opens a published joint plan entry (with 卫健), creates a
task leaving the form as proposed, freezes, announces (accepting the confirmation); a witness of
each department finds the task in their home page's 待办, follows its link and enters their own
input; the operator draws (accepting the confirmation) and sees the drawn list. The form's
defaults must work as they come: the proposed slots and cap fill every team whatever the seed.
Screenshots of each step are kept in test-artifacts/ (new-operator-*.png) for a person to look
at."""

import re

import pytest

from spotcheck.draws.models import Task
from spotcheck.planning import services as planning
from tests.browser_support import ARTIFACTS, keep_picture, log_in, shot
from tests.factories import MembershipFactory, UserFactory, publish_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def joint_entry(
    coordinator, scjg_approver, scjg, wsjk, county, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors
):
    """The joint plan's entry, led by 市场监管 with 卫健: 市场监管's food item asks for 食品安全执法."""
    plan = planning.plan_create(actor=coordinator, year=2026, title="2026年部门联合抽查计划", region=county)
    return publish_entry(
        actor=coordinator,
        approver=scjg_approver,
        coordinator=coordinator,
        department=scjg,
        items=[food_item.item, health_item.item],
        plan=plan,
        kind="joint",
        name="食品与公共场所卫生联合抽查",
        participating_departments=[wsjk],
    )


@pytest.fixture
def wsjk_witness(wsjk):
    user = UserFactory(username="wsjk_witness", full_name="卫健 孙见证")
    MembershipFactory(user=user, department=wsjk, role="witness")
    return user


def _as(page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _enter_own_input(page, witness, task: Task, value: str, name: str) -> None:
    _as(page, witness)
    todo = page.locator("section", has=page.get_by_role("heading", name="待办"))
    link = todo.get_by_role("link", name=re.compile(re.escape(task.code)))
    assert link.count() == 1, f"{witness.username}'s 待办 lists the task"
    shot(page, f"new-operator-{name}-home")
    link.click()
    form = page.locator("#witnesses form").first
    form.locator("input[name=value]").fill(value)
    form.get_by_role("button", name="录入见证人输入").click()
    page.locator("#witnesses td", has_text=value).wait_for()
    shot(page, f"new-operator-{name}-entered")


def test_a_new_operator_runs_a_joint_ceremony_with_the_forms_defaults(
    page, joint_entry, scjg_admin, witness, wsjk_witness
):
    _as(page, scjg_admin)
    page.get_by_role("link", name="抽查计划").first.click()
    page.get_by_role("link", name=joint_entry.plan.title).click()
    page.get_by_role("link", name="据此计划条目创建抽查任务").click()
    page.get_by_role("heading", name="创建抽查任务").wait_for()
    # The proposal: one row per slot, departments and qualifications by name, the lead chosen.
    rows = page.locator("#slot-rows tr")
    assert rows.nth(0).locator("input[type=text]").input_value() == "主检"
    assert rows.nth(0).get_by_label("食品安全执法").is_checked()
    assert rows.nth(0).locator("input[type=radio]").is_checked()
    assert rows.nth(2).locator("select option:checked").inner_text() == "卫健"
    shot(page, "new-operator-1-form")
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "the form fits a phone"
    shot(page, "new-operator-1-form-390")
    keep_picture(
        lambda: page.locator("#slots").screenshot(path=str(ARTIFACTS / "new-operator-1-slots-390.png")),
        "new-operator-1-slots-390",
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="创建任务草稿").click()
    page.get_by_text("已创建抽查任务草稿").wait_for()
    task = Task.objects.get()
    assert task.kind == Task.Kind.JOINT
    assert [(s["name"], s["dept"]) for s in task.slots] == [
        ("主检", "SCJG"),
        ("协检", "SCJG"),
        ("卫健检查", "WSJK"),
        ("卫健协检", "WSJK"),
    ]
    shot(page, "new-operator-2-draft")

    page.get_by_role("button", name="冻结对象库").click()
    page.get_by_role("button", name="发布任务公告").wait_for()
    assert "无论随机种子如何都能配齐检查组" in page.locator("#match-check").inner_text()
    shot(page, "new-operator-3-frozen")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布任务公告").click()
    page.get_by_text("已发布任务公告").first.wait_for()
    task.refresh_from_db()
    assert task.status == Task.Status.ANNOUNCED
    shot(page, "new-operator-4-announced")

    _enter_own_input(page, witness, task, "3-5-2", "5-scjg-witness")
    _enter_own_input(page, wsjk_witness, task, "6 1 4", "6-wsjk-witness")

    _as(page, scjg_admin)
    page.goto(f"{page.base_url}/tasks/{task.pk}/")
    draw = page.get_by_role("button", name="揭晓并抽取")
    assert draw.is_enabled(), "two witnesses of two departments entered their own inputs"
    page.once("dialog", lambda dialog: dialog.accept())
    draw.click()
    page.locator("#targets").wait_for()
    task.refresh_from_db()
    assert task.status == Task.Status.DRAWN and task.match_failed_at is None
    targets = page.locator("#targets tbody tr")
    assert targets.count() == len(task.draw.result["targets"]) > 0
    assert page.locator("#targets .badge", has_text="组长").count() == targets.count()
    shot(page, "new-operator-7-drawn")
