"""投诉答复 (issue 14, item 4): a complaint from the 检查码 page is answered by the lead
department's admin or approver, once, audited; the enterprise reads the answer when it opens the
检查码 page again — only there, and never the complaint's text, which stays off every public page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.inspections.feedback import visit_feedback_submit
from spotcheck.inspections.models import VisitFeedback
from spotcheck.replies import services
from spotcheck.replies.models import ComplaintAnswer

pytestmark = pytest.mark.usefixtures("spring_2026")

ANSWER = "经核查，检查人员迟到系交通原因，已提醒改进MARKER-ANSWER。"


@pytest.fixture
def complaint(on_site_content):
    return VisitFeedback.objects.get(visit=on_site_content)


def _check_page(client, code_of, visit) -> str:
    return client.get(reverse("portal:check_code", args=[code_of(visit)])).content.decode()


def test_the_department_answers_and_the_enterprise_reads_it_on_the_code_page(
    complaint, code_of, login, scjg_admin, client
):
    visit = complaint.visit
    client.logout()
    page = _check_page(client, code_of, visit)
    assert "待答复" in page and "检查人员迟到半小时" not in page

    staff = login(scjg_admin)
    listing = staff.get(reverse("replies:complaints")).content.decode()
    assert "检查人员迟到半小时" in listing and reverse("replies:complaint_answer", args=[complaint.pk]) in listing
    response = staff.post(reverse("replies:complaint_answer", args=[complaint.pk]), {"text": ANSWER})
    assert response.status_code == 302
    answer = ComplaintAnswer.objects.get()
    assert answer.feedback == complaint and answer.answered_by == scjg_admin and answer.text == ANSWER
    entry = AuditEntry.objects.get(action="replies.complaint.answer")
    assert entry.actor == scjg_admin and entry.after["text"] == ANSWER
    assert entry.department_id == visit.task.lead_department_id
    assert "MARKER-ANSWER" in staff.get(reverse("replies:complaints") + "?state=answered").content.decode()
    assert "MARKER-ANSWER" not in staff.get(reverse("replies:complaints")).content.decode()  # unanswered only

    client.logout()
    page = _check_page(client, code_of, visit)
    assert "MARKER-ANSWER" in page and "已答复" in page and "检查人员迟到半小时" not in page
    # Nowhere else on the portal.
    for url in ("/public/", reverse("portal:result_notice_list"), reverse("portal:reply_status")):
        assert "MARKER-ANSWER" not in client.get(url).content.decode()

    # Once only.
    staff = login(scjg_admin)
    staff.post(reverse("replies:complaint_answer", args=[complaint.pk]), {"text": "再答复"})
    assert ComplaintAnswer.objects.count() == 1
    with pytest.raises(ValidationError, match="已答复"):
        services.complaint_answer(actor=scjg_admin, feedback=complaint, text="再答复")


def test_an_empty_or_too_long_answer_is_refused(complaint, scjg_admin, settings):
    with pytest.raises(ValidationError, match="请填写答复内容"):
        services.complaint_answer(actor=scjg_admin, feedback=complaint, text="   ")
    settings.SPOTCHECK_REPLY_MAX_CHARS = 5
    with pytest.raises(ValidationError, match="不能超过 5 个字符"):
        services.complaint_answer(actor=scjg_admin, feedback=complaint, text="一二三四五六")
    assert not ComplaintAnswer.objects.exists()


def test_a_rating_without_a_complaint_is_not_answered(checked_in_visit, scjg_admin, login):
    rating = visit_feedback_submit(visit=checked_in_visit, rating=5, client_ip="203.0.113.5")
    with pytest.raises(ValidationError, match="没有投诉内容"):
        services.complaint_answer(actor=scjg_admin, feedback=rating, text="谢谢")
    response = login(scjg_admin).post(reverse("replies:complaint_answer", args=[rating.pk]), {"text": "谢谢"})
    assert response.status_code == 404
    assert not ComplaintAnswer.objects.exists()


def test_who_answers(complaint, client, nobody, scjg_inspector, auditor, wsjk_admin, coordinator, scjg_approver):
    url = reverse("replies:complaint_answer", args=[complaint.pk])
    for user, expected in (
        (nobody, 404),
        (scjg_inspector, 404),  # the team: a complaint may be about them
        (wsjk_admin, 404),
        (auditor, 403),
        (coordinator, 403),
    ):
        client.force_login(user)
        assert client.post(url, {"text": ANSWER}).status_code == expected, user
    assert not ComplaintAnswer.objects.exists()
    client.force_login(scjg_inspector)
    assert client.get(reverse("replies:complaints")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.complaint_answer(actor=wsjk_admin, feedback=complaint, text=ANSWER)
    client.force_login(scjg_approver)
    assert client.post(url, {"text": ANSWER}).status_code == 302
    assert ComplaintAnswer.objects.get().answered_by == scjg_approver


def test_the_home_page_counts_complaints_to_answer(complaint, login, scjg_admin):
    page = login(scjg_admin).get("/").content.decode()
    assert "1 条企业投诉待答复" in page and reverse("replies:complaints") + "?state=unanswered" in page
    services.complaint_answer(actor=scjg_admin, feedback=complaint, text=ANSWER)
    assert "企业投诉待答复" not in login(scjg_admin).get("/").content.decode()


def test_the_printed_result_notice_shows_the_check_code(published, code, login, scjg_admin):
    """检查结果告知书: the enterprise gets its 检查码 on paper, to reply to the published result."""
    from spotcheck.inspections.check_codes import grouped

    visit = published.visit_result.visit
    page = login(scjg_admin).get(reverse("followups:result_notice", args=[visit.pk])).content.decode()
    assert grouped(code) in page and reverse("portal:check_code", args=[code]) in page


def test_the_complaint_list_takes_a_fixed_number_of_queries(
    checked_in_visit, login, scjg_admin, settings, django_assert_max_num_queries
):
    settings.SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR = 100
    for n in range(10):
        feedback = visit_feedback_submit(visit=checked_in_visit, complaint=f"投诉 {n}", client_ip="203.0.113.5")
        if n % 2:
            services.complaint_answer(actor=scjg_admin, feedback=feedback, text=f"答复 {n}")
    staff = login(scjg_admin)
    staff.get(reverse("replies:complaints"))
    with django_assert_max_num_queries(8):
        page = staff.get(reverse("replies:complaints") + "?state=all").content.decode()
    assert page.count('class="complaint"') == 10 and page.count('<span class="badge ok">') == 5
