"""Uploading 证据材料 (issue 13, item 6): type decided by content, size limited, stored once by
content hash, a resent upload saved once, the audit trail holding the SHA-256; refused before
approval, to whoever is not on the team, for an item not on the checklist."""

import hashlib
import io
import struct
import uuid
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.catalog.models import ItemVersion
from spotcheck.evidence import services, storage
from spotcheck.evidence.checks import safe_name
from spotcheck.evidence.models import Evidence
from spotcheck.inspections import services as inspections_services
from tests.evidence.conftest import pdf_bytes, photo_bytes, upload
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def _url(visit):
    return reverse("evidence:upload", args=[visit.pk])


def test_an_upload_is_stored_by_hash_and_audited(scjg_inspector, approved_visit, item_of, settings):
    content = photo_bytes()
    digest = hashlib.sha256(content).hexdigest()
    evidence = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(content), item_version=item_of, caption=" 门头  照片 "
    )
    assert evidence.kind == "photo" and evidence.content_type == "image/jpeg"
    assert evidence.sha256 == digest and evidence.size == len(content)
    assert (evidence.width, evidence.height) == (64, 48)
    assert evidence.caption == "门头 照片" and evidence.original_name == "现场照片.jpg"
    assert evidence.storage_key == f"evidence/{digest[:2]}/{digest[2:4]}/{digest}"
    path = settings.SPOTCHECK_MEDIA_ROOT / evidence.storage_key
    assert path.read_bytes() == content
    assert path.stat().st_mode & 0o222 == 0  # read-only on disk
    entry = AuditEntry.objects.get(action="evidence.file.upload")
    assert entry.after["sha256"] == digest and entry.after["size"] == len(content)
    assert entry.after["content_type"] == "image/jpeg" and entry.after["item"] == item_of.item.code
    assert entry.after["visit_public_id"] == approved_visit.public_id
    assert entry.department_id == approved_visit.task.lead_department_id


def test_the_same_content_twice_is_one_file_and_two_rows(scjg_inspector, approved_visit, settings):
    content = pdf_bytes()
    first = services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(content, "a.pdf"))
    second = services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(content, "b.pdf"))
    assert first.pk != second.pk and first.storage_key == second.storage_key
    assert first.kind == "pdf" and first.content_type == "application/pdf"
    files = [p for p in (settings.SPOTCHECK_MEDIA_ROOT / "evidence").rglob("*") if p.is_file()]
    assert len(files) == 1


def test_a_resent_client_id_returns_the_first_row(scjg_inspector, approved_visit, login):
    client_id = uuid.uuid4()
    first = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes()), client_id=client_id
    )
    again = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(color=(0, 0, 0))), client_id=str(client_id)
    )
    assert again.pk == first.pk and Evidence.objects.count() == 1
    # Through the page as the script sends it: the same answer, still one row.
    response = login(scjg_inspector).post(
        _url(approved_visit),
        {"file": upload(photo_bytes()), "client_id": str(client_id)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201 and response.json()["id"] == first.pk
    assert Evidence.objects.count() == 1 and AuditEntry.objects.filter(action="evidence.file.upload").count() == 1
    # A garbled client id is a clear error, not a 500.
    response = login(scjg_inspector).post(
        _url(approved_visit), {"file": upload(photo_bytes()), "client_id": "x"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400 and "客户端编号格式不正确" in response.json()["errors"][0]


def test_too_big_is_refused_naming_the_file_and_the_limit(scjg_inspector, approved_visit, settings, login):
    settings.SPOTCHECK_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match=r"文件“大照片.jpg”大小为 .* MB，超过上限"):
        services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(b"\xff" * 1001, "大照片.jpg"))
    assert not Evidence.objects.exists()
    assert not (settings.SPOTCHECK_MEDIA_ROOT / "evidence").exists()


def test_a_body_over_the_limit_is_refused_before_it_is_read(scjg_inspector, approved_visit, settings, login):
    settings.SPOTCHECK_EVIDENCE_MAX_BYTES = 10_000
    client = login(scjg_inspector)
    big = upload(b"\xff" * 200_000, "huge.jpg")
    response = client.post(_url(approved_visit), {"file": big}, headers={"accept": "application/json"})
    assert response.status_code == 413 and "超过上限" in response.json()["errors"][0]
    # The plain form: back to the visit page with the message.
    response = client.post(_url(approved_visit), {"file": upload(b"\xff" * 200_000, "huge.jpg")}, follow=True)
    assert response.status_code == 200 and "超过上限" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_size_is_checked_before_the_csrf_check_reads_the_body(scjg_inspector, approved_visit, settings):
    """As in a browser, with the CSRF check on: an oversized body is refused by its announced
    length (413) before the CSRF check would parse it; one whose file passes the limit while it
    arrives is cut off there (413); without the token a normal upload is refused (403)."""
    settings.SPOTCHECK_EVIDENCE_MAX_BYTES = 10_000
    client = Client(enforce_csrf_checks=True)
    client.force_login(scjg_inspector)
    json = {"accept": "application/json"}
    response = client.post(_url(approved_visit), {"file": upload(b"\xff" * 200_000)}, headers=json)
    assert response.status_code == 413
    page = client.get(reverse("inspections:visit_detail", args=[approved_visit.pk]))
    token = page.context["csrf_token"]
    # 50 kB: under the announced-length check (limit + room for the form), over the file limit.
    # The token comes first, as the form's hidden field does (the parser stops at the file).
    response = client.post(
        _url(approved_visit), {"csrfmiddlewaretoken": token, "file": upload(b"\xff" * 50_000)}, headers=json
    )
    assert response.status_code == 413 and "超过上限" in response.json()["errors"][0]
    response = client.post(_url(approved_visit), {"file": upload(photo_bytes())}, headers=json)
    assert response.status_code == 403
    data = {"csrfmiddlewaretoken": token, "file": upload(photo_bytes())}
    response = client.post(_url(approved_visit), data, headers=json)
    assert response.status_code == 201
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "what"),
    [
        (b"just some text, nothing else\n" * 10, "notes.jpg", None),
        (b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run", "photo.jpg", "Windows 可执行程序"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "photo.jpg", "Linux 可执行程序"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "report.pdf", "HTML 网页"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "a.jpg", "SVG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "broken.jpg", None),  # a JPEG header on nothing
        (b"GIF89a" + b"\x00" * 100, "anim.gif", None),
    ],
)
def test_what_is_not_a_photo_or_pdf_is_refused_naming_it(scjg_inspector, approved_visit, content, name, what):
    with pytest.raises(ValidationError) as caught:
        services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(content, name))
    message = caught.value.message_dict["file"][0]
    assert f"文件“{name}”" in message and "不是照片（JPEG、PNG、WebP）或 PDF 文件" in message
    if what:
        assert what in message
    assert not Evidence.objects.exists()


