"""An inspector on a phone (390 px) enters a visit's result (issue 13, items 5, 7, 8): the
connection drops while typing — the draft stays in the browser and reaches the server when the
connection returns; a reload restores it (from the browser when the server never got it, from
the server otherwise); the result is saved, the inspector and the second officer confirm."""

import time

import pytest

from spotcheck.results.models import ResultDraft, VisitResult
from tests.browser_support import ARTIFACTS, log_in, shot
from tests.fixtures.results import questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _no_sideways_scrolling(page) -> None:
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def _wait_for(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_enter_lose_the_connection_get_the_draft_back_and_confirm(page, result_officers, result_approved):
    first, second = result_officers
    visit = result_approved
    version, qs = questions(visit)
    p = f"i{version.pk}"
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, first)
    page.goto(f"{page.base_url}/inspections/visits/{visit.pk}/")
    page.locator("#visit-result").scroll_into_view_if_needed()
    page.locator("#visit-result").screenshot(path=str(ARTIFACTS / "visit-page-result-block-390.png"))
    page.locator("#visit-result").get_by_role("link", name="录入检查结果").click()
    page.locator("#result-form").wait_for()
    _no_sideways_scrolling(page)
    for q in qs:
        page.locator(f'input[name="{p}-q{q.pk}"][value="conforms"]').check()
    page.select_option(f"#{p}-method", "1")
    assert page.locator(f"#{p}-adopted_from").is_hidden()  # only for methods 3 and 6
    page.locator(f'input[name="{p}-codes"][value="B"]').check()
    page.locator(f'input[name="{p}-codes"][value="1"]').check()  # 未发现问题 stands alone
    assert not page.locator(f'input[name="{p}-codes"][value="B"]').is_checked()
    shot(page, "result-form-390")

    # The connection drops while typing: kept in the browser, said so.
    page.context.set_offline(True)
    page.fill(f"#{p}-note", "经营场所整洁，许可证在有效期内")
    page.locator("#draft-status").get_by_text("网络已断开").wait_for()
    shot(page, "result-form-offline-390")
    assert not ResultDraft.objects.filter(
        visit=visit, user=first, **{f"data__{p}-note": ["经营场所整洁，许可证在有效期内"]}
    ).exists()

    # Back online but the draft cannot reach the server yet: a reload restores it from the browser.
    page.route("**/draft/", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    page.locator("#draft-notice").get_by_text("已恢复未提交的草稿").wait_for()
    assert page.input_value(f"#{p}-note") == "经营场所整洁，许可证在有效期内"
    assert page.locator(f'input[name="{p}-codes"][value="1"]').is_checked()
    shot(page, "result-form-restored-locally-390")

    # The server answers again: the draft arrives, and a reload restores it from the server.
    page.unroute("**/draft/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    _wait_for(
        lambda: (
            ResultDraft.objects.filter(visit=visit, user=first)
            .filter(**{f"data__{p}-note": ["经营场所整洁，许可证在有效期内"]})
            .exists()
        )
    )
    page.evaluate("() => window.localStorage.clear()")
    page.reload()
    page.locator("#draft-notice").get_by_text("已恢复未提交的草稿").wait_for()
    assert page.input_value(f"#{p}-note") == "经营场所整洁，许可证在有效期内"

    page.get_by_role("button", name="保存检查结果").click()
    page.locator("#confirmations").wait_for()
    _no_sideways_scrolling(page)
    assert VisitResult.objects.get(visit=visit).items.get().note == "经营场所整洁，许可证在有效期内"
    assert not ResultDraft.objects.filter(visit=visit).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认第 1 版检查结果").click()
    page.get_by_text("已确认第 1 版检查结果").wait_for()
    shot(page, "result-confirmed-by-one-390")

    # The second officer confirms: the result is complete, with its publication deadline.
    page.context.clear_cookies()
    log_in(page, second)
    page.goto(f"{page.base_url}/results/visits/{visit.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认第 1 版检查结果").click()
    page.get_by_text("检查结果已确认完成").wait_for()
    result = VisitResult.objects.get(visit=visit)
    assert result.status == "confirmed" and result.publication_due_on is not None
    assert page.locator("#result").get_by_text("公示期限").count() == 1
    _no_sideways_scrolling(page)
    shot(page, "result-complete-390")
    # Reopening the form: the local copy of the submitted form is not brought back.
    page.goto(f"{page.base_url}/results/visits/{visit.pk}/edit/")
    page.locator("#result-form").wait_for()
    assert page.locator("#draft-notice").is_hidden()


def test_a_stale_edit_shows_both_versions_on_a_phone(page, result_officers, result_approved):
    from spotcheck.results import services
    from tests.fixtures.results import result_data

    first, second = result_officers
    visit = result_approved
    services.result_save(actor=first, visit=visit, data=result_data(visit), base_revision=None)
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, first)
    page.goto(f"{page.base_url}/results/visits/{visit.pk}/edit/")
    version, _qs = questions(visit)
    page.fill(f"#i{version.pk}-note", "第一人：仓库温度记录齐全")
    # Meanwhile the second officer saves revision 2.
    services.result_save(
        actor=second, visit=visit, data=result_data(visit, note="第二人：冷柜温度偏高"), base_revision=1
    )
    page.get_by_role("button", name="保存检查结果").click()
    page.locator("#conflict").wait_for()
    assert page.locator("#conflict").get_by_text("第一人：仓库温度记录齐全").count() == 1
    assert page.locator("#conflict").get_by_text("第二人：冷柜温度偏高").count() == 1
    assert VisitResult.objects.get(visit=visit).items.get().note == "第二人：冷柜温度偏高"
    _no_sideways_scrolling(page)
    shot(page, "result-conflict-409-390")
