"""The demo region shows a living portal (issue 14, item 10): after the small demo's load, the
portal lists result notices of several departments, published on time and one late; a
correction and a withdrawal show with their notes; the redraw's two task pages link each other;
the results due soon and overdue stay unpublished for the deadline dashboard (test_deadlines)."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.demo.logins import portal_pointers
from spotcheck.demo.plans_and_draws import REDRAW_CANCEL_REASON, REDRAW_REASON
from spotcheck.demo.portal_story import CORRECTION_NOTE, WITHDRAWAL_NOTE, _shared_first, _take
from spotcheck.draws.models import Task
from spotcheck.publication.models import PublishedResult, ResultNotice
from spotcheck.results.models import VisitResult

pytestmark = pytest.mark.django_db


def test_the_portal_lists_result_notices_of_several_departments(demo, client):
    page = client.get(reverse("portal:result_notice_list"))
    assert page.status_code == 200
    notices = list(ResultNotice.objects.select_related("department"))
    departments = {notice.department for notice in notices}
    assert len(departments) >= 2 and demo.counts["result_notice_departments"] == len(departments)
    html = page.content.decode()
    for notice in notices:
        assert notice.title in html
    assert any(d.code == "SCJG" for d in departments)


def test_results_were_published_on_time_and_one_late(demo, client):
    shown = PublishedResult.objects.filter(state=PublishedResult.State.CURRENT)
    assert shown.filter(on_time=True).count() >= 3
    late = shown.get(on_time=False)
    # Published after its deadline, on a day before the load day.
    assert late.due_on < timezone.localdate(late.published_at) < timezone.localdate()
    page = client.get(reverse("portal:result_notice", args=[late.notice_id])).content.decode()
    row = page.split(f'id="r{late.pk}"')[1].split("</tr>")[0]
    assert "逾期" in row


def test_a_correction_and_a_withdrawal_are_visible_with_their_notes(demo, client):
    corrected = PublishedResult.objects.get(state=PublishedResult.State.CURRENT, version=2)
    assert corrected.correction_reason == CORRECTION_NOTE
    assert PublishedResult.objects.filter(visit_result=corrected.visit_result, version=1, state="superseded").exists()
    withdrawn = PublishedResult.objects.get(state=PublishedResult.State.WITHDRAWN)
    assert withdrawn.withdrawal_reason == WITHDRAWAL_NOTE
    page = client.get(reverse("portal:result_notice", args=[corrected.notice_id])).content.decode()
    assert CORRECTION_NOTE in page and "更正" in page
    page = client.get(reverse("portal:result_notice", args=[withdrawn.notice_id])).content.decode()
    assert WITHDRAWAL_NOTE in page and "已撤下" in page
    # The enterprise pages show them too.
    for row, text in ((corrected, CORRECTION_NOTE), (withdrawn, WITHDRAWAL_NOTE)):
        code = row.visit_result.visit.inspection_object.public_code
        page = client.get(reverse("portal:enterprise", args=[code]))
        assert page.status_code == 200 and text in page.content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"publication.results.publish", "publication.result.correct", "publication.result.withdraw"} <= actions


def test_an_enterprise_page_shows_its_published_results_with_their_department(demo, client):
    for row in PublishedResult.objects.filter(state=PublishedResult.State.CURRENT).select_related("notice"):
        code = row.visit_result.visit.inspection_object.public_code
        page = client.get(reverse("portal:enterprise", args=[code])).content.decode()
        assert row.notice.department.name in page


def test_results_due_soon_and_overdue_stay_unpublished(demo):
    today = timezone.localdate()
    waiting = VisitResult.objects.filter(status=VisitResult.Status.CONFIRMED, publications__isnull=True)
    assert waiting.filter(publication_due_on__lt=today).count() >= 2
    assert waiting.filter(publication_due_on__gte=today).count() >= 1


def test_the_redraw_and_the_task_it_replaces_link_each_other(demo, client):
    redraw = Task.objects.select_related("replaces").get(replaces__isnull=False)
    old = redraw.replaces
    assert demo.counts["tasks_redrawn"] == 1
    assert (old.status, old.cancelled_reason) == (Task.Status.CANCELLED, REDRAW_CANCEL_REASON)
    assert (redraw.status, redraw.redraw_status) == (Task.Status.DRAWN, Task.RedrawStatus.APPROVED)
    assert redraw.redraw_reason == REDRAW_REASON and redraw.redraw_decided_by.username == "coordinator"
    new_page = client.get(reverse("portal:task_detail", args=[redraw.code])).content.decode()
    old_page = client.get(reverse("portal:task_detail", args=[old.code])).content.decode()
    assert reverse("portal:task_detail", args=[old.code]) in new_page and REDRAW_REASON in new_page
    assert reverse("portal:task_detail", args=[redraw.code]) in old_page and REDRAW_CANCEL_REASON in old_page


def test_demo_logins_says_where_the_portal_shows_the_results(demo, client):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    output = out.getvalue()
    pointers = portal_pointers()
    labels = {p.label for p in pointers}
    assert {"检查结果公告", "更正的检查结果", "撤下的检查结果", "重新抽取的任务"} <= labels
    for pointer in pointers:
        assert f"{pointer.label}：{pointer.path}" in output
        assert client.get(pointer.path.split("#")[0]).status_code == 200


def test_the_shared_enterprise_leads_and_every_visit_is_taken_once():
    """Without a load: rows as (visit, users), the object both tasks drew moved to the front."""
    visit = lambda pk, obj: SimpleNamespace(pk=pk, inspection_object_id=obj)  # noqa: E731
    scjg_a, scjg_b = [(visit(1, 10), []), (visit(2, 20), []), (visit(3, 30), [])], [(visit(4, 40), [])]
    other = [(visit(5, 50), []), (visit(6, 30), [])]
    scjg, others, shared = _shared_first({"A": scjg_a, "B": scjg_b}, {"O": other})
    assert shared == 30
    assert [row[1].pk for row in _take(scjg, 4)] == [3, 1, 2, 4]
    assert [row[1].pk for row in _take(others, 2)] == [6, 5]
    assert _shared_first({"A": scjg_a}, {"O": other[:1]})[2] is None


def test_an_enterprise_statement_is_accepted_and_shown(demo, client):
    """(lead) The demo's enterprise statement, sent with the visit's 检查码 and accepted, shows
    beside its result on the enterprise's page."""
    from spotcheck.replies.models import EnterpriseReply

    reply = EnterpriseReply.objects.get()
    assert reply.status == EnterpriseReply.Status.ACCEPTED and demo.counts["enterprise_statements_accepted"] == 1
    obj = reply.published_result.inspection_object
    page = client.get(reverse("portal:enterprise", args=[obj.public_code])).content.decode()
    assert reply.text in page


