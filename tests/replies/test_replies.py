"""企业说明/异议 (issue 14, item 4): an enterprise, proving itself with the 检查码 of the visit
whose result was published, attaches a statement or an objection; the lead department's admin or
approver accepts it (then it shows beside the result on the portal: 企业说明（已审核） with its
date) or rejects it with a reason the enterprise reads by typing its code on the status page.
No login, CSRF-protected, rate-limited, audited; the contact name is never public."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws.models import Visit
from spotcheck.inspections import services as inspections
from spotcheck.inspections.models import VisitCode
from spotcheck.publication import services as publication
from spotcheck.publication.models import PublishedResult
from spotcheck.replies import services
from spotcheck.replies.models import EnterpriseReply
from tests.publication.conftest import correct

pytestmark = pytest.mark.usefixtures("spring_2026")

IP = "203.0.113.9"
CONTACT = "联系人王某MARKER"


def _form(published) -> str:
    return reverse("portal:reply", args=[published.pk])


def _post(client, published, ip=IP, **data):
    payload = {"kind": "statement", "text": "我公司已于次日完成整改。", "contact_name": CONTACT} | data
    return client.post(_form(published), payload, REMOTE_ADDR=ip)


def _enterprise_page(client, published) -> str:
    obj = published.inspection_object
    return client.get(reverse("portal:enterprise", args=[obj.public_code])).content.decode()


def _notice_page(client, published) -> str:
    return client.get(reverse("portal:result_notice", args=[published.notice_id])).content.decode()


def test_the_enterprise_submits_with_its_code_and_reads_the_status(published, code, public):
    # The enterprise page and the notice offer the form beside the result.
    assert _form(published) in _enterprise_page(public, published)
    assert _form(published) in _notice_page(public, published)
    page = public.get(_form(published))
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"

    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"  # as a person types it
    response = _post(public, published, code=typed, kind="objection", text="检查时我公司已公示年报，结果有误。")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:reply_status") + "?code=")
    reply = EnterpriseReply.objects.get()
    assert reply.status == "pending" and reply.kind == "objection"
    assert reply.visit_result == published.visit_result and reply.published_result == published
    assert reply.department == published.notice.department and reply.contact_name == CONTACT
    entry = AuditEntry.objects.get(action="replies.reply.submit")
    assert entry.actor is None and entry.after["kind"] == "objection"
    assert entry.department_id == published.notice.department_id

    status = public.get(response["Location"]).content.decode()
    assert "已提交" in status and "待审核" in status and "结果有误" in status
    assert CONTACT not in status
    # Pending: not shown beside the result.
    for page in (_enterprise_page(public, published), _notice_page(public, published)):
        assert "结果有误" not in page and CONTACT not in page


@pytest.fixture
def other_visit_code(published, scjg_approver):
    """The 检查码 of another visit of the same task (another enterprise's)."""
    other = Visit.objects.filter(task=published.notice.task).exclude(pk=published.visit_result.visit_id).first()
    inspections.visits_approve(actor=scjg_approver, task=other.task, visits=[other])
    return VisitCode.objects.get(visit=other).code


@pytest.mark.parametrize("which", ["garbage", "empty", "other", "long"])
def test_a_code_not_of_that_visit_is_refused(published, code, other_visit_code, public, which):
    typed = {"garbage": "ZZZZ-ZZZZ-ZZZZ", "empty": "", "other": other_visit_code, "long": code * 40}[which]
    response = _post(public, published, code=typed)
    assert response.status_code == 400 and "检查码与该检查结果不符" in response.content.decode()
    assert not EnterpriseReply.objects.exists()
    assert not AuditEntry.objects.filter(action="replies.reply.submit").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "请填写内容"),
        ({"text": "字" * 1001}, "内容最多 1000 个字"),
        ({"text": "x" * 100000}, "内容最多 1000 个字"),
        ({"kind": "praise"}, "请选择类型"),
        ({"kind": ""}, "请选择类型"),
        ({"contact_name": "名" * 51}, "联系人最多 50 个字"),
    ],
)
def test_bad_input_is_refused_naming_the_field(published, code, public, data, message):
    response = _post(public, published, code=code, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not EnterpriseReply.objects.exists()


def test_the_text_limit_is_a_setting_and_shown(published, code, public, settings):
    settings.SPOTCHECK_REPLY_MAX_CHARS = 10
    assert "最多 10 字" in public.get(_form(published)).content.decode()
    response = _post(public, published, code=code, text="一二三四五六七八九十一")
    assert response.status_code == 400 and "内容最多 10 个字" in response.content.decode()
    assert _post(public, published, code=code, text="一二三四五六七八九十").status_code == 302


def test_no_reply_to_an_unpublished_superseded_or_withdrawn_result(
    published, code, public, result_officers, scjg_admin
):
    assert public.get(reverse("portal:reply", args=[published.pk + 1000])).status_code == 404
    # Corrected: the old version is superseded, the new one takes replies.
    corrected = correct(published.visit_result, result_officers)
    new = publication.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="复核后更正")
    assert _post(public, published, code=code).status_code == 404
    assert _post(public, new, code=code).status_code == 302
    # Withdrawn: nothing to reply to, through the page or the service.
    publication.result_publication_withdraw(actor=scjg_admin, published=new, reason="决定撤销")
    assert _post(public, new, code=code).status_code == 404
    with pytest.raises(ValidationError, match="已不在公示中"):
        services.reply_submit(published=new, code=code, kind="statement", text="x")
    assert EnterpriseReply.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(published, code):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_form(published), {"code": code, "kind": "statement", "text": "x"}).status_code == 403
    assert not EnterpriseReply.objects.exists()


