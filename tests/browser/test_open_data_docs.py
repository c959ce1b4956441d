"""The open data API's docs page in Chromium (open14): Swagger UI from the installed sidecar
renders the public schema for a visitor who is not logged in — no CDN, nothing blocked by the
Content-Security-Policy — and "Try it out" on a list answers with its paging metadata."""

import pytest

from tests.browser_support import shot


@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_the_open_data_docs(page, live_server):
    external = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or external.append(r.url))
    page.goto(f"{page.base_url}/public/api/v1/docs/")
    page.wait_for_selector("text=/public/api/v1/results/")
    for path in ("/public/api/v1/items/", "/public/api/v1/tasks/{code}/record/", "/public/api/v1/codes/"):
        assert page.locator(f"text={path}").count() >= 1
    shot(page, "open14-docs")
    page.click("#operations-results-results_list .opblock-summary")
    page.click("#operations-results-results_list .try-out__btn")
    page.click("#operations-results-results_list .execute")
    page.wait_for_selector("#operations-results-results_list .response .highlight-code")
    assert '"total": 0' in page.locator("#operations-results-results_list .response .highlight-code").first.inner_text()
    shot(page, "open14-docs-try")
    assert not external, external
