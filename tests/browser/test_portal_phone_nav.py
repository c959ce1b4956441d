"""The portal's navigation on a phone (gaps14, issue 14 item 9): at 390 px its links fold into a
菜单 disclosure (<details>, no script, as the staff site's since gaps13) that the keyboard opens;
the language switch (and the staff's way in) stay in the bar; at 1280 px the links are a row.
In Chinese and in English, with screenshots in test-artifacts/portal-nav-*.png."""

import pytest

from tests.browser_support import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MENU = {"zh-hans": "菜单", "en": "Menu"}
SWITCH = {"zh-hans": "English", "en": "中文"}


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def _reachable(page, links) -> list[str]:
    """The hrefs of ``links``, each visible and whole inside the viewport's width."""
    width = page.evaluate("() => window.innerWidth")
    hrefs = []
    for i in range(links.count()):
        link = links.nth(i)
        assert link.is_visible(), link.inner_text()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link.inner_text(), box)
        hrefs.append(link.get_attribute("href"))
    return hrefs


def _active(page, script: str):
    return page.evaluate(f"() => document.activeElement{script}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_portal_menu_folds_on_a_phone_and_opens_by_keyboard(page, language):
    origin = page.base_url
    page.goto(origin + "/public/search/")
    if language == "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_url(origin + "/public/search/")
    assert page.locator("html").get_attribute("lang") == language

    # Desktop: the row of links, no menu.
    page.set_viewport_size(DESKTOP)
    desktop_nav = page.locator("header nav.mainnav")
    summary = page.locator("header .navmenu > summary")
    assert desktop_nav.is_visible() and not summary.is_visible()
    desktop = _reachable(page, desktop_nav.locator("a"))
    assert len(desktop) >= 7 and "/public/search/" in desktop and "/public/verify/" in desktop
    row = {round(desktop_nav.locator("a").nth(i).bounding_box()["y"]) for i in range(2)}
    assert len(row) == 1, row  # inline, side by side
    _no_sideways_scrolling(page)
    shot(page, f"portal-nav-1280-{language}")

    # Phone: brand and 菜单 on one line, the language switch reachable in the bar.
    page.set_viewport_size(PHONE)
    page.reload()
    assert not desktop_nav.is_visible() and summary.is_visible()
    assert summary.inner_text().strip().endswith(MENU[language])
    brand, menu = page.locator("a.brand").bounding_box(), summary.bounding_box()
    assert menu["y"] < brand["y"] + brand["height"], (brand, menu)
    switch = page.get_by_role("link", name=SWITCH[language])
    assert switch.is_visible()
    assert page.locator("header.topbar").bounding_box()["height"] < 110
    assert not page.locator(".navmenu-links").is_visible()
    _no_sideways_scrolling(page)
    shot(page, f"portal-nav-390-closed-{language}")

    # Keyboard: from the brand, Tab reaches 菜单; Enter opens it; Tab walks its links in order.
    page.locator("a.brand").focus()
    page.keyboard.press("Tab")
    assert _active(page, ".tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details.navmenu").get_attribute("open") is not None
    links = page.locator(".navmenu-links a")
    phone = _reachable(page, links)
    assert phone == desktop
    for href in phone:
        page.keyboard.press("Tab")
        assert _active(page, ".getAttribute('href')") == href
    # Then on to the staff's way in and the language switch, still in the bar.
    page.keyboard.press("Tab")
    assert _active(page, ".getAttribute('href')") == "/accounts/login/"
    page.keyboard.press("Tab")
    assert _active(page, ".textContent.trim()") == SWITCH[language]
    _no_sideways_scrolling(page)
    shot(page, f"portal-nav-390-open-{language}")

    # Enter on a link goes there; the next page's menu is closed and marks where one is.
    for _ in range(len(phone) + 1):
        page.keyboard.press("Shift+Tab")
    assert _active(page, ".getAttribute('href')") == phone[0]
    page.keyboard.press("Enter")
    page.wait_for_url(origin + phone[0])
    assert page.locator("details.navmenu").get_attribute("open") is None
    summary.press("Enter")
    assert page.locator(".navmenu-links a[aria-current=page]").get_attribute("href") == phone[0]
    # Enter on 菜单 closes it again.
    summary.press("Enter")
    assert not page.locator(".navmenu-links").is_visible()