def test_a_pdf_without_its_end_marker_is_refused(scjg_inspector, approved_visit):
    with pytest.raises(ValidationError, match="不完整"):
        services.evidence_upload(
            actor=scjg_inspector, visit=approved_visit, file=upload(b"%PDF-1.4\n" + b"x" * 5000, "cut.pdf")
        )


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes (a decompression bomb's
    header: the pixels would come from a tiny, highly compressed stream)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def test_a_decompression_bomb_png_is_refused(scjg_inspector, approved_visit, settings):
    bomb = _png_header_only(30_000, 30_000)  # 900 megapixels in a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(ValidationError, match="像素数超过"):
        services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(bomb, "bomb.png"))
    # Just over the setting (under Pillow's own hard stop) is refused too.
    settings.SPOTCHECK_EVIDENCE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="像素数超过"):
        services.evidence_upload(
            actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(101, 100, "PNG"), "big.png")
        )
    assert not Evidence.objects.exists()


def test_png_and_webp_photos_are_taken_and_named_by_their_content(scjg_inspector, approved_visit):
    png = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(fmt="PNG"), "页面.html")
    )
    assert png.content_type == "image/png" and png.original_name == "页面.html.png"
    webp = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(fmt="WEBP"), "x.webp")
    )
    assert webp.content_type == "image/webp" and webp.kind == "photo"


def test_names_are_made_harmless():
    assert safe_name("../../etc/passwd", ".pdf") == "passwd.pdf"
    assert safe_name("C:\\Users\\张三\\现场.JPG", ".jpg") == "现场.JPG"
    assert safe_name('a<b>"c|d?.jpeg', ".jpg") == "abcd.jpeg"
    assert safe_name("\u202egpj.exe", ".jpg") == "gpj.exe.jpg"
    assert safe_name("", ".pdf") == "evidence.pdf"
    long = safe_name("长" * 500 + ".pdf", ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


def test_an_item_not_on_the_visits_checklist_is_refused(scjg_inspector, approved_visit, health_item, login):
    with pytest.raises(ValidationError, match="不在本次检查的检查表上"):
        services.evidence_upload(
            actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes()), item_version=health_item
        )
    data = {"file": upload(photo_bytes()), "item_version": "abc"}
    response = login(scjg_inspector).post(_url(approved_visit), data, headers={"accept": "application/json"})
    assert response.status_code == 400 and "不在本次检查的检查表上" in response.json()["errors"][0]
    assert not Evidence.objects.exists() and ItemVersion.objects.filter(pk=health_item.pk).exists()


