"""Fixtures of the evidence tests: an approved visit of the ``scjg_inspector`` persona's team,
and files made on the spot (photos by Pillow, a minimal PDF, impostors)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from spotcheck.draws.models import Visit
from spotcheck.inspections import services as inspections_services


def photo_bytes(width=64, height=48, fmt="JPEG", color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes(text="evidence") -> bytes:
    body = f"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj % {text}\n"
    return b"%PDF-1.4\n" + body.encode() + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def upload(content: bytes, name="现场照片.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def my_visit(my_inspector):
    return Visit.objects.filter(members__inspector=my_inspector).select_related("task").order_by("pk").first()


@pytest.fixture
def approved_visit(my_visit, scjg_approver):
    inspections_services.visits_approve(actor=scjg_approver, task=my_visit.task, visits=[my_visit.pk])
    return my_visit


@pytest.fixture
def item_of(approved_visit):
    return approved_visit.task.items.select_related("item").first()
