"""The search in a real browser (issue 14's quality bar; search14), on a phone (390 px) and a
desktop (1280 px): search an enterprise by two characters, open its page."""

import pytest

from tests.browser_support import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.mark.parametrize("width", [390, 1280])
def test_search_by_two_characters_and_open_the_enterprise(page, published, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base_url}/public/")
    page.fill("#id_index_q", "五")
    page.click("#result-search button[type=submit]")
    # One character: the message, no results.
    assert "名称请至少输入两个字" in page.inner_text("main")
    shot(page, f"portal-search-one-character-{width}")
    page.fill("#id_q", "五金")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#search-total")
    assert "符合条件的企业共 2 家" in page.inner_text("#search-total")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    assert "***五金店" in rows.nth(0).inner_text() and "王小明" not in page.content()
    # Nothing wider than the screen on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"portal-search-results-{width}")
    page.click("text=溧阳市金鼎五金有限公司")
    page.wait_for_url(f"**/public/enterprises/{published[0].public_code}/")
    assert "溧阳市金鼎五金有限公司" in page.inner_text("h1")
    assert "MARKER-LEGALREP" not in page.content() and "MARKER-ADDRESS" not in page.content()
    shot(page, f"portal-search-enterprise-{width}")
