"""企业说明/异议 and 投诉答复 on a phone (390 px; issue 14, item 4): the enterprise opens its page on
the portal, objects to a published result with its 检查码 and reads the status; the department
admin finds it in the home page's 待办, accepts it, and it shows beside the result; the
enterprise's complaint from the 检查码 page is answered and the answer shows there."""

import pytest

from spotcheck.inspections.check_in import visit_check_in
from spotcheck.inspections.feedback import visit_feedback_submit
from spotcheck.inspections.models import VisitCode
from spotcheck.replies.models import ComplaintAnswer, EnterpriseReply
from tests.browser_support import log_in, shot
from tests.replies.conftest import publish_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]

PHONE = {"width": 390, "height": 800}


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def test_the_enterprise_objects_and_complains_and_the_department_answers(
    page, _browser, live_server, result_officers, result_approved, scjg_admin
):
    visit = result_approved
    published = publish_result(result_officers, visit, scjg_admin, codes=("A", "D"))
    visit_check_in(actor=result_officers[0], visit=visit)
    visit_feedback_submit(visit=visit, rating=2, complaint="检查人员迟到半小时。", client_ip="203.0.113.5")
    code = VisitCode.objects.get(visit=visit).code
    obj = visit.inspection_object

    # The enterprise, on its phone, without login.
    context = _browser.new_context(locale="zh-CN", viewport=PHONE)
    public = context.new_page()
    public.set_default_timeout(15000)
    public.goto(f"{live_server.url}/public/enterprises/{obj.public_code}/")
    public.get_by_role("link", name="提交企业说明/异议").click()
    public.locator("#id_code").wait_for()
    _no_sideways_scrolling(public)
    shot(public, "reply-form-390")
    public.fill("#id_code", "ZZZZ-ZZZZ-ZZZZ")
    public.locator("input[name=kind][value=objection]").check()
    public.fill("#id_text", "检查当日我公司已在公示系统公示年报，请核实。")
    public.fill("#id_contact_name", "王经理")
    public.get_by_role("button", name="提交").click()
    public.locator(".errorbox").wait_for()
    assert "检查码与该检查结果不符" in public.locator(".errorbox").inner_text()
    assert public.locator("#id_text").input_value().startswith("检查当日")  # nothing typed is lost
    _no_sideways_scrolling(public)
    shot(public, "reply-form-wrong-code-390")
    public.fill("#id_code", code.lower())
    public.get_by_role("button", name="提交").click()
    public.locator("#replies .reply-status").wait_for()
    assert "待审核" in public.locator("#replies").inner_text()
    _no_sideways_scrolling(public)
    shot(public, "reply-status-pending-390")
    reply = EnterpriseReply.objects.get()
    assert reply.kind == "objection" and reply.contact_name == "王经理"

    # The department admin, on a phone too.
    page.set_viewport_size(PHONE)
    log_in(page, scjg_admin)
    page.get_by_role("link", name="1 份企业说明/异议待审核").click()
    page.locator("#reply-list").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "reply-list-390")
    page.locator("#reply-list a").first.click()
    page.locator("#review").wait_for()
    assert "王经理" in page.locator("#reply").inner_text()
    assert page.locator("#correction a").get_attribute("href") == f"/publication/tasks/{visit.task_id}/"
    _no_sideways_scrolling(page)
    shot(page, "reply-detail-390")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="采纳（在结果旁公开显示）").click()
    page.locator(".messages .msg-success").wait_for()
    reply.refresh_from_db()
    assert reply.status == "accepted"

    # The complaint's answer.
    page.goto(f"{page.base_url}/work/")
    page.get_by_role("link", name="1 条企业投诉待答复").click()
    page.locator("#complaint-list textarea").first.fill("经核查属实，已对检查人员提出批评。")
    page.get_by_role("button", name="答复").click()
    page.locator("#complaint-list .badge.ok").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "complaint-answered-390")
    assert ComplaintAnswer.objects.get().answered_by == scjg_admin

    # Back on the portal: the objection beside the result, the answer on the 检查码 page.
    public.goto(f"{live_server.url}/public/enterprises/{obj.public_code}/")
    row = public.locator(f"#r{published.pk}")
    assert "企业异议（已审核）" in row.inner_text() and "请核实" in row.inner_text()
    assert "王经理" not in public.content()
    _no_sideways_scrolling(public)
    shot(public, "reply-accepted-enterprise-390")
    public.goto(f"{live_server.url}/public/check/{code}/")
    answers = public.locator("#answers")
    assert "已对检查人员提出批评" in answers.inner_text() and "迟到半小时" not in public.content()
    _no_sideways_scrolling(public)
    shot(public, "complaint-answer-check-code-390")
    context.close()
