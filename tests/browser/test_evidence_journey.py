"""An inspector on a phone (390 px) attaches a photo to a checklist item (issue 13, item 6): a
large photo straight from the camera is scaled down in the browser (longest side at most
SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE) and sent as a JPEG; the page lists it under its item, and a
wrong one is withdrawn with a reason and stays listed, struck through."""

import os

import pytest
from PIL import Image

from spotcheck.draws.models import Visit
from spotcheck.evidence.models import Evidence
from spotcheck.inspections import services as inspections_services
from tests.browser_support import log_in, shot
from tests.evidence.conftest import pdf_bytes, photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February (spring_2026), the browser's is not.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _whole(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def camera_photo(tmp_path):
    """A 4000 × 3000 photo as a phone takes it (noise, so it stays large as a JPEG: ~ 6 MB)."""
    path = tmp_path / "IMG_20260301_101500.jpg"
    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(path, quality=80)
    return path


def test_a_large_photo_arrives_scaled_down(page, settings, scjg_inspector, my_inspector, scjg_approver, camera_photo):
    visit = Visit.objects.filter(members__inspector=my_inspector).select_related("task").order_by("pk").first()
    inspections_services.visits_approve(actor=scjg_approver, task=visit.task, visits=[visit.pk])
    item = visit.task.items.select_related("item").first()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, scjg_inspector)
    page.goto(f"{page.base_url}/inspections/visits/{visit.pk}/#evidence")
    form = page.locator("#evidence-upload")
    assert form.get_attribute("data-max-side") == str(settings.SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE)
    assert _whole(page)
    form.get_by_label("拍照").set_input_files(str(camera_photo))
    form.locator("select[name=item_version]").select_option(str(item.pk))
    form.locator("input[name=caption]").fill("经营场所全景")
    shot(page, "evidence-390-form")
    form.get_by_role("button", name="上传").click()
    page.locator("#evidence .evidence-list li").first.wait_for()
    evidence = Evidence.objects.get()
    assert camera_photo.stat().st_size > 3 * 1024 * 1024
    assert evidence.content_type == "image/jpeg" and evidence.item_version_id == item.pk
    assert max(evidence.width, evidence.height) == settings.SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE
    assert (evidence.width, evidence.height) == (2048, 1536)
    assert evidence.size < camera_photo.stat().st_size and evidence.client_id is not None
    assert evidence.original_name == "IMG_20260301_101500.jpg" and evidence.caption == "经营场所全景"
    with Image.open(settings.SPOTCHECK_MEDIA_ROOT / evidence.storage_key) as stored:
        assert stored.size == (2048, 1536)
    section = page.locator("#evidence")
    assert section.get_by_text(item.item.code).count() >= 1
    assert section.get_by_role("link", name="IMG_20260301_101500.jpg").count() == 1
    assert _whole(page)
    shot(page, "evidence-390-listed")

    # Withdrawn with a reason: still listed, struck through, with the reason.
    section.locator("summary", has_text="撤回").click()
    section.get_by_label("撤回原因").fill("拍错了门店")
    section.get_by_role("button", name="撤回").click()
    page.get_by_text("已撤回证据材料").wait_for()
    assert Evidence.objects.get().withdraw_reason == "拍错了门店"
    assert page.locator("#evidence li.withdrawn s").inner_text() == "IMG_20260301_101500.jpg"
    assert page.locator("#evidence").get_by_text("拍错了门店").count() == 1
    assert _whole(page)
    shot(page, "evidence-390-withdrawn")


def test_a_pdf_is_chosen_instead_of_the_camera(page, scjg_inspector, my_inspector, scjg_approver, tmp_path):
    """(gaps13) On a phone the camera has its own input (拍照); 选择文件 takes a PDF. Choosing in
    one empties the other, so exactly the chosen file is sent."""
    visit = Visit.objects.filter(members__inspector=my_inspector).select_related("task").order_by("pk").first()
    inspections_services.visits_approve(actor=scjg_approver, task=visit.task, visits=[visit.pk])
    photo, pdf = tmp_path / "门头.jpg", tmp_path / "营业执照.pdf"
    photo.write_bytes(photo_bytes())
    pdf.write_bytes(pdf_bytes())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, scjg_inspector)
    page.goto(f"{page.base_url}/inspections/visits/{visit.pk}/#evidence")
    form = page.locator("#evidence-upload")
    camera, chooser = form.get_by_label("拍照"), form.get_by_label("选择文件")
    assert camera.get_attribute("capture") == "environment" and chooser.get_attribute("capture") is None
    # Nothing chosen: said on the page, nothing sent.
    form.get_by_role("button", name="上传").click()
    assert form.get_by_role("status").inner_text() == "请先拍照或选择文件。"
    camera.set_input_files(str(photo))
    chooser.set_input_files(str(pdf))
    assert camera.evaluate("input => input.files.length") == 0
    assert chooser.evaluate("input => input.files.length") == 1
    assert _whole(page)
    shot(page, "evidence-390-pdf-chosen")
    form.get_by_role("button", name="上传").click()
    page.locator("#evidence .evidence-list li").first.wait_for()
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.original_name) == ("pdf", "营业执照.pdf")
    assert page.locator("#evidence").get_by_role("link", name="营业执照.pdf").count() == 1
    # And the camera's photo goes the same way (the script sends it as "file").
    page.locator("#evidence-upload").get_by_label("拍照").set_input_files(str(photo))
    page.locator("#evidence-upload").get_by_role("button", name="上传").click()
    page.locator("#evidence .evidence-list li").nth(1).wait_for()
    assert sorted(Evidence.objects.values_list("kind", flat=True)) == ["pdf", "photo"]
    shot(page, "evidence-390-pdf-listed")