def test_before_approval_the_upload_is_refused(scjg_inspector, my_visit, login):
    with pytest.raises(ValidationError, match="检查尚未审批"):
        services.evidence_upload(actor=scjg_inspector, visit=my_visit, file=upload(photo_bytes()))
    page = login(scjg_inspector).get(reverse("inspections:visit_detail", args=[my_visit.pk])).content.decode()
    assert 'id="evidence"' in page and "经审批（或登记紧急先行检查）后才能上传" in page
    assert 'id="evidence-upload"' not in page


def test_an_emergency_start_opens_the_upload(scjg_inspector, my_visit):
    inspections_services.visit_emergency_start(actor=scjg_inspector, visit=my_visit, reason="群众举报，情况紧急")
    evidence = services.evidence_upload(actor=scjg_inspector, visit=my_visit, file=upload(photo_bytes()))
    assert evidence.pk


def test_an_inspector_not_on_the_team_is_refused(scjg, approved_visit, login):
    other = UserFactory(username="other_inspector")
    MembershipFactory(user=other, department=scjg, role="inspector")
    link_inspector(other, InspectorFactory(department=scjg, name="未分配检查员"))
    with pytest.raises(PermissionDenied):
        services.evidence_upload(actor=other, visit=approved_visit, file=upload(photo_bytes()))
    # Through the page: the visit is not theirs to read, a 404.
    assert login(other).post(_url(approved_visit), {"file": upload(photo_bytes())}).status_code == 404


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "auditor", "coordinator"])
def test_readers_who_are_not_on_the_team_get_a_403(request, persona, approved_visit, login):
    user = request.getfixturevalue(persona)
    response = login(user).post(_url(approved_visit), {"file": upload(photo_bytes())})
    assert response.status_code == 403 and "检查组成员" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, persona, approved_visit, login):
    response = login(request.getfixturevalue(persona)).post(_url(approved_visit), {"file": upload(photo_bytes())})
    assert response.status_code == 404


def test_odd_requests_get_no_500(scjg_inspector, approved_visit, login):
    client = login(scjg_inspector)
    assert client.post(_url(approved_visit), {}).status_code == 302  # no file: back with a message
    response = client.post(_url(approved_visit), {}, headers={"accept": "application/json"})
    assert response.status_code == 400 and "请选择" in response.json()["errors"][0]
    assert client.get(_url(approved_visit)).status_code == 405
    assert client.post("/evidence/visits/999999999/upload/", {}).status_code == 404
    assert client.post("/evidence/visits/abc/upload/", {}).status_code == 404
    long_caption = {"file": upload(photo_bytes()), "caption": "长" * 201}
    response = client.post(_url(approved_visit), long_caption, headers={"accept": "application/json"})
    assert response.status_code == 400 and "说明不能超过 200 个字符" in response.json()["errors"][0]


def test_the_plain_form_posts_and_returns_to_the_visit_page(scjg_inspector, approved_visit, item_of, login):
    client = login(scjg_inspector)
    response = client.post(
        _url(approved_visit),
        {"file": upload(photo_bytes(), "门头.jpg"), "item_version": str(item_of.pk), "caption": "门头"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/inspections/visits/{approved_visit.pk}/#evidence")
    assert "已上传证据材料“门头.jpg”" in page
    evidence = Evidence.objects.get()
    assert evidence.item_version == item_of
    section = page[page.index('id="evidence"') :]
    assert reverse("evidence:file", args=[evidence.pk]) in section and item_of.item.code in section
    assert "最长边 2048 像素" in section and "不超过 20 MB" in section
    assert 'data-max-side="2048"' in section and 'capture="environment"' in section


def test_storage_never_overwrites_and_refuses_foreign_keys(settings, tmp_path):
    content = b"%PDF-1.4 first\n%%EOF"
    digest = hashlib.sha256(content).hexdigest()
    key = storage.put(io.BytesIO(content), digest)
    path = storage.path_of(key)
    inode, mtime = path.stat().st_ino, path.stat().st_mtime_ns
    # Same hash again (even with other bytes claiming it): the file stays as it was.
    assert storage.put(io.BytesIO(content), digest) == key
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (inode, mtime) and path.read_bytes() == content
    # Bytes that do not hash to the name are refused, nothing left behind.
    other = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(storage.StorageError):
        storage.put(io.BytesIO(b"not other"), other)
    assert not storage.path_of(storage.key_for(other)).exists()
    assert not list(path.parent.parent.parent.rglob(".upload-*"))
    for bad in ("../../etc/passwd", "evidence/00/00/" + digest, "evidence/" + digest):
        with pytest.raises(storage.StorageError):
            storage.path_of(bad)
