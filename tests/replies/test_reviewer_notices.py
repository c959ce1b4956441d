"""The reviewers learn of the enterprise's voice in the app (gaps14, issue 14 item 4): a new
企业说明/异议 to a published result, or a complaint from the 检查码 page, sends a notice (提醒) to
every user who may review it (``replies.access``: the lead department's admins and approvers),
in the submission's transaction, linking to the page where they decide. Nobody else is told, a
second submission while the first waits tells nobody again, and the notice carries nothing of
what the enterprise wrote (its text, its contact name) nor an operator's name."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from spotcheck.inspections.feedback import visit_feedback_submit
from spotcheck.inspections.models import VisitCode, VisitFeedback
from spotcheck.notices.models import Notice
from spotcheck.replies import access, services
from spotcheck.replies.models import EnterpriseReply
from tests.factories import MembershipFactory, UserFactory
from tests.replies.conftest import publish_result

pytestmark = pytest.mark.usefixtures("spring_2026")

TEXT = "我公司已于次日完成整改MARKER-TEXT。"
CONTACT = "联系人王某MARKER-CONTACT"
OPERATOR = "李大为"
COMPLAINT = "检查人员态度粗暴MARKER-COMPLAINT。"


@pytest.fixture
def reviewers_and_others(scjg, wsjk, scjg_admin, scjg_approver, scjg_inspector, wsjk_admin, coordinator, auditor):
    """Everyone with a role somewhere, plus an inactive admin of 市场监管 and an approver of 卫健."""
    gone = UserFactory(username="former_admin", is_active=False)
    MembershipFactory(user=gone, department=scjg, role="dept_admin")
    wsjk_approver = UserFactory(username="wsjk_approver_x")
    MembershipFactory(user=wsjk_approver, department=wsjk, role="approver")
    return {scjg_admin, scjg_approver}, {scjg_inspector, wsjk_admin, wsjk_approver, coordinator, auditor, gone}


@pytest.fixture
def individual_published(result_officers, result_approved, scjg_admin):
    """A published result of a 个体工商户 whose name contains its operator's name."""
    obj = result_approved.inspection_object
    InspectionObject.objects.filter(pk=obj.pk).update(
        kind=InspectionObject.Kind.INDIVIDUAL, name=f"溧阳市{OPERATOR}小吃店", legal_representative=OPERATOR
    )
    return publish_result(result_officers, result_approved, scjg_admin, codes=("A", "D"))


def _submit(published, **data):
    code = VisitCode.objects.get(visit=published.visit_result.visit).code
    values = {"kind": "statement", "text": TEXT, "contact_name": CONTACT} | data
    return services.reply_submit(published=published, code=code, client_ip="203.0.113.9", **values)


def _told(kind):
    return set(get_user_model().objects.filter(notices__kind=kind))


def _assert_private(notice):
    shown = f"{notice.title} {notice.body} {notice.link}"
    for secret in ("MARKER-TEXT", "MARKER-CONTACT", "MARKER-COMPLAINT", OPERATOR):
        assert secret not in shown


