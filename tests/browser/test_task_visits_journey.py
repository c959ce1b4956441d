"""The visits of a drawn task in a real browser (issue 12, item 5): 市场监管's admin narrows the
list to one inspector and a fragment of a name, opens the object's page and finds the draws it
was in (抽查记录), and downloads the visits and teams; the public finds the same object on the
portal by the middle of its name. At 390 px and 1280 px."""

import pytest

from spotcheck.directory.models import InspectionObject
from tests.browser.test_every_page import _overflow
from tests.browser_support import ARTIFACTS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in 2026 (spring_2026), the browser's is not (see test_every_page).
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _part_shot(locator, name: str) -> None:
    """The part of the page this test is about, for a person to look at (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _no_sideways_scrolling(page):
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    width = page.viewport_size["width"]
    assert not _overflow(page, width), _overflow(page, width)


@pytest.mark.parametrize("width", [390, 1280])
def test_admin_filters_opens_the_object_and_exports(page, scjg_admin, scjg_task, wsjk_task, width):
    visit = scjg_task.visits.select_related("inspection_object").order_by("rank").first()
    obj = visit.inspection_object
    InspectionObject.objects.filter(pk=obj.pk).update(name="溧阳市锦美服饰有限公司")
    lead = visit.members.select_related("inspector").get(is_lead=True).inspector
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/tasks/{scjg_task.pk}/")
    page.select_option("#id_visit_inspector", str(lead.pk))
    page.fill("#id_visit_q", "锦美")
    page.get_by_role("button", name="查找").click()
    page.get_by_text("符合条件的 1 个").wait_for()
    _no_sideways_scrolling(page)
    shot(page, f"task-visits-filtered-{width}")
    _part_shot(page.locator("#targets"), f"task-visits-filtered-{width}-part")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出检查名单和检查组（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="溧阳市锦美服饰有限公司").click()
    page.wait_for_url(f"{page.base_url}/objects/{obj.pk}/")
    section = page.locator("section#draws")
    section.get_by_role("link", name=scjg_task.title).wait_for()
    # 卫健's task on the same object is public (its list came with the notice): named, to the portal.
    assert section.get_by_text(wsjk_task.code).count() == 1
    _no_sideways_scrolling(page)
    section.scroll_into_view_if_needed()
    shot(page, f"object-draws-{width}")
    _part_shot(section, f"object-draws-{width}-part")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_public_finds_an_object_by_the_middle_of_its_name(page, scjg_task, width):
    visit = scjg_task.visits.select_related("inspection_object").order_by("rank").first()
    InspectionObject.objects.filter(pk=visit.inspection_object_id).update(name="溧阳市锦美服饰有限公司")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base_url}/public/tasks/{scjg_task.code}/")
    page.fill("#id_target_q", "锦美")
    page.get_by_role("button", name="查找").click()
    page.get_by_text("符合条件的 1 个").wait_for()
    assert page.get_by_text(visit.public_id).count() == 1
    _no_sideways_scrolling(page)
    shot(page, f"portal-visits-search-{width}")
    _part_shot(page.locator("#targets"), f"portal-visits-search-{width}-part")
