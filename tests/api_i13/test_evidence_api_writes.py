"""Uploading and withdrawing 证据材料 through the REST API (issue 13, item 13; apiw13): the
page's service, checks and rules — the team uploads, a department's read-write token (a
department admin) may not and is told why; the size is refused before the body is read; odd
bodies are 4xx naming the field; the uploader or the lead department's admin withdraws."""

import hashlib
import io
import uuid

import pytest
from django.test import Client

from spotcheck.audit.models import AuditEntry
from spotcheck.draws.models import Visit
from spotcheck.evidence import services
from spotcheck.evidence.access import UPLOAD_RULE, WITHDRAW_RULE
from spotcheck.evidence.models import Evidence
from spotcheck.inspections import services as inspections_services
from tests.api_i13.conftest import bearer
from tests.evidence.conftest import pdf_bytes, photo_bytes, upload

pytestmark = pytest.mark.usefixtures("spring_2026")


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


def url(visit):
    return f"/api/v1/visits/{visit.pk if hasattr(visit, 'pk') else visit}/evidence/"


def withdraw_url(evidence):
    return f"/api/v1/evidence/{evidence.pk}/withdraw/"


# ------------------------------------------------------------------------------------ upload


def test_the_team_uploads_to_an_item_and_to_the_visit(login, scjg_inspector, approved_visit, item_of, settings):
    client = login(scjg_inspector)
    photo = photo_bytes()
    response = client.post(
        url(approved_visit), {"file": upload(photo, "门头.jpg"), "item_version": str(item_of.pk), "caption": " 门头 "}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get(pk=body["id"])
    assert body["sha256"] == hashlib.sha256(photo).hexdigest() == evidence.sha256
    assert body["item"] == item_of.item.code and body["item_version"] == item_of.pk
    assert body["kind"] == "photo" and body["content_type"] == "image/jpeg" and body["size"] == len(photo)
    assert body["name"] == "门头.jpg" and body["caption"] == "门头" and body["withdrawn"] is False
    assert body["file_url"].endswith(f"/evidence/{evidence.pk}/file/")
    assert b"".join(client.get(body["file_url"]).streaming_content) == photo
    entry = AuditEntry.objects.get(action="evidence.file.upload")
    assert entry.actor == scjg_inspector and entry.after["sha256"] == body["sha256"]
    # To the visit as a whole: no item; a PDF.
    response = client.post(url(approved_visit), {"file": upload(pdf_bytes(), "笔录.pdf", "application/pdf")})
    assert response.status_code == 201 and response.json()["item"] is None and response.json()["kind"] == "pdf"
    # Or by the item's code, as the task lists its items.
    by_code = {"file": upload(photo_bytes(color=(1, 2, 3))), "item": item_of.item.code}
    response = client.post(url(approved_visit), by_code)
    assert response.status_code == 201 and response.json()["item_version"] == item_of.pk
    # The metadata of one piece.
    detail = client.get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert detail["sha256"] == evidence.sha256 and detail["id"] == evidence.pk


def test_a_resent_client_id_returns_the_first_row_and_the_same_bytes_are_one_file(
    login, scjg_inspector, approved_visit, settings
):
    client = login(scjg_inspector)
    client_id = str(uuid.uuid4())
    content = photo_bytes()
    first = client.post(url(approved_visit), {"file": upload(content), "client_id": client_id})
    again = client.post(url(approved_visit), {"file": upload(content), "client_id": client_id})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Evidence.objects.count() == 1
    assert AuditEntry.objects.filter(action="evidence.file.upload").count() == 1
    # Without a client id, the same bytes again are a second record of the one stored file.
    other = client.post(url(approved_visit), {"file": upload(content)})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert other.json()["sha256"] == first.json()["sha256"]
    files = [p for p in (settings.SPOTCHECK_MEDIA_ROOT / "evidence").rglob("*") if p.is_file()]
    assert len(files) == 1


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read
    readinto = read


@pytest.mark.parametrize("how", ["session", "token", "anonymous"])
def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(
    how, client, scjg_inspector, scjg_system, approved_visit
):
    if how == "session":
        client.force_login(scjg_inspector)
    extra = bearer(scjg_system.secret) if how == "token" else {}
    response = client.generic(
        "POST",
        url(approved_visit),
        content_type="multipart/form-data; boundary=xyz",
        **{"CONTENT_LENGTH": str(10**9), "wsgi.input": Unreadable()},
        **extra,
    )
    assert response.status_code == 413
    assert "超过上限 20 MB" in response.json()["file"][0]
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_cut_off_while_it_arrives(client, scjg_inspector, approved_visit, settings):
    """Announced under the check (the limit plus room for the form), over the limit in the file;
    with the CSRF check on, which reads the form during authentication."""
    settings.SPOTCHECK_EVIDENCE_MAX_BYTES = 10_000
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(scjg_inspector)
    token = str(strict.get(f"/inspections/visits/{approved_visit.pk}/").context["csrf_token"])
    headers = {"HTTP_X_CSRFTOKEN": token}
    response = strict.post(url(approved_visit), {"file": upload(b"\xff" * 50_000, "大.jpg")}, **headers)
    assert response.status_code == 413 and "超过上限" in response.json()["file"][0]
    # The CSRF check is on: without the token a normal upload is refused, with it taken.
    assert strict.post(url(approved_visit), {"file": upload(photo_bytes())}).status_code == 403
    assert strict.post(url(approved_visit), {"file": upload(photo_bytes())}, **headers).status_code == 201
    Evidence.objects.all().delete()
    response = client.post(url(approved_visit), {"file": upload(b"\xff" * 50_000)})  # not logged in
    assert response.status_code == 401
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"file": upload(b"MZ\x90\x00" + b"\x00" * 300, "photo.jpg")}, "file", "Windows 可执行程序"),
        ({"file": upload(b"<html><script>alert(1)</script></html>", "a.pdf")}, "file", "不是照片"),
        ({"file": upload(b"", "empty.jpg")}, "file", "空文件"),
        ({}, "file", None),
        ({"file": "not a file"}, "file", None),
        ({"file": upload(photo_bytes()), "item_version": "abc"}, "item_version", None),
        ({"file": upload(photo_bytes()), "item_version": "999999999"}, "item_version", "不在本次检查的检查表上"),
        ({"file": upload(photo_bytes()), "item_version": str(10**30)}, "item_version", None),
        ({"file": upload(photo_bytes()), "client_id": "x"}, "client_id", None),
        ({"file": upload(photo_bytes()), "item": "NO-SUCH-ITEM"}, "item", "检查表上没有代码为“NO-SUCH-ITEM”"),
        ({"file": upload(photo_bytes()), "item": "X", "item_version": "1"}, "item", "只能填一个"),
        ({"file": upload(photo_bytes()), "caption": "长" * 201}, "caption", "说明不能超过 200 个字符"),
    ],
)
def test_bad_uploads_are_400_naming_the_field(login, scjg_inspector, approved_visit, data, field, message):
    response = login(scjg_inspector).post(url(approved_visit), data)
    assert response.status_code == 400, response.content
    errors = response.json()[field]
    if message:
        assert message in errors[0]
    assert not Evidence.objects.exists()


