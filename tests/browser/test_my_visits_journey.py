"""An inspector on a phone (390 px): from the home page's 待办 to 我的检查, then to a merged
visit's page and its one checklist (一表通查) of both departments' items."""

import pytest

from spotcheck.inspections import services
from tests.browser_support import log_in, shot
from tests.fixtures.visits import link_inspector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def test_an_inspector_opens_a_merged_visit_from_the_home_page(
    page, scjg_inspector, scjg_approver, merged, health_item, wsjk
):
    merged_visit, (ours, _theirs) = merged
    link_inspector(scjg_inspector, ours.members.first().inspector)
    # The home page's 待实施 counts visits that may go ahead (approved), not yet checked in.
    services.visits_approve(actor=scjg_approver, task=ours.task, visits=[ours])
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, scjg_inspector)
    page.get_by_role("link", name="项检查待实施").click()
    page.locator("#my-visits").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "my-visits-390")
    page.get_by_role("link", name=ours.inspection_object.name).first.click()
    page.locator("#checklist").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "visit-page-390")
    checklist = page.locator("#checklist")
    assert checklist.get_by_text(wsjk.name).count() == 1
    assert checklist.get_by_text(health_item.item.code).count() == 1
    assert page.locator("#merged-visit").get_by_text(merged_visit.code).count() == 1
    page.set_viewport_size({"width": 1280, "height": 900})
    _no_sideways_scrolling(page)
    shot(page, "visit-page-1280")
    page.goto(f"{page.base_url}/inspections/mine/")
    shot(page, "my-visits-1280")