def test_the_rate_limit_per_address_counts_wrong_codes_too(published, code, public, settings):
    settings.SPOTCHECK_REPLY_PER_IP_PER_HOUR = 3
    assert _post(public, published, code=code).status_code == 302
    assert _post(public, published, code="WRONG-WRONG-1").status_code == 400
    assert _post(public, published, code=code).status_code == 302
    response = _post(public, published, code=code)
    assert response.status_code == 429 and "每小时最多提交 3 次" in response.content.decode()
    assert EnterpriseReply.objects.count() == 2
    # Another address is not limited by this one.
    assert _post(public, published, ip="198.51.100.1", code=code).status_code == 302


def test_the_limit_per_result(published, code, public, settings):
    settings.SPOTCHECK_REPLY_PER_RESULT = 2
    for n in range(2):
        assert _post(public, published, ip=f"198.51.100.{n}", code=code).status_code == 302
    response = _post(public, published, ip="198.51.100.9", code=code)
    assert response.status_code == 429 and "达到上限" in response.content.decode()
    assert EnterpriseReply.objects.count() == 2


@pytest.fixture
def reply(published, code):
    return services.reply_submit(
        published=published,
        code=code,
        kind="statement",
        text="我公司已按要求完成整改MARKER-TEXT。",
        contact_name=CONTACT,
        client_ip=IP,
    )


