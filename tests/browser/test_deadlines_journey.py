"""On a phone (390 px): the system admin enters 2027 on the calendar page and reads its months;
a department admin follows the home page's 期限看板 to a list with a provisional deadline, and
the menu's unread count to the inbox."""

from __future__ import annotations

import datetime as dt

import pytest

from spotcheck.deadlines.reminders import reminders_send
from spotcheck.draws.models import Visit
from tests.browser_support import log_in, shot
from tests.clock import clock_at
from tests.fixtures.deadlines import make_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date.fromisoformat
CSV_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-01-09,workday,元旦\n"


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is moved (clock_at), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)


def test_the_system_admin_enters_2027(page, sysadmin, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, sysadmin)
    page.goto(f"{page.base_url}/workdays/")
    _no_sideways_scrolling(page)
    shot(page, "workdays-390")
    page.fill("#id_year", "2027")
    page.fill("#id_notice", "国办发明电〔2026〕1号")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="录入").click()
    page.wait_for_url(f"{page.base_url}/workdays/2027/")
    assert page.locator('td[data-date="2027-01-09"][data-kind="workday"]').count() == 1
    assert page.locator('td[data-date="2027-01-04"][data-kind="holiday"]').count() == 1
    _no_sideways_scrolling(page)
    shot(page, "workdays-2027-390")


def test_a_department_admin_follows_the_dashboard_and_the_inbox(page, scjg_task, scjg_admin):
    visit = Visit.objects.filter(task=scjg_task).order_by("pk").first()
    make_result(visit, scjg_admin, confirmed_on=D("2026-12-31"))  # due 2027-01-28, provisional
    with clock_at(D("2027-01-25")):
        reminders_send()
        page.set_viewport_size({"width": 390, "height": 800})
        log_in(page, scjg_admin)
        page.get_by_role("link", name="即将到公示期限").click()
        page.wait_for_url("**/deadlines/results-due/")
        row = page.locator("tr[data-result]")
        assert row.count() == 1 and "暂定" in row.inner_text()
        _no_sideways_scrolling(page)
        shot(page, "deadlines-results-due-390")
        page.goto(f"{page.base_url}/deadlines/")
        _no_sideways_scrolling(page)
        shot(page, "deadlines-dashboard-390")
        badge = page.locator(".phonenav [data-unread-badge] [data-unread]")
        badge.wait_for(state="attached")
        assert badge.get_attribute("data-unread") == "1"
        page.goto(f"{page.base_url}/notices/")
        notice = page.locator("tr[data-notice]").inner_text()
        assert "1 条检查结果即将到公示期限（最早 2027-01-28，含暂定期限）" in notice
        _no_sideways_scrolling(page)
        shot(page, "notices-390")
        page.locator("tr[data-notice] button").click()
        page.wait_for_url("**/deadlines/results-due/")
        page.wait_for_load_state("networkidle")  # the menu's count has been fetched
        # Both badges (the phone's bar and the wide screen's row, hidden here) are empty.
        badges = page.locator("[data-unread-badge]").evaluate_all("bs => bs.map(b => b.innerHTML.trim())")
        assert badges == ["", ""]


def test_a_count_past_the_cap_reads_as_more_than(page, scjg_task, scjg_admin, monkeypatch):
    """(dash13) The dashboard's counts stop at the cap ("1,000+"; here 3 for six visits), and
    the list says it shows the first ones."""
    from spotcheck.core import counting

    monkeypatch.setattr(counting, "COUNT_CAP", 3)
    with clock_at(D("2026-06-25")):  # the task's window ends on 30 June
        page.set_viewport_size({"width": 390, "height": 800})
        log_in(page, scjg_admin)
        page.goto(f"{page.base_url}/deadlines/")
        soon = page.locator('[data-board="visits-soon"] [data-count]')
        assert soon.inner_text() == "3+" and soon.get_attribute("data-capped") is not None
        _no_sideways_scrolling(page)
        shot(page, "deadlines-dashboard-capped-390")
        soon.click()
        page.wait_for_url("**/deadlines/visits-soon/")
        assert page.locator("tr[data-visit]").count() == 3
        assert "超过 3 条，下面按期限先后列出前 3 条" in page.locator("main").inner_text()
        _no_sideways_scrolling(page)
        shot(page, "deadlines-visits-soon-capped-390")
