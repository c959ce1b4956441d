"""The task form's slot rows in a real browser (issue 12, item 1): 增加岗位 adds an empty row in
place (slots.js, a static file: the page fixture fails on any CSP violation), and the added row
is saved with the others."""

import pytest
from django.urls import reverse

from spotcheck.draws.models import Task
from tests.browser_support import log_in
from tests.factories import publish_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entry(scjg_admin, scjg_approver, coordinator, scjg, food_item, objects, scjg_inspectors):
    return publish_entry(
        actor=scjg_admin, approver=scjg_approver, coordinator=coordinator, department=scjg, items=[food_item.item]
    )


def test_add_a_slot_row_and_save_it(page, scjg_admin, entry):
    log_in(page, scjg_admin)
    page.goto(page.base_url + reverse("draws:create") + f"?entry={entry.pk}")
    rows = page.locator("#slot-rows tr")
    before = rows.count()
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.get_by_role("button", name="增加岗位").click()
    assert rows.count() == before + 1 and posts == [], "added in place, nothing posted"
    added = rows.nth(before)
    added.locator("input[type=text]").fill("记录员")
    added.locator("select").select_option(label="市场监管")
    added.get_by_label("食品安全执法").check()
    page.get_by_role("button", name="创建任务草稿").click()
    page.get_by_text("已创建抽查任务草稿").wait_for()
    task = Task.objects.get()
    assert task.slots[-1] == {"name": "记录员", "dept": "SCJG", "quals": ["draws_food"]}
    assert [s["name"] for s in task.slots] == ["主检", "协检", "记录员"] and task.lead_slot == "主检"


def test_the_edit_form_shows_the_tasks_rows_whole_on_a_phone(page, scjg_admin, make_task):
    # The page walk reaches no draft task (its tasks are drawn): the edit form is looked at here.
    task = make_task()
    log_in(page, scjg_admin)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base_url + reverse("draws:edit", args=[task.pk]))
    rows = page.locator("#slot-rows tr")
    assert rows.nth(0).locator("input[type=text]").input_value() == "主检"
    assert rows.nth(0).get_by_label("食品安全执法").is_checked()
    assert rows.nth(0).locator("input[type=radio]").is_checked()
    assert rows.nth(1).locator("select option:checked").inner_text() == "市场监管"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert "draws_food" not in page.locator("body").inner_text()
