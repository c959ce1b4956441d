"""The inspection's whole journey on phones (issue 13's browser quality bar), 390 × 844, with
real clicks, as three people in three browsers and an enterprise without a login:

1. the approver (主体负责人) approves the task's visits from the home page's 待办;
2. inspector A opens the visit from 我的检查, prints the checklist (print media), checks in with
   the browser's location;
3. A uploads one photo, enters the result, loses the connection while typing, gets the draft
   back after a reload once online, and saves it; A confirms;
4. inspector B, the team's second officer, confirms from the 待办: the result is complete;
5. the approver approves the results from the 待办 (the department asks for it:
   results_need_approval);
6. the enterprise opens the 检查码 page A showed it: the body, the task, the officers and their
   certificate numbers, the check-in, and then the rating form.

Every page is checked for sideways scrolling at 390 px and photographed into test-artifacts/."""

import pytest
from PIL import Image

from spotcheck.evidence.models import Evidence
from spotcheck.inspections.models import VisitApproval, VisitCheckIn, VisitCode, VisitFeedback
from spotcheck.results.models import ResultDraft, VisitResult
from tests.browser_support import ARTIFACTS, keep_picture, log_in, shot
from tests.fixtures.results import questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]

PHONE = {"width": 390, "height": 844}
POSITION = {"latitude": 31.4321, "longitude": 119.4845, "accuracy": 25}
NOTE_ONLINE = "经营场所整洁，"
NOTE_OFFLINE = "食品经营许可证在有效期内，冷柜温度记录齐全"


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


@pytest.fixture
def photo(tmp_path):
    """A photo as a phone's camera saves it (a gradient, so it is a real picture)."""
    path = tmp_path / "IMG_20260216_093000.jpg"
    image = Image.linear_gradient("L").resize((1200, 900)).convert("RGB")
    image.save(path, quality=85)
    return path


@pytest.fixture
def phones(_browser, live_server, page):
    """Open a phone's browser (its own cookies): ``phones(name)`` returns a page at 390 × 844;
    every console message of a Content-Security-Policy block fails the test, as with ``page``."""
    contexts, blocked = [], page.csp_blocked

    def _open(name: str):
        context = _browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        tab.base_url = live_server.url
        tab.on(
            "console",
            lambda m: "Content Security Policy" in m.text and blocked.append(f"{name} {tab.url}: {m.text}"),
        )
        return tab

    yield _open
    for context in contexts:
        context.close()


