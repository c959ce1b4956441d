"""Approving a task's visits on a phone (issue 13, item 2): the approver opens 待审批 from the
home page, approves two visits by checkbox, then the rest from the task page in one click —
each asked for first — and prints the 行政检查审批表."""

import pytest

from spotcheck.inspections.models import VisitApproval
from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _whole(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def test_approver_approves_some_then_all_on_a_phone(page, scjg_approver, scjg_task):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, scjg_approver)
    page.get_by_role("link", name="1 个抽查任务的检查待审批").click()
    page.wait_for_url("**/inspections/approvals/")
    page.get_by_role("link", name=scjg_task.title).click()
    page.wait_for_url(f"**/inspections/tasks/{scjg_task.pk}/approval/")
    assert _whole(page)
    boxes = page.locator("input[name=visits]")
    assert boxes.count() == 12
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="批准所选检查").click()
    assert not VisitApproval.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="批准所选检查").click()
    page.get_by_text("已审批 2 个检查。").wait_for()
    assert VisitApproval.objects.count() == 2
    assert _whole(page)
    shot(page, "approval-390-page")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert _whole(page)
    shot(page, "approval-1280-page")
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("link", name=scjg_task.code).first.click()
    page.wait_for_url(f"**/tasks/{scjg_task.pk}/")
    assert page.get_by_text("已审批 2 个检查，待审批 10 个。").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="批准全部检查").click()
    page.get_by_text("已审批 10 个检查。").wait_for()
    assert VisitApproval.objects.count() == 12

    page.goto(page.url.split("/tasks/")[0] + f"/inspections/tasks/{scjg_task.pk}/approval/print/")
    assert page.get_by_role("heading", name="行政检查审批表").is_visible()
    assert _whole(page)
    shot(page, "approval-390-print")
