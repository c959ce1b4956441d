"""Deciding merge proposals in bulk on a phone (issue 12, item 6): the coordinator opens 合并检查
at 390 px from the home page's 待办, narrows the proposals to one department, ticks a page at
once, declines one with a reason and confirms the rest — each step asked for first."""

import pytest

from spotcheck.inspections.models import MergeDecline, MergedVisit
from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _whole(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def test_coordinator_decides_proposals_in_bulk_on_a_phone(page, coordinator, scjg_task, wsjk_task):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, coordinator)
    shot(page, "merge-bulk-390-home")
    page.get_by_role("link", name="12 条合并建议待确认或不予合并").click()
    page.wait_for_url("**/inspections/merges/")
    assert _whole(page)
    page.select_option("#id_department", label="卫健")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**department=*")
    assert page.locator("input[name=proposal]").count() == 12
    shot(page, "merge-bulk-390-filtered")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert _whole(page)
    shot(page, "merge-bulk-1280-filtered")
    page.set_viewport_size({"width": 390, "height": 844})

    # One declined, with a reason; the dialog says what follows, and cancelling posts nothing.
    page.locator("input[name=proposal]").first.check()
    page.fill("#id_reason", "该企业停业装修")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="不予合并所选建议").click()
    assert not MergeDecline.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="不予合并所选建议").click()
    page.get_by_text("已对 1 条合并建议记录不予合并").wait_for()
    assert MergeDecline.objects.get().reason == "该企业停业装修"

    # The rest at once: "select all on this page".
    page.get_by_label("全选本页").check()
    assert page.locator("input[name=proposal]:checked").count() == 11
    assert _whole(page)
    shot(page, "merge-bulk-390-all-chosen")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认合并所选建议").click()
    page.get_by_text("已确认 11 条合并建议").wait_for()
    assert MergedVisit.objects.count() == 11
    assert "没有符合条件的合并建议" in page.content()
    shot(page, "merge-bulk-390-done")
