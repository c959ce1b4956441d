"""Nothing typed is lost (issue 13, item 8): the server draft as the inspector types, restored
when the form is opened again; a resent submission (same client id) saved once; an edit
against a stale revision refused with 409 and both versions shown, nothing overwritten."""

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.results import services
from spotcheck.results.models import ResultDraft, ResultRevision, VisitResult
from tests.fixtures.results import form_post, questions, result_data

pytestmark = pytest.mark.usefixtures("spring_2026")


def _draft(client, visit, data, base=None):
    return client.post(
        reverse("results:draft", args=[visit.pk]),
        json.dumps({"data": data, "base_revision": base}),
        content_type="application/json",
    )


def test_the_draft_is_kept_and_restored(login, officers, approved):
    version, _ = questions(approved)
    client = login(officers[0])
    typed = {"outcome": ["carried_out"], f"i{version.pk}-note": ["门口招牌已更换"], f"i{version.pk}-codes": ["1"]}
    response = _draft(client, approved, typed)
    assert response.status_code == 200 and "saved_at" in response.json()
    draft = ResultDraft.objects.get(visit=approved, user=officers[0])
    assert draft.data == typed and draft.base_revision is None
    assert not AuditEntry.objects.filter(target_type="results.resultdraft").exists()  # not audited per keystroke
    page = client.get(reverse("results:edit", args=[approved.pk])).content.decode()
    assert "已恢复未提交的草稿" in page and "门口招牌已更换" in page
    # Another member's form is their own: no notice, nothing of the first one's draft.
    other = login(officers[1]).get(reverse("results:edit", args=[approved.pk])).content.decode()
    assert "门口招牌已更换" not in other
    # Saving the result ends the draft.
    client = login(officers[0])
    client.post(reverse("results:edit", args=[approved.pk]), form_post(approved, client_id=str(uuid.uuid4())))
    assert not ResultDraft.objects.filter(user=officers[0]).exists()


def test_a_draft_replaces_the_previous_one(login, officers, approved):
    client = login(officers[0])
    _draft(client, approved, {"completed_on": ["2026-02-15"]})
    _draft(client, approved, {"completed_on": ["2026-02-16"]})
    assert ResultDraft.objects.get().data == {"completed_on": ["2026-02-16"]}


def test_bad_drafts_are_refused_without_a_500(login, officers, approved, settings):
    client = login(officers[0])
    url = reverse("results:draft", args=[approved.pk])
    assert client.post(url, "{not json", content_type="application/json").status_code == 400
    assert client.post(url, "[1, 2]", content_type="application/json").status_code == 400
    assert _draft(client, approved, {"a": "not a list"}).status_code == 400
    assert _draft(client, approved, {"a": ["x"]}, base="7").status_code == 400
    settings.SPOTCHECK_RESULT_DRAFT_MAX_BYTES = 100
    response = _draft(client, approved, {"a": ["长" * 100]})
    assert response.status_code == 400 and "草稿过大" in response.json()["error"]
    assert client.get(url).status_code == 405
    assert not ResultDraft.objects.exists()


def test_a_draft_against_a_stale_revision_is_refused_with_409(login, officers, approved):
    services.result_save(actor=officers[1], visit=approved, data=result_data(approved), base_revision=None)
    response = _draft(login(officers[0]), approved, {"completed_on": ["2026-02-16"]}, base=None)
    assert response.status_code == 409 and "第 1 版" in response.json()["error"]


def test_drafts_are_for_the_team(login, scjg_admin, wsjk_admin, approved):
    assert _draft(login(scjg_admin), approved, {}).status_code == 403
    assert _draft(login(wsjk_admin), approved, {}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.result_draft_save(actor=scjg_admin, visit=approved, data={}, base_revision=None)


def test_a_resent_submission_is_saved_once(login, officers, approved):
    client = login(officers[0])
    client_id = str(uuid.uuid4())
    post = form_post(approved, client_id=client_id)
    first = client.post(reverse("results:edit", args=[approved.pk]), post)
    again = client.post(reverse("results:edit", args=[approved.pk]), post)  # the same form, sent twice
    assert first.status_code == again.status_code == 302
    assert ResultRevision.objects.count() == 1 and VisitResult.objects.get().revision == 1
    assert AuditEntry.objects.filter(action__startswith="results.result.").count() == 1
    # Through the service too (a department's system resending).
    result = services.result_save(
        actor=officers[0], visit=approved, data=result_data(approved), base_revision=None, client_id=client_id
    )
    assert result.revision == 1 and ResultRevision.objects.count() == 1


def test_the_form_carries_a_client_id(login, officers, approved):
    page = login(officers[0]).get(reverse("results:edit", args=[approved.pk])).content.decode()
    start = page.index('name="client_id" value="') + len('name="client_id" value="')
    uuid.UUID(page[start : start + 36])


def test_a_stale_edit_is_refused_with_409_and_both_versions(login, officers, approved):
    first, second = officers
    services.result_save(actor=first, visit=approved, data=result_data(approved), base_revision=None)
    # Both opened revision 1; the second saves first.
    services.result_save(
        actor=second, visit=approved, data=result_data(approved, note="第二人填写的说明"), base_revision=1
    )
    post = form_post(approved, base_revision=1, client_id=str(uuid.uuid4()), codes=["A", "B"])
    version, _ = questions(approved)
    post[f"i{version.pk}-note"] = "第一人填写的说明"
    response = login(first).post(reverse("results:edit", args=[approved.pk]), post)
    assert response.status_code == 409
    page = response.content.decode()
    assert "版本冲突" in page and "您提交的版本" in page and "当前版本（第 2 版）" in page
    assert "第一人填写的说明" in page and "第二人填写的说明" in page and "A 发现问题待后续处理" in page
    # Nothing was overwritten; the form offered again is based on revision 2.
    result = VisitResult.objects.get()
    assert result.revision == 2 and result.items.get().note == "第二人填写的说明"
    assert 'name="base_revision" value="2"' in page
    with pytest.raises(services.StaleRevision):
        services.result_save(actor=first, visit=approved, data=result_data(approved), base_revision=1)


def test_a_draft_left_behind_by_a_newer_revision_is_restored_and_says_so(login, officers, approved):
    first, second = officers
    services.result_save(actor=first, visit=approved, data=result_data(approved), base_revision=None)
    _draft(login(second), approved, {"completed_on": ["2026-02-15"]}, base=1)
    services.result_save(actor=first, visit=approved, data=result_data(approved, note="新说明"), base_revision=1)
    page = login(second).get(reverse("results:edit", args=[approved.pk])).content.decode()
    assert "已恢复未提交的草稿" in page and "该草稿基于第 1 版，检查结果已更新为第 2 版" in page
    assert 'name="base_revision" value="1"' in page  # submitting it shows both versions (409)
