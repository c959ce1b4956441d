"""审批 (issue 13, item 2): the lead department's approver approves a task's visits before any
result can be entered — all at once or some; a visit started in an emergency is approved
afterwards (事后补批); an approval is withdrawn with a reason and stays on record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.accounts.scope import scope_for as _scope
from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services as draws_services
from spotcheck.inspections import selectors, services
from spotcheck.inspections.models import EmergencyStart, VisitApproval

pytestmark = pytest.mark.usefixtures("spring_2026")


def _url(name, task):
    return reverse(f"inspections:{name}", args=[task.pk])


def test_approve_all_in_one_click_then_nothing_is_left(scjg_task, scjg_approver, login):
    client = login(scjg_approver)
    page = client.get(reverse("draws:detail", args=[scjg_task.pk])).content.decode()
    assert 'id="approval-notice"' in page and "已审批 0 个检查，待审批 12 个。" in page and "批准全部检查" in page
    response = client.post(_url("approval_approve", scjg_task), {"scope": "all", "next": "task"})
    assert response.status_code == 302 and response["Location"] == reverse("draws:detail", args=[scjg_task.pk])
    assert VisitApproval.objects.filter(visit__task=scjg_task, kind="before").count() == 12
    states = selectors.approval_states(scjg_task.visits.all())
    assert all(s.approved and s.approval.approved_by == scjg_approver for s in states.values())
    assert AuditEntry.objects.filter(action="inspections.visit.approve").count() == 12
    with pytest.raises(ValidationError, match="没有待审批的检查"):
        services.visits_approve(actor=scjg_approver, task=scjg_task)
    page = client.get(_url("approval", scjg_task)).content.decode()
    assert "已审批 12 个，待审批 0 个" in page and "事前审批" in page
    # Nothing is left to choose: no empty 选择 cells, no 全选本页 nor 批准所选检查 (e2e13).
    assert "批准所选检查" not in page and "data-select-all" not in page and 'data-label="选择"' not in page


def test_approve_some_and_twice_is_refused_all_or_nothing(scjg_task, scjg_approver, login):
    first, second, third = list(scjg_task.visits.order_by("pk"))[:3]
    client = login(scjg_approver)
    client.post(_url("approval_approve", scjg_task), {"visits": [first.pk, second.pk]})
    assert set(VisitApproval.objects.values_list("visit_id", flat=True)) == {first.pk, second.pk}
    response = client.post(_url("approval_approve", scjg_task), {"visits": [second.pk, third.pk]}, follow=True)
    assert "已经审批，不能重复审批" in response.content.decode() and second.public_id in response.content.decode()
    assert not VisitApproval.objects.filter(visit=third).exists()  # all or nothing
    # A visit of another task, or garbage, is never approved and never a 500.
    assert client.post(_url("approval_approve", scjg_task), {"visits": ["x"]}).status_code == 404
    with pytest.raises(ValidationError, match="不属于本任务"):
        services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[first.pk, 10**9])


def test_only_the_lead_departments_approver_approves(scjg_task, scjg_admin, coordinator, auditor, wsjk_admin, login):
    for user in (scjg_admin, coordinator):
        with pytest.raises(PermissionDenied, match="只有发起部门的主体负责人"):
            services.visits_approve(actor=user, task=scjg_task)
    response = login(auditor).post(_url("approval_approve", scjg_task), {"scope": "all"})
    assert response.status_code == 403 and "主体负责人" in response.content.decode()
    assert login(auditor).get(_url("approval", scjg_task)).status_code == 200
    # Another department does not see the task at all.
    assert login(wsjk_admin).get(_url("approval", scjg_task)).status_code == 404
    assert login(wsjk_admin).get(_url("approval_print", scjg_task)).status_code == 404
    assert not VisitApproval.objects.exists()


def test_undrawn_and_cancelled_tasks_are_refused(make_task, run_ceremony, scjg_admin, scjg_approver):
    draft = make_task()
    with pytest.raises(ValidationError, match="只有已抽取且未取消的任务"):
        services.visits_approve(actor=scjg_approver, task=draft)
    drawn = run_ceremony(make_task())
    draws_services.task_cancel(actor=scjg_admin, task=drawn, reason="计划调整")
    with pytest.raises(ValidationError, match="已取消"):
        services.visits_approve(actor=scjg_approver, task=drawn)


def test_emergency_start_by_a_team_member_then_approved_afterwards(scjg_task, scjg_approver, scjg_inspector, login):
    visit = scjg_task.visits.order_by("pk").first()
    with pytest.raises(ValidationError, match="检查尚未审批"):
        selectors.require_approved_or_emergency(visit)
    # Not on the team: refused with the rule.
    with pytest.raises(PermissionDenied, match="检查组成员"):
        services.visit_emergency_start(actor=scjg_inspector, visit=visit, reason="群众举报食品安全隐患")
    member = visit.members.first().inspector
    member.user = scjg_inspector
    member.save()
    client = login(scjg_inspector)
    url = reverse("inspections:emergency_start", args=[visit.pk])
    client.post(url, {"reason": ""})
    assert not EmergencyStart.objects.exists()
    client.post(url, {"reason": "群众举报食品安全隐患"})
    state = selectors.require_approved_or_emergency(visit)
    assert state.state == "emergency" and state.emergency.reason == "群众举报食品安全隐患"
    with pytest.raises(ValidationError, match="已登记紧急先行检查"):
        services.visit_emergency_start(actor=scjg_inspector, visit=visit, reason="再次")
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[visit])
    approval = selectors.approval_state(visit).approval
    assert approval.kind == VisitApproval.Kind.EMERGENCY and approval.get_kind_display() == "事后补批"
    assert approval.emergency_reason == "群众举报食品安全隐患"
    assert AuditEntry.objects.filter(action="inspections.visit.emergency_start").count() == 1
    # Another visit, approved first, needs no emergency start.
    other = scjg_task.visits.order_by("pk")[1]
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[other])
    assert selectors.require_approved_or_emergency(other).approved


def test_withdraw_keeps_the_record_and_the_visit_waits_again(scjg_task, scjg_approver, login):
    visit = scjg_task.visits.order_by("pk").first()
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[visit])
    client = login(scjg_approver)
    client.post(_url("approval_withdraw", scjg_task), {"visit": visit.pk, "reason": ""})
    assert selectors.approval_state(visit).approved
    client.post(_url("approval_withdraw", scjg_task), {"visit": visit.pk, "reason": "检查组需调整"})
    assert selectors.approval_state(visit).state == "waiting"
    withdrawn = VisitApproval.objects.get(visit=visit)
    assert withdrawn.withdraw_reason == "检查组需调整" and withdrawn.withdrawn_by == scjg_approver
    entry = AuditEntry.objects.get(action="inspections.visit.approval_withdraw")
    assert entry.after["withdraw_reason"] == "检查组需调整"
    # Approved again: a second, current approval; the withdrawn one stays.
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[visit])
    assert VisitApproval.objects.filter(visit=visit).count() == 2
    with pytest.raises(ValidationError, match="没有可撤回的审批"):
        services.visit_approval_withdraw(actor=scjg_approver, visit=scjg_task.visits.order_by("pk")[1], reason="x")


def test_approval_states_in_bulk_take_two_queries(scjg_task, scjg_approver, django_assert_num_queries):
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    visits = list(scjg_task.visits.all())
    with django_assert_num_queries(2):
        states = selectors.approval_states(visits)
        assert all(states[v.pk].approval.approved_by.display_name for v in visits)


def test_print_form_has_the_moj_elements(scjg_task, scjg_approver, login, food_item):
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    page = login(scjg_approver).get(_url("approval_print", scjg_task))
    assert page.status_code == 200
    body = page.content.decode()
    for element in ("行政检查审批表", "检查机关", "任务来源", "检查依据", "检查对象", "检查时间", "检查人员及执法证号"):
        assert element in body
    assert scjg_task.code in body and scjg_task.title in body and food_item.legal_basis in body
    form = body[body.index('<article class="approval-form">') :]
    assert form.count(scjg_task.lead_department.name) == 1 and "同意。" in body and "赵领导" in body
    member = scjg_task.visits.first().members.first().inspector
    assert member.certificate_number in body
    assert "approval-print.css" in body


def test_home_lists_tasks_awaiting_approval(scjg_task, scjg_approver, login):
    assert list(selectors.tasks_awaiting_approval(_scope(scjg_approver))) == [scjg_task]
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    assert not selectors.tasks_awaiting_approval(_scope(scjg_approver)).exists()


def test_home_todo_links_to_the_tasks_awaiting_approval(scjg_task, scjg_approver, scjg_inspector, login):
    client = login(scjg_approver)
    home = client.get(reverse("web:home")).content.decode()
    assert "1 个抽查任务的检查待审批" in home and reverse("inspections:approval_todo") in home
    todo = client.get(reverse("inspections:approval_todo")).content.decode()
    assert scjg_task.code in todo and "12 个检查" in todo
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    assert "检查待审批" not in client.get(reverse("web:home")).content.decode()
    assert login(scjg_inspector).get(reverse("inspections:approval_todo")).status_code == 403


def test_the_department_admin_records_an_emergency_start_from_the_approval_page(scjg_task, scjg_admin, login):
    visit = scjg_task.visits.order_by("pk").first()
    client = login(scjg_admin)
    page = client.get(_url("approval", scjg_task)).content.decode()
    assert reverse("inspections:emergency_start", args=[visit.pk]) in page and "批准全部检查" not in page
    response = client.post(reverse("inspections:emergency_start", args=[visit.pk]), {"reason": "现场发生事故"})
    assert response["Location"] == _url("approval", scjg_task)
    page = client.get(_url("approval", scjg_task)).content.decode()
    assert "紧急先行检查，待事后补批" in page and "现场发生事故" in page
