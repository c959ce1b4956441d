"""Reading and withdrawing 证据材料: the file only through the access-checked view (type from
the check, nosniff, inline with a safe name, private cache); a wrong file withdrawn with a
reason by its uploader or the lead department's admin, still served to the auditor; the file's
bytes never overwritten."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from spotcheck.audit.models import AuditEntry
from spotcheck.evidence import services
from spotcheck.evidence.models import Evidence
from spotcheck.inspections import services as inspections_services
from tests.evidence.conftest import pdf_bytes, photo_bytes, upload
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture
def evidence(scjg_inspector, approved_visit, item_of):
    return services.evidence_upload(
        actor=scjg_inspector,
        visit=approved_visit,
        file=upload(photo_bytes(), "营业执照 照片.jpg"),
        item_version=item_of,
        caption="营业执照",
    )


def _file(evidence):
    return reverse("evidence:file", args=[evidence.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_team_reads_the_file_with_safe_headers(scjg_inspector, evidence, login):
    response = login(scjg_inspector).get(_file(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E7%85%A7%E7%89%87.jpg" in disposition
    assert 'filename="____ __.jpg"' in disposition
    assert _body(response) == photo_bytes()


def test_a_pdf_is_served_as_a_pdf(scjg_inspector, approved_visit, login):
    pdf = services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(pdf_bytes(), "笔录.pdf"))
    response = login(scjg_inspector).get(_file(pdf))
    assert response["Content-Type"] == "application/pdf" and _body(response) == pdf_bytes()


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "coordinator", "auditor"])
def test_those_who_read_the_visit_read_the_file(request, persona, evidence, login):
    assert login(request.getfixturevalue(persona)).get(_file(evidence)).status_code == 200


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, persona, evidence, login):
    response = login(request.getfixturevalue(persona)).get(_file(evidence))
    assert response.status_code == 404 and b"\xff\xd8" not in response.content


def test_the_public_and_odd_ids_get_nothing(evidence, public, login, scjg_inspector):
    assert public.get(_file(evidence)).status_code == 302  # to the login page
    client = login(scjg_inspector)
    assert client.get("/evidence/999999999/file/").status_code == 404
    assert client.get("/evidence/abc/file/").status_code == 404
    # Not under MEDIA_URL, nor any other URL.
    assert client.get(f"/media/{evidence.storage_key}").status_code == 404


def test_withdraw_needs_a_reason(scjg_inspector, evidence, login):
    with pytest.raises(ValidationError, match="请填写原因"):
        services.evidence_withdraw(actor=scjg_inspector, evidence=evidence, reason="  ")
    response = login(scjg_inspector).post(reverse("evidence:withdraw", args=[evidence.pk]), {"reason": ""}, follow=True)
    assert "请填写撤回原因" in response.content.decode()
    assert not Evidence.objects.get(pk=evidence.pk).is_withdrawn


def test_the_uploader_withdraws_and_the_auditor_still_reads_it(scjg_inspector, evidence, auditor, login, settings):
    path = settings.SPOTCHECK_MEDIA_ROOT / evidence.storage_key
    response = login(scjg_inspector).post(
        reverse("evidence:withdraw", args=[evidence.pk]), {"reason": "拍错了对象"}, follow=True
    )
    page = response.content.decode()
    assert "已撤回证据材料" in page
    row = Evidence.objects.get(pk=evidence.pk)
    assert row.is_withdrawn and row.withdraw_reason == "拍错了对象" and row.withdrawn_by == scjg_inspector
    section = page[page.index('id="evidence"') :]
    assert "<s>营业执照 照片.jpg</s>" in section and "拍错了对象" in section
    entry = AuditEntry.objects.get(action="evidence.file.withdraw")
    assert entry.after["withdraw_reason"] == "拍错了对象" and entry.after["sha256"] == evidence.sha256
    # Never deleted: the auditor reads the file, bytes unchanged.
    response = login(auditor).get(_file(evidence))
    assert response.status_code == 200 and _body(response) == photo_bytes() == path.read_bytes()
    with pytest.raises(ValidationError, match="已经撤回"):
        services.evidence_withdraw(actor=scjg_inspector, evidence=row, reason="再撤一次")


def test_the_lead_departments_admin_withdraws_others_may_not(evidence, scjg_admin, scjg_approver, auditor, login):
    for user in (scjg_approver, auditor):
        with pytest.raises(PermissionDenied):
            services.evidence_withdraw(actor=user, evidence=evidence, reason="错误")
        response = login(user).post(reverse("evidence:withdraw", args=[evidence.pk]), {"reason": "错误"})
        assert response.status_code == 403
    services.evidence_withdraw(actor=scjg_admin, evidence=evidence, reason="与本次检查无关")
    assert Evidence.objects.get(pk=evidence.pk).withdrawn_by == scjg_admin


def test_withdraw_from_another_department_is_a_404(evidence, wsjk_admin, login):
    response = login(wsjk_admin).post(reverse("evidence:withdraw", args=[evidence.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert not Evidence.objects.get(pk=evidence.pk).is_withdrawn


def test_file_bytes_are_never_overwritten(scjg_inspector, approved_visit, evidence, settings):
    path = settings.SPOTCHECK_MEDIA_ROOT / evidence.storage_key
    before = path.stat()
    # The same bytes under another name, another caption, withdrawn and sent again: one file,
    # the same inode, never rewritten.
    services.evidence_withdraw(actor=scjg_inspector, evidence=evidence, reason="重复")
    again = services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(), "再传.jpg"))
    assert again.storage_key == evidence.storage_key
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert after.st_mode & 0o222 == 0  # read-only for everyone (root excepted)


def test_the_visit_page_lists_evidence_by_item(scjg_inspector, evidence, approved_visit, login, scjg_admin):
    services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(pdf_bytes(), "笔录.pdf"))
    page = login(scjg_admin).get(reverse("inspections:visit_detail", args=[approved_visit.pk])).content.decode()
    section = page[page.index('id="evidence"') :]
    assert "证据材料" in section and "(2)" in section
    code = evidence.item_version.item.code
    assert section.index("整个检查") < section.index(code) < section.index("营业执照 照片.jpg")
    # The admin reads and may withdraw, but is on no team: no upload form.
    assert 'id="evidence-upload"' not in section and reverse("evidence:withdraw", args=[evidence.pk]) in section


def test_a_merged_visit_shares_its_checklist_and_its_evidence(merged, scjg_approver, wsjk_admin, health_item, login):
    """One door, one checklist: the 市场监管 team documents 卫健's item on its own visit, a 卫健
    team member may upload to it too, and 卫健's admin reads the photo."""
    _merged_visit, (ours, theirs) = merged
    inspections_services.visits_approve(actor=scjg_approver, task=ours.task, visits=[ours.pk])
    ours_member = ours.members.select_related("inspector").first().inspector
    theirs_member = theirs.members.select_related("inspector").first().inspector
    scjg_user, wsjk_user = UserFactory(username="scjg_member"), UserFactory(username="wsjk_member")
    MembershipFactory(user=scjg_user, department=ours.task.lead_department, role="inspector")
    MembershipFactory(user=wsjk_user, department=theirs.task.lead_department, role="inspector")
    link_inspector(scjg_user, ours_member)
    link_inspector(wsjk_user, theirs_member)
    photo = services.evidence_upload(
        actor=scjg_user, visit=ours, file=upload(photo_bytes(), "卫生.jpg"), item_version=health_item
    )
    assert photo.item_version == health_item
    also = services.evidence_upload(actor=wsjk_user, visit=ours, file=upload(pdf_bytes(), "记录.pdf"))
    assert also.uploaded_by == wsjk_user
    assert login(wsjk_admin).get(_file(photo)).status_code == 200
    # 卫健's visit page lists it under its item, named as from the merged task.
    page = login(wsjk_user).get(reverse("inspections:visit_detail", args=[theirs.pk])).content.decode()
    section = page[page.index('id="evidence"') :]
    assert "卫生.jpg" in section and ours.task.code in section


