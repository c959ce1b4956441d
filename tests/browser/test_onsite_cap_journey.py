"""无事不扰 per body on a phone (i13-onsite, issue 13 item 11): the coordinator follows the home
page's 待办 to an over-cap on-site inspection, marks it read, and sets 卫健's own cap on the rules
page; 市场监管's admin withdraws a check-in recorded by mistake."""

import pytest
from django.utils import timezone

from spotcheck.draws import onsite
from spotcheck.draws.models import OnSiteInspection
from tests.browser_support import log_in, shot
from tests.draws.onsite_support import earlier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _whole(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def over_cap_row(scjg_task, scjg, scjg_admin, scjg_inspector):
    visit = scjg_task.visits.order_by("pk").first()
    earlier(visit.inspection_object, scjg, scjg_admin, 10)
    earlier(visit.inspection_object, scjg, scjg_admin, 20)
    (row,) = onsite.onsite_inspection_record(
        actor=scjg_inspector, visit=visit, inspected_at=timezone.now(), over_cap_reason="群众举报线索复查"
    )
    return row


def test_coordinator_reads_the_flag_and_sets_a_cap_on_a_phone(page, coordinator, wsjk, over_cap_row):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, coordinator)
    page.get_by_role("link", name="1 次超上限现场检查待阅").click()
    page.wait_for_url("**/tasks/rules/over-cap/?state=review")
    assert page.get_by_text("群众举报线索复查").is_visible()
    assert _whole(page)
    shot(page, "onsite-390-over-cap")
    page.get_by_role("button", name="已阅").click()
    page.get_by_text("已阅。").wait_for()
    assert OnSiteInspection.objects.get(pk=over_cap_row.pk).reviewed_by_id == coordinator.pk

    page.goto(f"{page.base_url}/tasks/rules/")
    assert page.get_by_role("heading", name="现场检查年度上限（各部门）").is_visible()
    assert _whole(page)
    shot(page, "onsite-390-rules")
    page.locator(f"a[href='/tasks/rules/onsite/{wsjk.pk}/']").click()
    page.get_by_label("本部门上限").check()
    page.get_by_label("每年对同一对象最多现场检查次数").fill("3")
    assert _whole(page)
    shot(page, "onsite-390-cap-form")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存溧阳市卫生健康委员会的现场检查年度上限。").wait_for()
    assert onsite.cap_of(wsjk) == 3
    page.set_viewport_size({"width": 1280, "height": 900})
    assert _whole(page)
    shot(page, "onsite-1280-rules")


def test_the_department_withdraws_a_check_in_on_a_phone(page, scjg_admin, over_cap_row):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/tasks/rules/onsite/inspections/")
    page.get_by_label("撤回原因").first.fill("检查组误扫码登记")
    page.get_by_role("button", name="撤回").first.click()
    page.get_by_text("已撤回该现场检查记录，不再计入年度上限。").wait_for()
    assert OnSiteInspection.objects.get(pk=over_cap_row.pk).withdrawn_reason == "检查组误扫码登记"
    assert _whole(page)
    shot(page, "onsite-390-withdrawn")
