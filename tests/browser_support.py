"""Real-browser test fixtures (a pytest plugin loaded by tests/conftest.py): Playwright driving
Debian's Chromium against a live server.

Without Chromium (a developer's laptop) they skip with a message; CI sets
SPOTCHECK_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping.
"""

import os
import shutil
import warnings
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("SPOTCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Chromium's own controls (a file input's "Choose File", a date input's "mm/dd/yyyy") in
    # the users' language, as on their machines.
    "--lang=zh-CN",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _unavailable(reason: str):
    if os.environ.get("SPOTCHECK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium, or run .ci/run)")


@pytest.fixture(scope="session")
def _browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard must be told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, request):
    context = _browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    # Every journey doubles as a check of the Content-Security-Policy: a script, style or image
    # the policy blocked shows as a console error, and fails the test.
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and blocked.append(f"{page.url} ({m.location['url']}): {m.text}"),
    )
    page.csp_blocked = blocked  # a test that provokes a block on purpose clears it
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    keep_picture(
        lambda: page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True),
        f"{request.node.name}-last",
    )
    context.close()
    assert not blocked, "the Content-Security-Policy blocked:\n" + "\n".join(blocked)


def log_in(page, user) -> None:
    """Log ``user`` in through the login page (every test user's password is PASSWORD)."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")


def shot(page, name: str) -> None:
    """Keep a screenshot for a person to look at (test-artifacts/, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    # From the top: Chromium cuts a full-page picture short when the page was opened at an anchor.
    page.evaluate("window.scrollTo(0, 0)")
    keep_picture(lambda: page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True), name)


def keep_picture(take, name: str) -> None:
    """Take a screenshot that is only kept for a person to look at: Chromium now and then
    answers "Unable to capture screenshot" on a loaded machine; try again, and if it still
    fails say so rather than fail the journey the picture was of."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            take()
            return
        except Error as exc:
            if attempt == 2:
                warnings.warn(f"screenshot {name} not taken: {exc}", stacklevel=2)