def test_the_department_accepts_and_the_portal_shows_it_beside_the_result(reply, published, login, scjg_admin, public):
    staff = login(scjg_admin)
    listing = staff.get(reverse("replies:list")).content.decode()
    assert reverse("replies:detail", args=[reply.pk]) in listing and "MARKER-TEXT" in listing
    detail = staff.get(reverse("replies:detail", args=[reply.pk])).content.decode()
    assert CONTACT in detail and reverse("replies:accept", args=[reply.pk]) in detail

    response = staff.post(reverse("replies:accept", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "accepted" and reply.decided_by == scjg_admin and reply.decided_at
    entry = AuditEntry.objects.get(action="replies.reply.accept")
    assert entry.actor == scjg_admin and entry.after["status"] == "accepted"

    day = reply.decided_at.astimezone().strftime("%Y-%m-%d")
    for page in (_enterprise_page(public, published), _notice_page(public, published)):
        assert "企业说明（已审核）" in page and "MARKER-TEXT" in page and day in page
        assert CONTACT not in page and scjg_admin.full_name not in page

    # Accepting twice: refused, nothing written.
    staff.post(reverse("replies:accept", args=[reply.pk]))
    assert AuditEntry.objects.filter(action="replies.reply.accept").count() == 1
    with pytest.raises(ValidationError, match="已审核"):
        services.reply_accept(actor=scjg_admin, reply=reply)
    with pytest.raises(ValidationError, match="已审核"):
        services.reply_reject(actor=scjg_admin, reply=reply, reason="x")


def test_an_accepted_reply_stays_beside_the_corrected_result(reply, published, result_officers, scjg_admin, public):
    services.reply_accept(actor=scjg_admin, reply=reply)
    corrected = correct(published.visit_result, result_officers)
    publication.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="复核后更正")
    page = _enterprise_page(public, published)
    assert "MARKER-TEXT" in page and "针对公示版本 1" in page
    # A withdrawn result shows only that it was withdrawn.
    new = PublishedResult.objects.get(visit_result=published.visit_result, state="current")
    publication.result_publication_withdraw(actor=scjg_admin, published=new, reason="决定撤销")
    assert "MARKER-TEXT" not in _enterprise_page(public, published)


def test_the_department_rejects_with_a_reason_the_enterprise_reads(
    reply, published, code, login, scjg_approver, public
):
    staff = login(scjg_approver)
    url = reverse("replies:reject", args=[reply.pk])
    staff.post(url, {"reason": "  "})
    reply.refresh_from_db()
    assert reply.status == "pending"
    staff.post(url, {"reason": "现场检查记录显示当日未公示年报。"})
    reply.refresh_from_db()
    assert reply.status == "rejected" and reply.rejection_reason == "现场检查记录显示当日未公示年报。"
    assert AuditEntry.objects.get(action="replies.reply.reject").after["reason"] == reply.rejection_reason

    status = public.get(reverse("portal:reply_status"), {"code": code.lower()}).content.decode()
    assert "不予采纳" in status and "当日未公示年报" in status and CONTACT not in status
    page = _enterprise_page(public, published)
    assert "MARKER-TEXT" not in page and "当日未公示年报" not in page
    with pytest.raises(ValidationError, match="已审核"):
        services.reply_accept(actor=scjg_approver, reply=reply)


def test_the_status_page_without_or_with_a_bad_code(db, public):
    url = reverse("portal:reply_status")
    assert public.get(url).status_code == 200
    for typed in ("nope", "ZZZZ-ZZZZ-ZZZZ", "²" * 300, "\x00"):
        response = public.get(url, {"code": typed})
        assert response.status_code == 404 and "没有与该检查码对应的检查" in response.content.decode()


def test_an_objection_links_to_the_results_publication_page(published, code, login, scjg_admin):
    objection = services.reply_submit(published=published, code=code, kind="objection", text="结果有误")
    page = login(scjg_admin).get(reverse("replies:detail", args=[objection.pk])).content.decode()
    assert reverse("publication:task", args=[published.notice.task_id]) in page


def test_who_reads_and_who_decides(reply, client, nobody, scjg_inspector, auditor, wsjk_admin, coordinator):
    detail = reverse("replies:detail", args=[reply.pk])
    accept = reverse("replies:accept", args=[reply.pk])
    for user, read, write in (
        (nobody, 404, 404),
        (scjg_inspector, 404, 404),  # a team member does not read replies about its visit
        (wsjk_admin, 404, 404),  # another department: the row is not revealed
        (auditor, 200, 403),
        (coordinator, 200, 403),
    ):
        client.force_login(user)
        assert client.get(detail).status_code == read, user
        assert client.post(accept).status_code == write, user
    client.force_login(wsjk_admin)
    assert "MARKER-TEXT" not in client.get(reverse("replies:list")).content.decode()
    reply.refresh_from_db()
    assert reply.status == "pending"
    with pytest.raises(PermissionDenied):
        services.reply_accept(actor=wsjk_admin, reply=reply)
    with pytest.raises(PermissionDenied):
        services.reply_accept(actor=auditor, reply=reply)


def test_the_home_page_counts_replies_to_review(reply, login, scjg_admin, wsjk_admin):
    page = login(scjg_admin).get("/").content.decode()
    assert "1 份企业说明/异议待审核" in page and reverse("replies:list") + "?state=pending" in page
    assert "企业说明/异议待审核" not in login(wsjk_admin).get("/").content.decode()


def test_the_staff_lists_take_a_fixed_number_of_queries(
    published, code, login, scjg_admin, settings, django_assert_max_num_queries
):
    settings.SPOTCHECK_REPLY_PER_IP_PER_HOUR = 100
    settings.SPOTCHECK_REPLY_PER_RESULT = 100
    for n in range(12):
        services.reply_submit(published=published, code=code, kind="statement", text=f"说明 {n}")
    staff = login(scjg_admin)
    staff.get(reverse("replies:list"))
    with django_assert_max_num_queries(8):
        page = staff.get(reverse("replies:list")).content.decode()
    assert page.count('class="reply"') == 12
    with django_assert_max_num_queries(8):
        assert staff.get(reverse("replies:list") + "?state=all").status_code == 200
