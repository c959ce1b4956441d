"""Joining a confirmed merged visit in a real browser: a third department's task drew the object
that 市场监管 and 卫健 already visit together; the coordinator opens 合并检查, sees the proposal
to add it, and adds it."""

import pytest

from spotcheck.draws.models import Visit
from spotcheck.inspections import selectors
from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not: a cookie that
    # expires two weeks after the server's now would be dropped by the browser at once.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def test_coordinator_adds_a_third_departments_visit(page, coordinator, merged, make_jtys_task):
    merged_visit, members = merged
    roads = make_jtys_task()
    visit = Visit.objects.get(task=roads, inspection_object=merged_visit.inspection_object)
    log_in(page, coordinator)
    page.goto(f"{page.base_url}/inspections/merges/?task={roads.pk}")
    proposal = page.locator("tr.proposal", has_text=merged_visit.code)
    proposal.wait_for()
    assert proposal.locator("input[name=proposal]").count() == 1  # the proposal is chosen as a whole
    assert proposal.locator(".badge", has_text="已在合并检查中").count() == 2
    proposal.locator("input[name=proposal]").check()
    shot(page, "joint-visit-join-proposed")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认合并所选建议").click()
    page.get_by_text(f"已确认 1 条合并建议（合并检查 {merged_visit.code}）").wait_for()
    shot(page, "joint-visit-joined")
    assert selectors.merged_visit_of(visit) == merged_visit
    assert {m.pk for m in members} | {visit.pk} == set(
        merged_visit.members.filter(is_active=True).values_list("visit_id", flat=True)
    )