def test_odd_requests_are_4xx(login, scjg_inspector, approved_visit):
    client = login(scjg_inspector)
    # JSON instead of a form: 415.
    assert client.post(url(approved_visit), {"file": "x"}, content_type="application/json").status_code == 415
    # A multipart body that is not one, and one with too many fields.
    garbled = client.generic("POST", url(approved_visit), b"--nope\r\n\r\n", content_type="multipart/form-data")
    assert garbled.status_code == 400
    many = {f"f{i}": "x" for i in range(1200)} | {"file": upload(photo_bytes())}
    assert client.post(url(approved_visit), many).status_code == 400
    assert client.post("/api/v1/visits/abc/evidence/", {"file": upload(photo_bytes())}).status_code == 404
    assert client.post(url(10**17), {"file": upload(photo_bytes())}).status_code == 404
    assert client.put(url(approved_visit), {}).status_code == 405
    assert not Evidence.objects.exists()


def test_before_approval_the_upload_is_refused(login, scjg_inspector, my_visit):
    response = login(scjg_inspector).post(url(my_visit), {"file": upload(photo_bytes())})
    assert response.status_code == 400 and "检查尚未审批" in response.json()["detail"][0]


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "auditor"])
def test_readers_off_the_team_get_a_403_with_the_rule(request, login, approved_visit, persona):
    response = login(request.getfixturevalue(persona)).post(url(approved_visit), {"file": upload(photo_bytes())})
    assert response.status_code == 403 and response.json()["detail"] == str(UPLOAD_RULE)


