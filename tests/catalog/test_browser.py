"""The item form in a real browser: the live match count of the scope (htmx) and the filing
round trip. Skips without Chromium (see tests/browser_support.py)."""

import re

import pytest
from playwright.sync_api import expect

from spotcheck.catalog.models import ItemVersion
from tests.browser_support import log_in, shot
from tests.factories import InspectionObjectFactory, TagFactory, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scope_count_updates_live_and_draft_is_filed(page, scjg_admin, coordinator, scjg, towns):
    catering = TagFactory(code="catering", name="餐饮服务")
    TagFactory(code="key_supervision", name="重点监管")
    InspectionObjectFactory(tags=[catering], region=towns[0])
    InspectionObjectFactory(tags=[catering], region=towns[1])
    InspectionObjectFactory(region=towns[2])
    item = make_item(actor=scjg_admin, department=scjg, code="SCJG-WEB-1")
    version = item.versions.get()

    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/items/versions/{version.pk}/edit/")
    count = page.locator("#scope-count")
    assert "当前匹配 3 个检查对象" in count.inner_text()
    page.check("#id_scope_tags input[value='catering']")  # a short list: checkboxes
    expect(count).to_contain_text("当前匹配 2 个")  # a locator wait: the CSP forbids string eval
    regions = page.locator("#id_scope_regions-ts-control")  # a long one: the searchable picker
    regions.click()
    regions.press_sequentially("溧城")
    page.locator("#id_scope_regions-ts-dropdown .option", has_text=towns[0].name).click()
    expect(count).to_contain_text("当前匹配 1 个")
    shot(page, "catalog-item-form")

    page.click("button.primary:has-text('保存草稿')")
    page.wait_for_url(re.compile(rf".*/items/versions/{version.pk}/$"))
    version.refresh_from_db()
    assert version.scope == {"regions": [towns[0].code], "tags": ["catering"]}
    page.click("button:has-text('提交备案')")
    page.wait_for_selector("text=已提交备案")
    version.refresh_from_db()
    assert version.status == ItemVersion.Status.FILING

    page.click("form[action$='/accounts/logout/'] button")
    log_in(page, coordinator)
    page.goto(f"{page.base_url}/items/filings/")
    page.click("a:has-text('审查')")
    page.fill("#id_note", "同意备案")
    page.click("button:has-text('备案通过并公布')")
    page.wait_for_selector("text=已备案并公布 v1")
    item.refresh_from_db()
    assert item.current_version_id == version.pk
    page.goto(f"{page.base_url}/items/{item.pk}/")
    assert "当前匹配 1 个检查对象" in page.locator("#scope-live-count").inner_text()
    shot(page, "catalog-item-detail")
    page.goto(f"{page.base_url}/items/?status=published")
    assert page.locator("table.list tbody tr").count() == 1
    shot(page, "catalog-item-list")
    page.goto(f"{page.base_url}/items/versions/{version.pk}/checklist/")
    page.emulate_media(media="print")
    assert not page.locator(".noprint").is_visible()
    shot(page, "catalog-checklist-print")
