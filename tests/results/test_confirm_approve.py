"""Confirmation, approval and correction (issue 13, item 7): complete when two certified
officers of the team — the one who saved it among them — confirmed the current revision; the
publication deadline set from that day; approved by the lead department's approver where the
department asks for it; a confirmed result corrected only with a reason, confirmed again,
both versions readable."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.inspectors.models import Inspector
from spotcheck.results import selectors, services
from spotcheck.results.models import ResultConfirmation, VisitResult
from spotcheck.results.signals import result_confirmed
from spotcheck.workdays.deadlines import publication_deadline
from tests.clock import clock_at
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.results import TODAY, form_post, result_data

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture
def entered(officers, approved):
    return services.result_save(actor=officers[0], visit=approved, data=result_data(approved), base_revision=None)


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    result_confirmed.connect(receiver)
    yield calls
    result_confirmed.disconnect(receiver)


def _confirm(user, result, revision=None):
    return services.result_confirm(actor=user, visit_result=result, revision=revision or result.revision)


def test_two_certified_officers_complete_it(login, officers, entered, heard):
    first, second = officers
    client = login(second)
    url = reverse("results:visit", args=[entered.visit_id])
    assert "确认第 1 版检查结果" in client.get(url).content.decode()
    client.post(reverse("results:confirm", args=[entered.visit_id]), {"revision": 1})
    entered.refresh_from_db()
    assert entered.status == "entered" and not heard  # the one who saved it has not confirmed yet
    login(first).post(reverse("results:confirm", args=[entered.visit_id]), {"revision": 1})
    entered.refresh_from_db()
    assert entered.status == "confirmed" and entered.confirmed_at is not None
    expected = publication_deadline(TODAY)
    assert entered.publication_due_on == expected.date
    assert entered.publication_due_provisional == expected.provisional
    assert len(heard) == 1 and heard[0]["visit_result"].pk == entered.pk and heard[0]["corrected"] is False
    assert AuditEntry.objects.filter(action="results.result.confirm").count() == 2
    assert AuditEntry.objects.filter(action="results.result.complete").count() == 1
    page = client.get(url).content.decode()
    assert "2/2" in page and "最终结果" in page  # 市场监管 does not ask for approval
    assert selectors.is_final(entered) and VisitResult.objects.filter(selectors.final_results_q()).count() == 1


def test_confirming_twice_is_refused(officers, entered):
    _confirm(officers[1], entered)
    with pytest.raises(ValidationError, match="不能重复确认"):
        _confirm(officers[1], entered)
    assert ResultConfirmation.objects.count() == 1


def test_a_third_person_not_on_the_team_may_not_confirm(officers, entered, scjg, scjg_admin, login):
    third = UserFactory(username="third_person")
    MembershipFactory(user=third, department=scjg, role="inspector")
    with pytest.raises(PermissionDenied, match="持有效执法证"):
        _confirm(third, entered)
    with pytest.raises(PermissionDenied):
        _confirm(scjg_admin, entered)
    assert (
        login(scjg_admin).post(reverse("results:confirm", args=[entered.visit_id]), {"revision": 1}).status_code == 403
    )
    assert not ResultConfirmation.objects.exists()


def test_a_member_without_a_valid_certificate_may_not_confirm(officers, entered):
    inspector = Inspector.objects.get(user=officers[1])
    inspector.certificate_expires_on = TODAY - dt.timedelta(days=1)
    inspector.save(update_fields=["certificate_expires_on"])
    with pytest.raises(PermissionDenied):
        _confirm(officers[1], entered)
    inspector.certificate_number, inspector.certificate_expires_on = "", TODAY + dt.timedelta(days=30)
    inspector.save(update_fields=["certificate_number", "certificate_expires_on"])
    with pytest.raises(PermissionDenied):
        _confirm(officers[1], entered)


def test_a_stale_revision_is_not_confirmed(officers, entered):
    services.result_save(actor=officers[0], visit=entered.visit, data=result_data(entered.visit), base_revision=1)
    entered.refresh_from_db()
    with pytest.raises(ValidationError, match="已更新为第 2 版"):
        _confirm(officers[1], entered, revision=1)


def test_another_department_gets_a_404_on_confirm(login, wsjk_admin, entered):
    response = login(wsjk_admin).post(reverse("results:confirm", args=[entered.visit_id]), {"revision": 1})
    assert response.status_code == 404


def test_the_needed_confirmations_are_a_setting(settings, officers, entered):
    settings.SPOTCHECK_RESULT_CONFIRMATIONS = 1
    _confirm(officers[1], entered)
    entered.refresh_from_db()
    assert entered.status == "entered"  # the one who saved it is still needed
    _confirm(officers[0], entered)
    entered.refresh_from_db()
    assert entered.status == "confirmed"


@pytest.fixture
def complete(officers, entered):
    _confirm(officers[0], entered)
    _confirm(officers[1], entered)
    entered.refresh_from_db()
    return entered


def test_a_confirmed_result_is_corrected_only_with_a_reason(login, officers, complete, heard):
    visit = complete.visit
    with pytest.raises(ValidationError, match="请填写更正原因"):
        services.result_save(actor=officers[1], visit=visit, data=result_data(visit, note="补充"), base_revision=1)
    response = login(officers[1]).post(reverse("results:edit", args=[visit.pk]), form_post(visit, base_revision=1))
    assert response.status_code == 400 and "请填写更正原因" in response.content.decode()
    due, formed = complete.publication_due_on, complete.confirmed_at
    data = result_data(visit, codes=["A", "D"], answer="nonconforming")
    corrected = services.result_save(
        actor=officers[1], visit=visit, data=data, base_revision=1, reason="复核发现进货查验记录缺失"
    )
    assert corrected.status == "entered" and corrected.revision == 2
    revision = corrected.revisions.get(number=2)
    assert revision.is_correction and revision.reason == "复核发现进货查验记录缺失"
    assert AuditEntry.objects.filter(action="results.result.correct").count() == 1
    # Confirmed again, days later — by the one who saved the correction and another.
    with clock_at(dt.date(2026, 3, 2)):
        _confirm(officers[0], corrected)
        _confirm(officers[1], corrected)
    corrected.refresh_from_db()
    assert corrected.status == "confirmed"
    # The clock runs from when the result was formed: its first confirmation.
    assert corrected.publication_due_on == due and corrected.confirmed_at == formed
    assert [h["corrected"] for h in heard] == [True]
    # Both versions stay readable, with the difference.
    page = login(officers[0]).get(reverse("results:revisions", args=[visit.pk])).content.decode()
    assert "第 1 版" in page and "第 2 版" in page and "复核发现进货查验记录缺失" in page
    assert "与上一版相比" in page and "1 未发现问题" in page and "A 发现问题待后续处理" in page


@pytest.fixture
def needs_approval(scjg):
    scjg.results_need_approval = True
    scjg.save(update_fields=["results_need_approval"])
    return scjg


def test_the_approver_approves_the_tasks_confirmed_results(login, needs_approval, scjg_approver, complete):
    assert not selectors.is_final(VisitResult.objects.select_related("visit__task__lead_department").get())
    task = complete.visit.task
    client = login(scjg_approver)
    page = client.get(reverse("results:task", args=[task.pk])).content.decode()
    assert "审批全部已确认的检查结果（1 个）" in page
    client.post(reverse("results:task_approve", args=[task.pk]))
    complete.refresh_from_db()
    assert complete.status == "approved" and complete.approved_by == scjg_approver
    assert selectors.is_final(complete)
    assert AuditEntry.objects.filter(action="results.result.approve").count() == 1
    with pytest.raises(ValidationError, match="没有待审批"):
        services.result_approve(actor=scjg_approver, task=task)


def test_editing_after_approval_needs_a_reason(needs_approval, scjg_approver, officers, complete):
    services.result_approve(actor=scjg_approver, task=complete.visit.task)
    visit = complete.visit
    with pytest.raises(ValidationError, match="请填写更正原因"):
        services.result_save(actor=officers[0], visit=visit, data=result_data(visit), base_revision=1)
    corrected = services.result_save(
        actor=officers[0], visit=visit, data=result_data(visit), base_revision=1, reason="更正检查日期"
    )
    assert corrected.status == "entered" and corrected.approved_by is None


def test_only_the_lead_approver_approves_and_only_where_asked(
    login, scjg_admin, scjg_approver, auditor, wsjk_admin, complete
):
    task = complete.visit.task
    with pytest.raises(ValidationError, match="无需审批"):
        services.result_approve(actor=scjg_approver, task=task)
    for user in (scjg_admin, auditor):
        with pytest.raises(PermissionDenied):
            services.result_approve(actor=user, task=task)
    assert login(auditor).post(reverse("results:task_approve", args=[task.pk])).status_code == 403
    assert login(auditor).get(reverse("results:task", args=[task.pk])).status_code == 200
    assert login(wsjk_admin).get(reverse("results:task", args=[task.pk])).status_code == 404
    assert login(wsjk_admin).post(reverse("results:task_approve", args=[task.pk])).status_code == 404


def test_my_visits_states_follow_the_result(officers, entered, approved, scjg_task):
    from spotcheck.accounts.scope import scope_for
    from spotcheck.inspections.selectors import MyVisitState, my_visits

    member = officers[0]
    to_confirm = my_visits(scope_for(member), state=MyVisitState.TO_CONFIRM)
    assert approved in to_confirm
    assert approved not in my_visits(scope_for(member), state=MyVisitState.PENDING)
    assert approved not in my_visits(scope_for(member), state=MyVisitState.DONE)
    assert selectors.result_states([approved.pk]) == {approved.pk: "entered"}


def test_the_approvers_todo_selector(needs_approval, scjg_approver, complete):
    from spotcheck.accounts.scope import scope_for

    assert list(selectors.tasks_with_results_to_approve(scope_for(scjg_approver))) == [complete.visit.task]
    services.result_approve(actor=scjg_approver, task=complete.visit.task)
    assert not selectors.tasks_with_results_to_approve(scope_for(scjg_approver)).exists()


def test_off_site_checks_do_not_count_as_on_site_visits(officers, approved):
    visit = approved
    result = services.result_save(
        actor=officers[0], visit=visit, data=result_data(visit, method="2"), base_revision=None
    )
    assert not selectors.on_site_results().filter(pk=result.pk).exists()
    services.result_save(actor=officers[0], visit=visit, data=result_data(visit, method="1"), base_revision=1)
    assert selectors.on_site_results().filter(pk=result.pk).exists()