def test_a_departments_write_token_is_an_admin_off_the_team(client, approved_visit, scjg_system, wsjk_system):
    response = client.post(url(approved_visit), {"file": upload(photo_bytes())}, **bearer(scjg_system.secret))
    assert response.status_code == 403 and response.json()["detail"] == str(UPLOAD_RULE)
    response = client.post(url(approved_visit), {"file": upload(photo_bytes())}, **bearer(wsjk_system.secret))
    assert response.status_code == 404
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, login, approved_visit, persona):
    response = login(request.getfixturevalue(persona)).post(url(approved_visit), {"file": upload(photo_bytes())})
    assert response.status_code == 404


# ---------------------------------------------------------------------------------- withdraw


@pytest.fixture
def piece(scjg_inspector, approved_visit):
    return services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes()))


def test_the_uploader_withdraws_with_a_reason(login, scjg_inspector, piece):
    client = login(scjg_inspector)
    response = client.post(withdraw_url(piece), {"reason": "拍错了对象"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["withdrawn"] is True and body["withdraw_reason"] == "拍错了对象" and body["withdrawn_by"]
    entry = AuditEntry.objects.get(action="evidence.file.withdraw")
    assert entry.after["sha256"] == piece.sha256 and entry.actor == scjg_inspector
    # Once: the second is the service's 400; the row and the file stay.
    again = client.post(withdraw_url(piece), {"reason": "再撤一次"}, content_type="application/json")
    assert again.status_code == 400 and "已经撤回" in again.json()["detail"][0]
    assert client.get(body["file_url"]).status_code == 200


def test_a_reason_is_required(login, scjg_inspector, piece):
    client = login(scjg_inspector)
    for body in ({}, {"reason": ""}, {"reason": "长" * 256}, {"reason": {"a": 1}}):
        response = client.post(withdraw_url(piece), body, content_type="application/json")
        assert response.status_code == 400 and "reason" in response.json(), body
    assert client.post(withdraw_url(piece), "[[[[", content_type="application/json").status_code == 400
    assert not Evidence.objects.get(pk=piece.pk).is_withdrawn


def test_the_departments_write_token_withdraws_as_its_admin(client, piece, scjg_system, wsjk_system):
    body = {"reason": "系统核对：重复照片"}
    response = client.post(withdraw_url(piece), body, content_type="application/json", **bearer(scjg_system.secret))
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    assert AuditEntry.objects.get(action="evidence.file.withdraw").actor == scjg_system.token.user
    other = client.post(
        withdraw_url(piece), {"reason": "x"}, content_type="application/json", **bearer(wsjk_system.secret)
    )
    assert other.status_code == 404


@pytest.mark.parametrize("persona", ["scjg_approver", "auditor"])
def test_readers_who_may_not_withdraw_get_a_403(request, login, piece, persona):
    client = login(request.getfixturevalue(persona))
    response = client.post(withdraw_url(piece), {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"] == str(WITHDRAW_RULE)
    assert client.get(f"/api/v1/evidence/{piece.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_others_get_a_404_on_the_piece(request, login, piece, persona):
    client = login(request.getfixturevalue(persona))
    assert client.post(withdraw_url(piece), {"reason": "x"}, content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/evidence/{piece.pk}/").status_code == 404
