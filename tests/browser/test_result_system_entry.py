"""A result a department's system entered and confirmed for the team's officers (api13), as the
department admin reads it on a phone: the result page and the revisions say "由 {系统} 代 {姓名}
录入", the confirmation says it came through the system."""

import pytest

from spotcheck.accounts.api_tokens import api_token_issue
from spotcheck.results import services
from tests.browser_support import log_in, shot
from tests.fixtures.results import result_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def test_the_admin_reads_who_entered_it_through_the_system(page, result_approved, scjg, scjg_admin):
    visit = result_approved
    officer = visit.members.select_related("inspector").order_by("position").first().inspector
    system = api_token_issue(actor=scjg_admin, name="许可审批系统", department=scjg, role="dept_admin").token.user
    result = services.result_save(
        actor=system, visit=visit, data=result_data(visit), base_revision=None, entered_for=officer.pk
    )
    services.result_confirm(actor=system, visit_result=result, revision=1, inspector=officer.pk)
    label = f"由 许可审批系统 代 {officer.name} 录入"

    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/results/visits/{visit.pk}/")
    assert label in page.locator("main").inner_text()
    assert "由 许可审批系统 代为确认" in page.locator("#confirmations").inner_text()
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    shot(page, "result-entered-by-system-390")
    page.goto(f"{page.base_url}/results/visits/{visit.pk}/revisions/")
    assert label in page.locator("#revision-1").inner_text()
    shot(page, "result-revisions-by-system-390")
