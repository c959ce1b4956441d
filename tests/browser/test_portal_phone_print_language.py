"""The portal on a phone, on paper and in English (issue 14, item 9; portal14).

With one result published: every portal page reached from `/` fits 390 px without sideways
scrolling; the result notice, the task notice and the plan print black on white without the
header, menus, forms and buttons (print-media screenshots in test-artifacts/portal-print-*.png);
the language switch turns the page English and back, on the same page; on a host of its own
(SPOTCHECK_PORTAL_HOSTS) the portal works in a real browser and nothing of the staff's answers."""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from spotcheck.publication.models import ResultNotice
from spotcheck.publication.services import results_publish
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, shot
from tests.publication.conftest import final_result  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]

PHONE = {"width": 390, "height": 800}
A4_PRINTABLE = {"width": 680, "height": 1000}
NOT_PAGES = (".json", ".jsonl", ".py")


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def published(final_result, scjg_admin, published_plan):  # noqa: F811 (the imported fixture)
    """One published result of 市场监管's drawn task, and a published plan."""
    results_publish(actor=scjg_admin, task=final_result.visit.task)
    return ResultNotice.objects.get(task=final_result.visit.task)


def _sideways(page) -> int:
    """How many pixels the page is wider than the window (0: none)."""
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    return max(0, width - inner)


def _portal_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href).url
        path = urlsplit(url).path
        portal = path == "/" or path.startswith("/public/")
        if url.startswith(origin + "/") and portal and not path.endswith(NOT_PAGES):
            found.append(url)
    return found


def test_every_portal_page_fits_a_phone(page, live_server, published):
    origin = live_server.url
    page.set_viewport_size(PHONE)
    queue, seen, problems, visited = deque([origin + "/"]), {origin + "/"}, [], []
    while queue and len(visited) < 60:
        url = queue.popleft()
        response = page.goto(url)
        assert response.status == 200, url
        visited.append(urlsplit(url).path)
        if over := _sideways(page):
            problems.append(f"{url.removeprefix(origin)} scrolls sideways by {over} px")
        for link in _portal_links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert not problems, "\n".join(problems)
    obj = published.task.visits.get(result__isnull=False).inspection_object
    for must in (
        "/",
        "/public/plans/",
        f"/public/plans/{published.task.plan_entry.plan_id}/" if published.task.plan_entry_id else "/public/plans/",
        f"/public/tasks/{published.task.code}/",
        "/public/results/",
        f"/public/results/{published.pk}/",
        f"/public/enterprises/{obj.public_code}/",
        "/public/check/",
        "/public/verify/",
        "/public/audit-anchors/",
    ):
        assert must in visited, f"{must} was not reached from /: {visited}"
    page.goto(f"{origin}/public/results/{published.pk}/")
    shot(page, "portal-every-page-result-notice-390")
    page.goto(origin + "/")
    shot(page, "portal-index-390")


def test_notices_print_black_on_white_without_the_page_furniture(page, live_server, published, published_plan):
    origin = live_server.url
    # An A4 page's printable width (210 mm less the margins), narrower than the 760 px at which
    # the screen's stylesheet stacks tables for phones.
    page.set_viewport_size(A4_PRINTABLE)
    pages = {
        "result-notice": f"/public/results/{published.pk}/",
        "task-notice": f"/public/tasks/{published.task.code}/",
        "plan": f"/public/plans/{published_plan.pk}/",
    }
    for name, path in pages.items():
        page.goto(origin + path)
        assert page.locator("header.topbar").is_visible()
        page.emulate_media(media="print")
        for furniture in ("header.topbar", "footer.footer", "form", "button", "a.button", "nav", ".draw-verifier"):
            shown = [e for e in page.locator(furniture).all() if e.is_visible()]
            assert not shown, f"{name}: {furniture} is printed"
        assert page.locator("h1").first.is_visible()
        # Black on white, links as text.
        colours = page.evaluate(
            """() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color,
                      ...[...document.querySelectorAll('main a')].map(a => getComputedStyle(a).color)]"""
        )
        assert colours[0] == "rgb(255, 255, 255)" and set(colours[1:]) <= {"rgb(0, 0, 0)"}, (name, colours)
        # Tables stay tables on an A4 page (not stacked as on a phone), their heads repeated.
        for table in page.locator("main table.list").all():
            assert table.evaluate("t => getComputedStyle(t.tHead).display") == "table-header-group", name
        back = page.locator("main.content > p:first-child a")
        assert back.count() == 0 or not back.first.is_visible(), f"{name}: the back link is printed"
        shot(page, f"portal-print-{name}")
        # An A4 PDF of the notice: the print path a visitor takes, in the browser's own engine.
        assert page.pdf(format="A4")[:4] == b"%PDF"
        page.emulate_media(media="screen")
    # The result notice's own text is what is printed.
    page.goto(origin + pages["result-notice"])
    page.emulate_media(media="print")
    printed = page.locator("main").inner_text()
    assert published.title in printed and "统一社会信用代码" in printed
    page.emulate_media(media="screen")


def test_the_language_switch_keeps_the_page(page, live_server, published):
    origin = live_server.url
    page.set_viewport_size(PHONE)
    here = f"{origin}/public/results/{published.pk}/"
    page.goto(here)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(here)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Double Random, One Public: Public Disclosure" in page.title()
    assert _sideways(page) == 0
    shot(page, "portal-result-notice-en-390")
    page.goto(origin + "/")  # the choice stays for the next page
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="中文").click()
    page.wait_for_url(origin + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "双随机、一公开 公示" in page.title()


def test_the_portal_on_a_host_of_its_own(_browser, live_server, settings, published):
    host = "gongshi.example.gov.cn"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    settings.SPOTCHECK_PORTAL_HOSTS = [host]
    port = live_server.url.rsplit(":", 1)[1]
    origin = f"http://{host}:{port}"
    browser = _browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {host} 127.0.0.1"], headless=True
    )
    try:
        page = browser.new_page(locale="zh-CN", viewport=PHONE)
        response = page.goto(origin + "/")
        assert response.status == 200 and page.locator("h1").inner_text() == "双随机、一公开 公示"
        # The stylesheet came (WhiteNoise serves static files on every host): the header is red.
        assert page.evaluate("() => getComputedStyle(document.querySelector('.topbar')).backgroundColor") == (
            "rgb(179, 38, 30)"
        )
        assert page.get_by_role("link", name="工作人员登录").count() == 0
        page.get_by_role("link", name=published.title).click()
        page.wait_for_url(f"{origin}/public/results/{published.pk}/")
        # The language switch (a link; load14) on this host, back to the same page.
        page.get_by_role("link", name="English").click()
        page.wait_for_url(f"{origin}/public/results/{published.pk}/")
        assert page.locator("html").get_attribute("lang") == "en"
        shot(page, "portal-host-result-notice-en-390")
        for staff in ("/work/", "/accounts/login/", "/admin/", "/api/v1/docs/", "/objects/"):
            response = page.goto(origin + staff)
            assert response.status == 404, staff
            assert (
                page.get_by_role("link", name="Back to the public portal").count()
                + page.get_by_role("link", name="返回公示首页").count()
                == 1
            ), staff
        shot(page, "portal-host-404-390")
    finally:
        browser.close()
