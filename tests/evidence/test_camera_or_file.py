"""The upload form offers the camera and a file chooser (gaps13): ``capture="environment"`` on the
only input forced the camera on a phone and left no way to a PDF. 拍照 keeps the camera (photos
only), 选择文件 takes a photo or a PDF; the server takes either input, one file at a time."""

import re

import pytest
from django.urls import reverse

from spotcheck.evidence.models import Evidence
from tests.evidence.conftest import pdf_bytes, photo_bytes, upload

pytestmark = pytest.mark.usefixtures("spring_2026")


def _url(visit):
    return reverse("evidence:upload", args=[visit.pk])


def _inputs(html: str) -> dict[str, str]:
    """The form's file inputs by name, each as its tag."""
    return {re.search(r'name="(\w+)"', tag)[1]: tag for tag in re.findall(r"<input[^>]*type=\"file\"[^>]*>", html)}


def test_the_form_offers_the_camera_and_a_chooser_that_takes_a_pdf(scjg_inspector, approved_visit, login):
    page = login(scjg_inspector).get(reverse("inspections:visit_detail", args=[approved_visit.pk])).content.decode()
    section = page[page.index('id="evidence-upload"') :]
    inputs = _inputs(section)
    assert set(inputs) == {"photo", "file"}
    camera, chooser = inputs["photo"], inputs["file"]
    assert 'capture="environment"' in camera and "application/pdf" not in camera
    assert "capture" not in chooser and "application/pdf" in chooser and "image/jpeg" in chooser
    # Each has its own label, named as the person reads it, inside one group.
    assert '<label for="evidence-photo">拍照</label>' in section
    assert '<label for="evidence-file">选择文件</label>' in section
    assert "<legend>照片或 PDF 文件</legend>" in section
    assert "required" not in camera and "required" not in chooser  # one of the two, not both


def test_a_pdf_chosen_with_the_file_chooser_is_uploaded(scjg_inspector, approved_visit, login):
    response = login(scjg_inspector).post(
        _url(approved_visit),
        {"file": upload(pdf_bytes(), "营业执照.pdf", "application/pdf")},
        follow=True,
    )
    assert "已上传证据材料“营业执照.pdf”" in response.content.decode()
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.original_name) == ("pdf", "application/pdf", "营业执照.pdf")


def test_a_photo_from_the_camera_input_is_uploaded(scjg_inspector, approved_visit, login):
    response = login(scjg_inspector).post(
        _url(approved_visit), {"photo": upload(photo_bytes(), "image.jpg")}, headers={"accept": "application/json"}
    )
    assert response.status_code == 201, response.content
    assert Evidence.objects.get().kind == "photo"


def test_both_inputs_at_once_are_refused_and_nothing_is_stored(scjg_inspector, approved_visit, login):
    client = login(scjg_inspector)
    both = {"photo": upload(photo_bytes()), "file": upload(pdf_bytes(), "a.pdf", "application/pdf")}
    response = client.post(_url(approved_visit), both, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"] == ["一次上传一个文件：请只拍一张照片或只选择一个文件。"]
    response = client.post(
        _url(approved_visit), {"photo": upload(photo_bytes()), "file": upload(photo_bytes())}, follow=True
    )
    assert "一次上传一个文件" in response.content.decode()
    assert not Evidence.objects.exists()
