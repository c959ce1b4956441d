"""后续处置 on a phone (issue 13, item 9): an inspector finds the problem item among 待处置, orders
a 责令改正 with its due date, 抄告s 卫健 — whose admin finds it in the inbox and marks it — and
prints the 检查结果告知 (print media, A4) for the enterprise."""

import datetime as dt

import pytest
from django.utils import timezone

from spotcheck.followups.models import FollowUp
from tests.browser_support import log_in, shot
from tests.fixtures.followups import make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _whole(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def test_inspector_orders_a_rectification_and_prints_the_notice(page, scjg_inspector, wsjk_admin, problem_visit, wsjk):
    make_result(problem_visit, actor=scjg_inspector)
    obj = problem_visit.inspection_object
    due = timezone.localdate() + dt.timedelta(days=15)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, scjg_inspector)
    page.goto(f"{page.base_url}/followups/?state=pending")
    assert _whole(page)
    shot(page, "followups-390-pending")
    page.get_by_role("link", name=obj.name).click()
    page.wait_for_url("**/followups/items/*/")
    page.get_by_label("责令改正").check()
    page.get_by_label("整改期限").fill(due.isoformat())
    page.get_by_label("处置说明").fill("限 15 日内补报并公示年度报告")
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("已登记后续处置。").wait_for()
    page.get_by_label("抄告相关部门").check()
    page.get_by_label("抄告部门").select_option(label=wsjk.name)
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("已登记后续处置。").wait_for()
    assert set(FollowUp.objects.values_list("kind", flat=True)) == {"rectify", "notify"}
    assert _whole(page)
    shot(page, "followups-390-item")

    page.get_by_role("link", name="检查结果告知").click()
    page.wait_for_url(f"**/followups/visits/{problem_visit.pk}/notice/")
    page.emulate_media(media="print")
    assert page.get_by_role("heading", name="检查结果告知书").is_visible()
    assert page.get_by_text(due.strftime("%Y年%-m月%-d日"), exact=False).first.is_visible()
    assert not page.locator(".topbar").is_visible(), "printed: only the document"
    assert _whole(page)
    shot(page, "followups-390-notice-print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot(page, "followups-a4-notice-print")
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    log_in(page, wsjk_admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/followups/inbox/")
    assert page.get_by_text(obj.name).first.is_visible()
    page.get_by_role("button", name="标记已阅").click()
    page.get_by_text("已标记为已阅。").wait_for()
    page.get_by_label("处理情况").fill("已列入本部门检查计划")
    page.get_by_role("button", name="标记已处理").click()
    page.get_by_text("已标记为已处理。").wait_for()
    assert _whole(page)
    shot(page, "followups-390-inbox")
    notice = FollowUp.objects.get(kind="notify")
    assert notice.notice_handled_note == "已列入本部门检查计划"
