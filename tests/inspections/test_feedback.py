"""企业评价/投诉 (issue 13, item 3): after the check-in the enterprise rates and/or complains on
the public 检查码 page — no login, CSRF-protected, rate-limited, length-limited, audited as
anonymous — and only the visit's departments and the coordinator read it, never the public."""

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.inspections.models import VisitFeedback

pytestmark = pytest.mark.usefixtures("spring_2026")

STAFF_URL = reverse("inspections:feedback")


def _public(code: str) -> str:
    return reverse("portal:check_code", args=[code])


def _post(client, code, ip="203.0.113.7", **data):
    return client.post(_public(code), data, REMOTE_ADDR=ip)


def test_before_the_check_in_there_is_no_form_and_a_post_is_refused(approved_visit, code_of, public):
    code = code_of(approved_visit)
    assert "<textarea" not in public.get(_public(code)).content.decode()
    response = _post(public, code, rating="5")
    assert response.status_code == 400 and "登记到场后" in response.content.decode()
    assert not VisitFeedback.objects.exists()


def test_a_rating_and_a_complaint_are_stored_and_audited_as_anonymous(checked_in_visit, code_of, public):
    code = code_of(checked_in_visit)
    assert 'name="rating"' in public.get(_public(code)).content.decode()
    response = _post(public, code, rating="4", complaint="检查人员未出示执法证。")
    assert response.status_code == 302 and response["Location"] == _public(code) + "?sent=1#feedback"
    feedback = VisitFeedback.objects.get()
    assert feedback.visit == checked_in_visit and feedback.rating == 4
    assert feedback.complaint == "检查人员未出示执法证。"
    entry = AuditEntry.objects.get(action="inspections.visit.feedback")
    assert entry.actor is None and entry.actor_label == "" and entry.after["rating"] == 4
    assert entry.department_id == checked_in_visit.task.lead_department_id
    page = public.get(response["Location"]).content.decode()
    assert "已提交" in page and "检查人员未出示执法证" not in page  # never shown publicly
    # A rating alone, a complaint alone.
    assert _post(public, code, rating="5").status_code == 302
    assert _post(public, code, complaint="态度生硬").status_code == 302
    assert VisitFeedback.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请选择满意度或填写投诉内容"),
        ({"rating": "", "complaint": "   "}, "请选择满意度或填写投诉内容"),
        ({"rating": "6"}, "满意度须为 1 到 5"),
        ({"rating": "0"}, "满意度须为 1 到 5"),
        ({"rating": "x"}, "满意度须为 1 到 5"),
        ({"rating": "9" * 10000}, "满意度须为 1 到 5"),
        ({"complaint": "投" * 1001}, "投诉内容最多 1000 个字"),
        ({"complaint": "x" * 100000}, "投诉内容最多 1000 个字"),
    ],
)
def test_bad_input_is_refused_naming_the_field(checked_in_visit, code_of, public, data, message):
    response = _post(public, code_of(checked_in_visit), **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not VisitFeedback.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(checked_in_visit, code_of):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_public(code_of(checked_in_visit)), {"rating": "5"}).status_code == 403
    assert not VisitFeedback.objects.exists()


def test_the_rate_limit_per_address_per_hour(checked_in_visit, code_of, public, settings):
    settings.SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR = 2
    code = code_of(checked_in_visit)
    assert _post(public, code, rating="5").status_code == 302
    assert _post(public, code, rating="4").status_code == 302
    response = _post(public, code, rating="3")
    assert response.status_code == 429 and "每小时最多提交 2 次" in response.content.decode()
    assert _post(public, code, ip="198.51.100.9", rating="3").status_code == 302  # another address
    assert VisitFeedback.objects.count() == 3


def test_the_limit_per_visit(checked_in_visit, code_of, public, settings):
    settings.SPOTCHECK_FEEDBACK_PER_VISIT = 2
    code = code_of(checked_in_visit)
    for n in range(2):
        assert _post(public, code, ip=f"198.51.100.{n}", rating="5").status_code == 302
    response = _post(public, code, ip="198.51.100.99", rating="5")
    assert response.status_code == 429 and "达到上限" in response.content.decode()
    assert VisitFeedback.objects.count() == 2


def test_the_default_limits_are_the_briefs(settings):
    assert settings.SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR == 5 and settings.SPOTCHECK_FEEDBACK_PER_VISIT == 20


@pytest.fixture
def complained(checked_in_visit, code_of, public):
    _post(public, code_of(checked_in_visit), rating="1", complaint="要求企业请吃饭")
    _post(public, code_of(checked_in_visit), ip="198.51.100.1", rating="5")
    return checked_in_visit


def test_no_public_page_shows_feedback(complained, code_of, public, scjg_task):
    for url in (
        _public(code_of(complained)),
        reverse("portal:index"),
        reverse("portal:task_list"),
        reverse("portal:task_detail", args=[scjg_task.code]),
        reverse("portal:check_code_form"),
    ):
        response = public.get(url)
        assert response.status_code == 200, url
        assert "要求企业请吃饭" not in response.content.decode()
    assert public.get(STAFF_URL).status_code in (302, 404)


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "auditor", "coordinator"])
def test_the_departments_readers_and_the_coordinator_read_it(request, complained, login, persona):
    client = login(request.getfixturevalue(persona))
    page = client.get(STAFF_URL).content.decode()
    assert "要求企业请吃饭" in page and complained.inspection_object.name in page
    page = client.get(reverse("inspections:visit_detail", args=[complained.pk])).content.decode()
    assert 'id="feedback"' in page and "要求企业请吃饭" in page


def test_the_team_does_not_read_it(complained, login, scjg_inspector):
    page = login(scjg_inspector).get(reverse("inspections:visit_detail", args=[complained.pk])).content.decode()
    assert 'id="feedback"' not in page and "要求企业请吃饭" not in page
    response = login(scjg_inspector).get(STAFF_URL)
    assert response.status_code == 403 and "部门管理员" in response.content.decode()


def test_another_department_sees_none_of_it(complained, login, wsjk_admin, scjg):
    client = login(wsjk_admin)
    response = client.get(STAFF_URL)
    assert response.status_code == 200 and "要求企业请吃饭" not in response.content.decode()
    assert "要求企业请吃饭" not in client.get(STAFF_URL, {"department": scjg.pk}).content.decode()
    assert client.get(reverse("inspections:visit_detail", args=[complained.pk])).status_code == 404


def test_the_filters(complained, login, coordinator, scjg, wsjk):
    client = login(coordinator)

    def rows(**params):
        return list(client.get(STAFF_URL, params).context["page_obj"].object_list)

    assert len(rows()) == 2
    assert [f.complaint for f in rows(kind="complaint")] == ["要求企业请吃饭"]
    assert [f.rating for f in rows(kind="rating")] == [5]
    assert len(rows(department=scjg.pk)) == 2 and rows(department=wsjk.pk) == []


@pytest.mark.parametrize("params", [{"department": "x"}, {"department": "99999999"}, {"kind": "²"}, {"page": "-1"}])
def test_odd_filters_give_no_error(complained, login, coordinator, params):
    response = login(coordinator).get(STAFF_URL, params)
    assert response.status_code == 200