def test_an_enterprise_shows_results_of_two_departments_and_an_accepted_statement(demo, client):
    """(gaps14; issue 14, item 10) On every load — the small one too, whatever the server secret:
    the object the joint draw and the draw overlapping it both take whole (its credit downgraded to
    D before the tasks when the small directory has no such object) has its results of both
    departments published, and its statement accepted, on one enterprise page."""
    from spotcheck.demo.plans_and_draws import SHARED_CREDIT_REASON
    from spotcheck.directory.models import LevelChange
    from spotcheck.replies.models import EnterpriseReply

    assert demo.counts["enterprises_with_two_departments"] == 1
    reply = EnterpriseReply.objects.select_related("published_result__inspection_object").get(
        status=EnterpriseReply.Status.ACCEPTED
    )
    obj = reply.published_result.inspection_object
    shown = PublishedResult.objects.filter(inspection_object=obj, state=PublishedResult.State.CURRENT)
    departments = {row.notice.department for row in shown.select_related("notice__department")}
    assert len(departments) >= 2, departments
    page = client.get(reverse("portal:enterprise", args=[obj.public_code]))
    assert page.status_code == 200
    html = page.content.decode()
    for department in departments:
        assert department.name in html
    assert reply.text in html and "企业说明（已审核）" in html
    # Where the directory had no object both draws take whole, one was downgraded, on the record.
    downgraded = LevelChange.objects.filter(reason=SHARED_CREDIT_REASON)
    assert downgraded.count() == demo.counts["objects_downgraded_for_joint_overlap"] <= 1