def _fits(page) -> None:
    """The page is usable at 390 px: nothing sticks out sideways."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _step(page, name: str, *, seen: bool = False) -> None:
    """Check the page fits and photograph it whole; ``seen``: also the screen as the person sees
    it (a page that opens at an anchor, e.g. after a form)."""
    page.wait_for_load_state()
    _fits(page)
    if seen:
        keep_picture(lambda: page.screenshot(path=str(ARTIFACTS / f"e2e-{name}-seen.png")), name)
    # Chromium cuts a full-page picture of a page scrolled to an anchor short: from the top.
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, f"e2e-{name}")


def test_an_inspection_from_approval_to_the_public_page(
    page, phones, live_server, scjg, scjg_task, scjg_approver, result_visit, result_officers, photo
):
    scjg.results_need_approval = True
    scjg.save(update_fields=["results_need_approval"])
    visit = result_visit
    inspector_a, inspector_b = result_officers
    version, qs = questions(visit)
    p = f"i{version.pk}"
    visits_in_task = scjg_task.visits.count()

    # 1. The approver approves the task's visits, from the home page's 待办.
    approver = phones("approver")
    log_in(approver, scjg_approver)
    approver.get_by_role("link", name="1 个抽查任务的检查待审批").click()
    approver.get_by_role("link", name=scjg_task.title).click()
    approver.wait_for_url(f"**/inspections/tasks/{scjg_task.pk}/approval/")
    _step(approver, "01-approval")
    approver.once("dialog", lambda dialog: dialog.accept())
    approver.get_by_role("button", name="批准全部检查").click()
    approver.get_by_text(f"已审批 {visits_in_task} 个检查。").wait_for()
    assert VisitApproval.objects.filter(visit__task=scjg_task).count() == visits_in_task
    _step(approver, "02-approved")

    # 2. Inspector A: 我的检查 → the visit → the printed checklist → check-in with the location.
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(POSITION)
    log_in(page, inspector_a)
    page.get_by_role("link", name="项检查待实施").click()
    page.locator("#my-visits").wait_for()
    row = page.locator("#my-visits tr.visit", has=page.locator(f'a[href="/inspections/visits/{visit.pk}/"]'))
    assert row.locator("[data-state]").get_attribute("data-state") == "pending"
    _step(page, "03-my-visits")
    row.get_by_role("link", name=visit.inspection_object.name).click()
    page.locator("#check-code svg.qr").wait_for()
    assert visit.inspection_object.name in page.locator("h1").inner_text()
    _step(page, "04-visit")
    check_code_url = page.locator("#check-code .wrap-anywhere a").get_attribute("href")
    code = VisitCode.objects.get(visit=visit).code
    assert check_code_url.endswith(f"/public/check/{code}/")

    # The enterprise scans the code before the team checks in: the visit is real, no rating yet.
    public = phones("enterprise")
    public.goto(check_code_url)
    public.locator("#verdict").get_by_text("已审批").wait_for()
    assert "检查组尚未登记到场" in public.locator("#visit").inner_text()
    assert public.locator("#feedback form").count() == 0
    assert "检查组登记到场后" in public.locator("#feedback").inner_text()
    _step(public, "04b-public-page-before-check-in")

    page.get_by_role("link", name="打印检查表").click()
    page.locator("#print-checklist").wait_for()
    _step(page, "05-print-checklist-screen")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    printed = page.locator("#print-checklist").inner_text()
    assert version.item.code in printed and visit.inspection_object.name in printed
    assert all(m.inspector.certificate_number in printed for m in visit.members.select_related("inspector"))
    assert page.locator("#print-checklist svg").count() == 1  # the QR, to scan on site
    shot(page, "e2e-06-print-checklist-print")
    page.emulate_media(media="screen")
    page.go_back()
    page.get_by_role("button", name="登记到场").click()
    page.locator("#check-in .badge.ok").wait_for()
    check_in = VisitCheckIn.objects.get(visit=visit)
    assert check_in.inspector.user == inspector_a
    assert float(check_in.latitude) == pytest.approx(POSITION["latitude"]) and check_in.accuracy == 25
    assert "纬度 31.432100" in page.locator("#check-in").inner_text()
    _step(page, "07-checked-in", seen=True)

    # 3. One photo, under the checklist item.
    upload = page.locator("#evidence-upload")
    upload.locator("input[type=file]").first.set_input_files(str(photo))
    upload.locator("select[name=item_version]").select_option(str(version.pk))
    upload.locator("input[name=caption]").fill("经营场所全景")
    upload.get_by_role("button", name="上传").click()
    page.locator("#evidence .evidence-list li").first.wait_for()
    evidence = Evidence.objects.get(visit=visit)
    assert evidence.item_version_id == version.pk and evidence.uploaded_by == inspector_a
    assert evidence.content_type == "image/jpeg" and evidence.original_name == photo.name
    assert page.locator("#evidence").get_by_role("link", name=photo.name).count() == 1
    _step(page, "08-photo")

    # …the result: typed online (the draft reaches the server), then offline (kept in the phone).
    page.locator("#visit-result").get_by_role("link", name="录入检查结果").click()
    page.locator("#result-form").wait_for()
    for q in qs:
        page.locator(f'input[name="{p}-q{q.pk}"][value="conforms"]').check()
    page.select_option(f"#{p}-method", "1")
    page.locator(f'input[name="{p}-codes"][value="1"]').check()
    page.locator(f"#{p}-note").fill(NOTE_ONLINE)
    page.locator("#draft-status").get_by_text("草稿已保存").wait_for()
    assert ResultDraft.objects.get(visit=visit, user=inspector_a).data[f"{p}-note"] == [NOTE_ONLINE]
    # The object's code is not cut in two at the end of a line.
    assert page.locator("p > span.mono", has_text=visit.public_id).evaluate("e => e.getClientRects().length") == 1
    _step(page, "09-result-form")

    page.context.set_offline(True)
    page.locator(f"#{p}-note").press_sequentially(NOTE_OFFLINE)
    page.locator("#draft-status").get_by_text("网络已断开").wait_for()
    status = page.locator("#draft-status")
    assert status.get_attribute("data-kind") == "offline"
    assert status.evaluate("e => getComputedStyle(e).fontWeight") == "600"  # not the muted grey
    kept = page.evaluate("() => localStorage.getItem(document.getElementById('result-form').dataset.storageKey)")
    assert NOTE_ONLINE + NOTE_OFFLINE in kept
    assert ResultDraft.objects.get(visit=visit, user=inspector_a).data[f"{p}-note"] == [NOTE_ONLINE]
    _step(page, "10-result-offline", seen=True)

    # The connection returns: the phone sends what it kept; a reload brings the whole text back.
    page.context.set_offline(False)
    page.locator("#draft-status").get_by_text("草稿已保存").wait_for()
    assert ResultDraft.objects.get(visit=visit, user=inspector_a).data[f"{p}-note"] == [NOTE_ONLINE + NOTE_OFFLINE]
    page.reload()
    page.locator("#draft-notice").get_by_text("已恢复未提交的草稿").wait_for()
    assert page.input_value(f"#{p}-note") == NOTE_ONLINE + NOTE_OFFLINE
    assert page.locator(f'input[name="{p}-codes"][value="1"]').is_checked()
    _step(page, "11-draft-restored")

    page.get_by_role("button", name="保存检查结果").click()
    page.locator("#confirmations").wait_for()
    result = VisitResult.objects.get(visit=visit)
    assert result.revision == 1 and result.items.get().note == NOTE_ONLINE + NOTE_OFFLINE
    assert not ResultDraft.objects.filter(visit=visit).exists()
    assert NOTE_ONLINE + NOTE_OFFLINE in page.locator("#items").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认第 1 版检查结果").click()
    page.get_by_text("已确认第 1 版检查结果").wait_for()
    result.refresh_from_db()
    assert result.status == VisitResult.Status.ENTERED
    _step(page, "12-confirmed-by-a")

    # 4. Inspector B, the second officer, confirms from the 待办: the result is complete.
    second = phones("inspector B")
    log_in(second, inspector_b)
    _step(second, "13-home-of-b")
    second.get_by_role("link", name="1 项检查的结果待确认").click()
    second.wait_for_url("**/inspections/mine/?state=to_confirm")
    assert second.locator("#my-visits tr.visit").count() == 1
    _step(second, "13-my-visits-to-confirm")
    second.locator(f'#my-visits a[href="/inspections/visits/{visit.pk}/"]').click()
    second.locator("#visit-result").get_by_role("link", name="查看检查结果").click()
    second.locator("#confirmations").wait_for()
    second.once("dialog", lambda dialog: dialog.accept())
    second.get_by_role("button", name="确认第 1 版检查结果").click()
    second.get_by_text("检查结果已确认完成").wait_for()
    result.refresh_from_db()
    assert result.status == VisitResult.Status.CONFIRMED and result.publication_due_on is not None
    assert set(result.confirmations.values_list("user", flat=True)) == {inspector_a.pk, inspector_b.pk}
    _step(second, "14-confirmed-by-b")

    # 5. The approver approves the results, from the home page's 待办.
    approver.goto(f"{approver.base_url}/")
    _step(approver, "15-home-of-the-approver")
    approver.get_by_role("link", name=f"检查结果待审批：{scjg_task.code} {scjg_task.title}").click()
    approver.wait_for_url(f"**/results/tasks/{scjg_task.pk}/")
    _step(approver, "15-results-to-approve")
    approver.once("dialog", lambda dialog: dialog.accept())
    approver.get_by_role("button", name="审批全部已确认的检查结果（1 个）").click()
    approver.get_by_text("已审批 1 个检查结果。").wait_for()
    result.refresh_from_db()
    assert result.status == VisitResult.Status.APPROVED and result.approved_by == scjg_approver
    _step(approver, "16-results-approved")

    # 6. The enterprise opens the 检查码 page again after the visit: the check-in, and a rating.
    public.goto(check_code_url)
    public.locator("#verdict").get_by_text("已审批").wait_for()
    visit_card = public.locator("#visit").inner_text()
    assert visit.inspection_object.name in visit_card and scjg.name in visit_card
    assert scjg_task.code in visit_card and scjg_task.title in visit_card
    assert "检查组已于" in visit_card
    officers = public.locator("#officers").inner_text()
    for member in visit.members.select_related("inspector"):
        assert member.inspector.name in officers and member.inspector.certificate_number in officers
    _step(public, "17-public-page")
    public.locator("input[name=rating][value='5']").check()
    public.fill("#id_complaint", "检查人员出示了执法证，检查规范。")
    public.get_by_role("button", name="提交").click()
    public.locator("#feedback .badge.ok").wait_for()
    assert VisitFeedback.objects.get(visit=visit).rating == 5
    _step(public, "18-public-rated", seen=True)
