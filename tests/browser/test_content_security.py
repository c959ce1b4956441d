"""Issue 11, item 14, in a real browser: the pages that run script (htmx, the API docs' Swagger
UI) work under the Content-Security-Policy, and the policy blocks an injected inline script.
(The page fixture fails any journey in which the policy blocked something.)"""

import pytest

from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_under_the_policy(page, coordinator):
    log_in(page, coordinator)
    page.goto(f"{page.base_url}/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    shot(page, "api-docs")


def test_htmx_runs_and_an_injected_inline_script_does_not(page, coordinator):
    log_in(page, coordinator)
    page.goto(f"{page.base_url}/tasks/")
    assert page.evaluate("typeof window.htmx") == "object", "htmx (served here) runs"
    # What an XSS would try: an inline script element added to the page.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; "
        "document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    assert any("inline script" in m for m in page.csp_blocked), page.csp_blocked
    page.csp_blocked.clear()  # the one block this test provoked