def test_a_photo_has_a_small_preview_kept_by_its_hash(scjg_inspector, approved_visit, wsjk_admin, login, settings):
    big = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo_bytes(1600, 1200, "PNG"), "大图.png")
    )
    client = login(scjg_inspector)
    response = client.get(reverse("evidence:thumbnail", args=[big.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(_body(response))) as preview:
        assert preview.size == (320, 240)
    cached = list((settings.SPOTCHECK_MEDIA_ROOT / "evidence" / "thumbs").rglob("*.jpg"))
    assert [p.name for p in cached] == [f"{big.sha256}-320.jpg"]
    inode = cached[0].stat().st_ino
    client.get(reverse("evidence:thumbnail", args=[big.pk]))
    assert cached[0].stat().st_ino == inode  # made once
    page = client.get(reverse("inspections:visit_detail", args=[approved_visit.pk])).content.decode()
    assert reverse("evidence:thumbnail", args=[big.pk]) in page
    # Another department: 404; a PDF has no preview.
    assert login(wsjk_admin).get(reverse("evidence:thumbnail", args=[big.pk])).status_code == 404
    pdf = services.evidence_upload(actor=scjg_inspector, visit=approved_visit, file=upload(pdf_bytes(), "a.pdf"))
    assert login(scjg_inspector).get(reverse("evidence:thumbnail", args=[pdf.pk])).status_code == 404


def test_a_file_missing_from_storage_is_a_404_and_logged(scjg_inspector, evidence, settings, login, caplog):
    path = settings.SPOTCHECK_MEDIA_ROOT / evidence.storage_key
    path.unlink()  # a storage not restored with the database
    response = login(scjg_inspector).get(_file(evidence))
    assert response.status_code == 404
    assert any("missing from storage" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
