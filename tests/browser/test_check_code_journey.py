"""检查码 on a phone (390 px): the inspector opens an approved visit, shows its code, checks in
with the browser's location, prints the checklist and the 现场检查笔录 (print media); the
enterprise scans the code, reads the public page and rates the visit."""

import pytest

from spotcheck.inspections.models import VisitCheckIn, VisitCode, VisitFeedback
from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def test_check_in_print_and_the_enterprises_page(page, _browser, live_server, scjg_inspector, approved_visit):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 31.4321, "longitude": 119.4845, "accuracy": 30})
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, scjg_inspector)
    page.goto(f"{page.base_url}/inspections/visits/{approved_visit.pk}/")
    page.locator("#check-code svg.qr").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "check-code-visit-390")

    page.get_by_role("button", name="登记到场").click()
    page.locator("#check-in .badge.ok").wait_for()
    check_in = VisitCheckIn.objects.get(visit=approved_visit)
    assert float(check_in.latitude) == pytest.approx(31.4321) and check_in.accuracy == 30
    assert "纬度 31.432100" in page.locator("#check-in").inner_text()
    shot(page, "check-in-done-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in (("checklist", "print/checklist/"), ("record", "print/record/")):
        page.goto(f"{page.base_url}/inspections/visits/{approved_visit.pk}/{path}")
        page.locator(".print-doc").wait_for()
        page.emulate_media(media="print")
        assert not page.locator("header.topbar").is_visible()
        assert not page.locator("[data-print]").is_visible()
        shot(page, f"print-{name}")
        page.emulate_media(media="screen")
        assert page.locator("[data-print]").is_visible()
        page.set_viewport_size({"width": 390, "height": 800})
        _no_sideways_scrolling(page)
        page.set_viewport_size({"width": 1280, "height": 900})

    # The enterprise: no login, on its phone.
    code = VisitCode.objects.get(visit=approved_visit).code
    context = _browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
    public = context.new_page()
    public.goto(f"{live_server.url}/public/check/")
    public.fill("#id_code", code.lower())
    public.get_by_role("button", name="核验").click()
    public.locator("#verdict").wait_for()
    assert "已审批" in public.locator("#verdict").inner_text()
    _no_sideways_scrolling(public)
    public.locator("input[name=rating][value='5']").check()
    public.fill("#id_complaint", "检查规范，效率高。")
    public.get_by_role("button", name="提交").click()
    public.locator("#feedback .badge.ok").wait_for()
    assert VisitFeedback.objects.get(visit=approved_visit).rating == 5
    _no_sideways_scrolling(public)
    shot(public, "check-code-public-390")
    public.goto(f"{live_server.url}/public/check/NOPE/")
    assert "检查码无效" in public.locator("h1").inner_text()
    shot(public, "check-code-invalid-390")
    context.close()
