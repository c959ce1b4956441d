"""Issue 12, item 9, in a real browser on a phone-sized page (390 px): the long multi-selects
(regions, industries, items) are searchable pickers — type part of a Chinese name, tap the
match, submit — and the short ones are checkboxes. No console error, no block by the
Content-Security-Policy (the page fixture), no sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from spotcheck.inspectors.models import Inspector
from spotcheck.planning.models import PlanEntry
from tests.browser_support import log_in, shot
from tests.factories import (
    InspectionObjectFactory,
    QualificationFactory,
    TagFactory,
    division,
    make_item,
    publish,
    section,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    return page


def pick(page, field_id: str, typed: str, option_text: str) -> None:
    """Type part of a name into the picker of ``field_id`` and tap the one match named ``option_text``."""
    search = page.locator(f"#{field_id}-ts-control")
    search.click()
    search.press_sequentially(typed)
    option = page.locator(f"#{field_id}-ts-dropdown .option").filter(has_text=re.compile(f"^{option_text}$"))
    expect(option).to_have_count(1)
    option.click()
    expect(search.locator("..")).to_contain_text(option_text)
    expect(search).to_have_value("")  # ready for the next name


def assert_whole_on_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.console_errors, page.console_errors


def test_scope_regions_and_industries_are_picked_by_typing(phone, scjg_admin, scjg, towns):
    page = phone
    catering = TagFactory(code="catering", name="餐饮服务")
    InspectionObjectFactory(tags=[catering], region=towns[0])
    InspectionObjectFactory(tags=[catering], region=towns[1])
    # GB/T 4754 as the migration loads it (a transactional test before this one may have emptied it).
    division("61", "住宿业", section("H", "住宿和餐饮业"))
    division("62", "餐饮业", section("H", "住宿和餐饮业"))
    item = make_item(actor=scjg_admin, department=scjg, code="SCJG-PICK-1")
    version = item.versions.get()

    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/items/versions/{version.pk}/edit/")
    # Short lists are checkboxes; long ones are pickers, with Chinese words.
    expect(page.locator("#id_scope_tags input[type=checkbox]").first).to_be_visible()
    expect(page.locator("#id_scope_regions-ts-control")).to_have_attribute("placeholder", "输入名称搜索")
    count = page.locator("#scope-count")
    expect(count).to_contain_text("当前匹配 2 个")

    pick(page, "id_scope_regions", "埭头", "埭头镇")
    # Straight on to the next picker: the one just left does not take the focus back.
    industries = page.locator("#id_scope_industries-ts-control")
    industries.click()
    industries.press_sequentially("没有这个行业")
    page.wait_for_timeout(400)  # longer than Tom Select's default refresh delay
    expect(industries).to_be_focused()
    expect(industries).to_have_value("没有这个行业")
    expect(page.locator("#id_scope_industries-ts-dropdown .no-results")).to_have_text("没有匹配的选项")
    # The picker's change reaches the htmx match count like a plain select's.
    expect(count).to_contain_text("当前匹配 1 个")
    industries.fill("")
    pick(page, "id_scope_industries", "餐饮", "\u300062 餐饮业")
    page.get_by_label("餐饮服务").check()
    page.locator("h1").click()  # closes the dropdown, as a tap elsewhere does
    shot(page, "pickers-item-scope-390")
    assert_whole_on_the_phone(page)

    page.click("button.primary:has-text('保存草稿')")
    page.wait_for_url(re.compile(rf".*/items/versions/{version.pk}/$"))
    version.refresh_from_db()
    assert version.scope == {"industries": ["62"], "regions": [towns[1].code], "tags": ["catering"]}

    # Reopened, the picks are shown as chosen and can be removed with ×.
    page.goto(f"{page.base_url}/items/versions/{version.pk}/edit/")
    chosen = page.locator("#id_scope_regions-ts-control").locator("..")
    expect(chosen).to_contain_text("埭头镇")
    chosen.locator(".item .remove").click()
    page.click("button.primary:has-text('保存草稿')")
    page.wait_for_url(re.compile(rf".*/items/versions/{version.pk}/$"))
    version.refresh_from_db()
    assert version.scope == {"industries": ["62"], "tags": ["catering"]}
    assert_whole_on_the_phone(page)


def test_plan_entry_items_are_picked_by_typing(phone, scjg_admin, coordinator, scjg, draft_plan):
    page = phone
    health = make_item(actor=scjg_admin, department=scjg, code="SCJG-PICK-2", name="公共场所卫生监督检查")
    publish(health, actor=scjg_admin, coordinator=coordinator)

    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/plans/{draft_plan.pk}/entries/new/")
    page.fill("#id_code", "E2")
    page.fill("#id_name", "公共场所卫生抽查")
    pick(page, "id_items", "卫生", "SCJG-PICK-2 公共场所卫生监督检查（市场监管）")
    page.select_option("#id_lead_department", str(scjg.pk))
    page.fill("#id_window_start", "2027-04-01")
    page.fill("#id_window_end", "2027-09-30")
    shot(page, "pickers-plan-entry-390")
    assert_whole_on_the_phone(page)

    page.click("button.primary:has-text('保存')")
    page.wait_for_url(re.compile(rf".*/plans/{draft_plan.pk}/.*"))
    entry = PlanEntry.objects.get(plan=draft_plan, code="E2")
    assert [i.code for i in entry.items.all()] == ["SCJG-PICK-2"]


def test_inspector_jurisdictions_are_picked_and_qualifications_ticked(phone, scjg_admin, scjg, towns):
    page = phone
    QualificationFactory(code="picker_test", name="测试专用执法资格")
    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/inspectors/new/")
    page.select_option("#id_department", str(scjg.pk))
    page.fill("#id_name", "李检查")
    page.select_option("#id_kind", "external_expert")  # needs no certificate
    page.get_by_label("测试专用执法资格").check()
    pick(page, "id_jurisdictions", "天目", "天目湖镇")
    shot(page, "pickers-inspector-390")
    assert_whole_on_the_phone(page)
    page.click("button.primary:has-text('保存')")
    page.wait_for_url(re.compile(r".*/inspectors/\d+/$"))
    inspector = Inspector.objects.get(name="李检查")
    assert [r.code for r in inspector.jurisdictions.all()] == [towns[2].code]
    assert [q.code for q in inspector.qualifications.all()] == ["picker_test"]