def test_a_reply_tells_its_reviewers_and_nobody_else(
    reviewers_and_others, individual_published, login, settings, django_capture_on_commit_callbacks
):
    reviewers, others = reviewers_and_others
    settings.SPOTCHECK_NOTICE_EMAIL = True
    for user in reviewers | others:
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    department = individual_published.notice.department_id
    # The notified are exactly those access.py lets decide.
    assert {u for u in reviewers | others if access.may_review(scope_for(u), department)} == reviewers

    with pytest.raises(ValidationError):  # a wrong code writes nothing, tells nobody
        services.reply_submit(published=individual_published, code="WRONGCODE", kind="statement", text=TEXT)
    assert not Notice.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reply = _submit(individual_published, kind="objection")
    assert _told(Notice.Kind.REPLY_SUBMITTED) == reviewers
    assert AuditEntry.objects.get(action="replies.reply.submit").after["notified"] == len(reviewers)
    for notice in Notice.objects.all():
        assert notice.link == reverse("replies:detail", args=[reply.pk])
        assert notice.read_at is None and "溧阳市***小吃店" in notice.title
        assert reply.visit_result.visit.task.code in notice.body and "异议" in notice.body
        _assert_private(notice)
    # E-mailed after the commit, to the reviewers only, with nothing of what the enterprise wrote.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u.username}@example.gov.cn" for u in reviewers)
    for message in mail.outbox:
        assert "MARKER" not in message.subject + message.body and OPERATOR not in message.subject + message.body

    # The link works: opening the notice leads to the review page, where the reviewer decides.
    for user in reviewers:
        client = login(user)
        notice = Notice.objects.get(user=user)
        assert notice.title in client.get(reverse("notices:inbox")).content.decode()
        response = client.post(reverse("notices:open", args=[notice.pk]), follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and response.redirect_chain[-1][0] == notice.link
        assert "MARKER-TEXT" in page and reverse("replies:accept", args=[reply.pk]) in page
        notice.refresh_from_db()
        assert notice.read_at is not None


def test_a_second_reply_while_the_first_waits_tells_nobody_again(
    individual_published, reviewers_and_others, scjg_admin, login
):
    reviewers, _others = reviewers_and_others
    first = _submit(individual_published)
    second = _submit(individual_published, kind="objection", text="补充：整改照片已留存MARKER-TEXT。")
    assert Notice.objects.count() == len(reviewers)
    assert AuditEntry.objects.filter(action="replies.reply.submit").order_by("pk").last().after["notified"] == 0
    # The notice leads to the first; its page lists the other waiting on the same result.
    page = login(scjg_admin).get(reverse("replies:detail", args=[first.pk])).content.decode()
    assert 'id="other-pending"' in page and reverse("replies:detail", args=[second.pk]) in page

    # Once both are decided, the next one is told again, linking to itself.
    services.reply_accept(actor=scjg_admin, reply=first)
    services.reply_reject(actor=scjg_admin, reply=second, reason="与检查记录不符。")
    assert Notice.objects.count() == len(reviewers)  # a decision tells nobody
    third = _submit(individual_published)
    assert Notice.objects.count() == 2 * len(reviewers)
    assert set(
        Notice.objects.filter(link=reverse("replies:detail", args=[third.pk])).values_list("user", flat=True)
    ) == {u.pk for u in reviewers}
    assert EnterpriseReply.objects.count() == 3


def test_a_complaint_tells_the_lead_departments_reviewers(reviewers_and_others, on_site_content, login):
    """``on_site_content`` is a visit rated with a complaint on the 检查码 page."""
    reviewers, _others = reviewers_and_others
    visit = on_site_content
    assert _told(Notice.Kind.COMPLAINT_RECEIVED) == reviewers
    complaint = VisitFeedback.objects.exclude(complaint="").get(visit=visit)
    for notice in Notice.objects.filter(kind=Notice.Kind.COMPLAINT_RECEIVED):
        _assert_private(notice)
        assert visit.task.code in notice.body and "检查人员迟到半小时" not in notice.title + notice.body
        client = login(notice.user)
        response = client.post(reverse("notices:open", args=[notice.pk]), follow=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert f'id="complaint-{complaint.pk}"' in page and "检查人员迟到半小时" in page
        assert reverse("replies:complaint_answer", args=[complaint.pk]) in page
    entry = AuditEntry.objects.get(action="replies.complaint.notify")
    assert entry.actor is None and entry.after["notified"] == len(reviewers)


def test_ratings_alone_tell_nobody_and_a_second_complaint_waits_for_the_answer(
    reviewers_and_others, checked_in_visit, scjg_admin, settings
):
    reviewers, _others = reviewers_and_others
    settings.SPOTCHECK_FEEDBACK_PER_VISIT = 10
    visit_feedback_submit(visit=checked_in_visit, rating=5, client_ip="203.0.113.5")
    assert not Notice.objects.exists()

    first = visit_feedback_submit(visit=checked_in_visit, rating=1, complaint=COMPLAINT, client_ip="203.0.113.5")
    assert _told(Notice.Kind.COMPLAINT_RECEIVED) == reviewers
    for notice in Notice.objects.all():
        _assert_private(notice)
        assert notice.link == reverse("replies:complaints") + f"?state=unanswered#complaint-{first.pk}"
    visit_feedback_submit(visit=checked_in_visit, complaint="再次投诉MARKER-COMPLAINT。", client_ip="203.0.113.6")
    assert Notice.objects.count() == len(reviewers)  # the first still waits: no second notice

    services.complaint_answer(actor=scjg_admin, feedback=first, text="已核实并提醒检查人员。")
    assert Notice.objects.count() == len(reviewers)  # an answer tells nobody
    # The second complaint still waits: a third one names it.
    third = visit_feedback_submit(visit=checked_in_visit, complaint="第三次MARKER-COMPLAINT。", client_ip="203.0.113.7")
    assert Notice.objects.count() == 2 * len(reviewers)
    second = (
        VisitFeedback.objects.filter(visit=checked_in_visit)
        .exclude(complaint="")
        .exclude(pk__in=[first.pk, third.pk])
        .get()
    )
    assert set(Notice.objects.order_by("pk").values_list("link", flat=True)[len(reviewers) :]) == {
        reverse("replies:complaints") + f"?state=unanswered#complaint-{second.pk}"
    }
