"""Publishing a task's results (issue 14, item 1) in a real browser: the department admin opens
结果公示 from the home page's 待办, publishes the task's final result; the public reads the result
notice and the enterprise's page on a phone (390 px)."""

import pytest

from spotcheck.publication.models import PublishedResult
from spotcheck.results import services as result_services
from tests.browser_support import log_in, shot
from tests.fixtures.results import result_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def test_publish_and_read_it_on_the_portal(page, _browser, result_officers, result_approved, scjg_admin):
    first, second = result_officers
    result = result_services.result_save(
        actor=first, visit=result_approved, data=result_data(result_approved), base_revision=None
    )
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    task = result_approved.task
    obj = result_approved.inspection_object

    log_in(page, scjg_admin)
    page.get_by_role("link", name="1 个抽查任务有检查结果待公示").click()
    page.get_by_role("link", name=f"{task.code} {task.title}").click()
    assert "待公示 1" in page.locator("main").inner_text()
    shot(page, "publication-task-1280")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="公示全部待公示的检查结果（1 个）").click()
    page.get_by_text("已公示 1 个检查结果。").wait_for()
    row = PublishedResult.objects.get()
    assert row.visit_result_id == result.pk and row.state == "current" and row.published_by == scjg_admin
    shot(page, "publication-task-published-1280")

    public = _browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844})
    phone = public.new_page()
    phone.goto(f"{page.base_url}/public/")
    phone.get_by_role("link", name=row.notice.title).first.click()
    main = phone.locator("main").inner_text()
    assert obj.name in main and "未发现问题" in main and "按时" in main
    _no_sideways_scrolling(phone)
    shot(phone, "portal-result-notice-390")
    phone.get_by_role("link", name=obj.name).click()
    main = phone.locator("main").inner_text()
    assert obj.name in main and task.lead_department.name in main and task.code in main
    _no_sideways_scrolling(phone)
    shot(phone, "portal-enterprise-390")
    public.close()
