"""The staff site's navigation on a phone (gaps13): at 390 px the links fold into a 菜单
disclosure (<details>, no script) with 提醒 and its unread count left in the bar; at 1280 px the
row of links is as it was. Either way nothing scrolls sideways and every link can be reached —
with the keyboard too."""

import pytest

from spotcheck.notices.services import NoticeDraft, notices_send
from tests.browser_support import log_in, shot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def _reachable(page, links) -> list[str]:
    """The hrefs of ``links``, each checked visible and whole inside the viewport's width."""
    width = page.evaluate("() => window.innerWidth")
    hrefs = []
    for i in range(links.count()):
        link = links.nth(i)
        assert link.is_visible(), link.inner_text()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link.inner_text(), box)
        hrefs.append(link.get_attribute("href"))
    return hrefs


@pytest.fixture
def many_roles(sysadmin, scjg):
    """The system admin with the roles that bring the other links: the longest menu there is."""
    for role in ("coordinator", "dept_admin", "inspector", "auditor"):
        MembershipFactory(user=sysadmin, department=scjg, role=role)
    return sysadmin


def test_the_menu_folds_on_a_phone_and_not_on_a_desktop(page, many_roles):
    notices_send([NoticeDraft(user_id=many_roles.pk, kind="publication_due", key="gaps13-nav", title="测试提醒")])
    log_in(page, many_roles)

    # Desktop: the row of links, no menu button.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/")
    desktop_nav = page.locator("header nav.mainnav")
    assert desktop_nav.is_visible() and not page.locator(".navmenu summary").is_visible()
    desktop = _reachable(page, desktop_nav.locator("a")) + _reachable(page, page.locator(".usermenu .account-links a"))
    assert len(desktop) >= 12 and "/workdays/" in desktop and "/notices/" in desktop
    page.locator("header nav.mainnav [data-unread-badge] [data-unread]").wait_for()
    _no_sideways_scrolling(page)
    shot(page, "nav-1280")

    # Phone: the bar is one line (brand, 提醒 with its count, 菜单) and the menu opens to every link.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/")
    assert not desktop_nav.is_visible()
    notices = page.locator(".phonenav-notices")
    badge = notices.locator("[data-unread-badge] [data-unread]")
    badge.wait_for()
    assert notices.is_visible() and badge.get_attribute("data-unread") == "1"
    summary = page.locator(".navmenu > summary")
    brand, menu = page.locator("a.brand").bounding_box(), summary.bounding_box()
    assert menu["y"] < brand["y"] + brand["height"], (brand, menu)  # on the brand's line
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 100, header  # that line and the user's: no wall of links
    assert summary.is_visible() and summary.inner_text().strip().endswith("菜单")
    _no_sideways_scrolling(page)
    shot(page, "nav-390-closed")

    # By keyboard: Tab reaches 提醒 and then 菜单; Enter opens it; the links follow in Tab order.
    page.locator("a.brand").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('phonenav-notices')")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details.navmenu").get_attribute("open") is not None
    page.keyboard.press("Tab")
    first = page.locator(".navmenu-links a").first
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == first.get_attribute("href")
    phone = [notices.get_attribute("href"), *_reachable(page, page.locator(".navmenu-links a"))]
    assert sorted(phone) == sorted(desktop)
    _no_sideways_scrolling(page)
    shot(page, "nav-390-open")

    # A link in the menu goes where it says; the menu is closed again on the next page.
    page.locator(".navmenu-links").get_by_role("link", name="工作日历").click()
    page.wait_for_url("**/workdays/")
    assert page.locator("details.navmenu").get_attribute("open") is None
    page.locator(".navmenu > summary").click()
    assert page.locator(".navmenu-links a[aria-current=page]").inner_text() == "工作日历"
    # The summary closes it again.
    page.locator(".navmenu > summary").click()
    assert not page.locator(".navmenu-links").is_visible()
    _no_sideways_scrolling(page)
