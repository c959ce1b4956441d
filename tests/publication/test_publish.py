"""Publication of results (issue 14, item 1): by the lead department, in the task's numbered
result notice, with its deadline met or not; corrected or withdrawn only with a reason, the old
text kept for the auditor and not on the portal; published automatically before the deadline."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.deadlines.publication import unpublished
from spotcheck.publication import services
from spotcheck.publication.models import PublishedResult, ResultNotice
from spotcheck.results.models import VisitResult
from tests.clock import clock_at
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.results import TODAY
from tests.publication.conftest import correct

pytestmark = pytest.mark.usefixtures("spring_2026")


def test_the_department_publishes_a_final_result_in_a_numbered_notice(final_result, scjg_admin, scjg):
    task = final_result.visit.task
    [row] = services.results_publish(actor=scjg_admin, task=task)
    notice = ResultNotice.objects.get(task=task)
    assert notice.number == 1 and notice.department == scjg
    assert notice.title == f"{scjg.name}{notice.year}年度第1号抽查任务检查结果公告"
    assert row.state == "current" and row.version == 1 and row.revision == 1
    assert row.due_on == final_result.publication_due_on and row.on_time
    obj = final_result.visit.inspection_object
    assert row.record["object"]["name"] == obj.name and row.record["task"]["code"] == task.code
    assert row.record["items"][0]["codes"] == ["1"]
    entry = AuditEntry.objects.get(action="publication.results.publish")
    assert entry.after["results"][0]["result"] == final_result.pk
    assert not unpublished(VisitResult.objects.filter(pk=final_result.pk)).exists()
    # Nothing is published twice.
    with pytest.raises(ValidationError):
        services.results_publish(actor=scjg_admin, task=task)


def test_a_result_not_yet_final_is_not_published(result_officers, result_approved, scjg_admin):
    from spotcheck.results import services as result_services
    from tests.fixtures.results import result_data

    result_services.result_save(
        actor=result_officers[0], visit=result_approved, data=result_data(result_approved), base_revision=None
    )
    with pytest.raises(ValidationError) as caught:
        services.results_publish(actor=scjg_admin, task=result_approved.task)
    assert "没有可公示的检查结果" in str(caught.value)
    assert not PublishedResult.objects.exists() and not ResultNotice.objects.exists()


def test_needing_approval_it_waits_for_the_approval(final_result, scjg, scjg_admin):
    scjg.results_need_approval = True
    scjg.save(update_fields=["results_need_approval"])
    with pytest.raises(ValidationError):
        services.results_publish(actor=scjg_admin, task=final_result.visit.task)


def test_who_may_publish(final_result, scjg_inspector, coordinator, wsjk_admin, scjg_approver):
    task = final_result.visit.task
    for user in (scjg_inspector, coordinator, wsjk_admin):
        with pytest.raises(PermissionDenied):
            services.results_publish(actor=user, task=task)
    assert not PublishedResult.objects.exists()
    assert services.results_publish(actor=scjg_approver, task=task)


def test_late_publication_is_marked(final_result, scjg_admin):
    with clock_at(final_result.publication_due_on + dt.timedelta(days=1)):
        [row] = services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    assert not row.on_time
    page = _portal_notice(final_result.visit.task)
    assert final_result.publication_due_on.isoformat() in page and "逾期" in page


def test_notices_are_numbered_per_department_and_year(final_result, scjg_admin, scjg, make_task):
    from django.utils import timezone

    from tests.factories import ALL

    task = final_result.visit.task
    year = task.plan_entry.plan.year if task.plan_entry_id else task.window_start.year
    now = timezone.now()
    autumn = {"window_start": dt.date(2026, 10, 1), "window_end": dt.date(2026, 12, 31)}
    for number, notice_year in ((3, year), (9, year - 1)):
        autumn["window_start"] += dt.timedelta(days=100 * (number == 9))
        autumn["window_end"] += dt.timedelta(days=100 * (number == 9))
        ResultNotice.objects.create(
            task=make_task(strata=ALL, max_visits_per_inspector=12, **autumn),
            department=scjg,
            year=notice_year,
            number=number,
            first_published_at=now,
            updated_at=now,
        )
    services.results_publish(actor=scjg_admin, task=task)
    assert ResultNotice.objects.get(task=task).number == 4


def test_a_correction_is_published_with_its_reason(final_result, officers, scjg_admin):
    task = final_result.visit.task
    [first] = services.results_publish(actor=scjg_admin, task=task)
    with pytest.raises(ValidationError):  # nothing to correct yet
        services.result_publication_correct(actor=scjg_admin, visit_result=final_result, reason="x")
    corrected = correct(final_result, officers)
    with pytest.raises(ValidationError):  # a reason is required
        services.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="  ")
    new = services.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="复核发现问题，更正结果")
    first.refresh_from_db()
    assert first.state == "superseded" and first.record["items"][0]["codes"] == ["1"]
    assert new.version == 2 and new.revision == 2 and new.record["items"][0]["codes"] == ["A", "D"]
    assert new.correction_reason == "复核发现问题，更正结果" and new.problem_found
    assert new.due_on is not None and new.on_time
    entry = AuditEntry.objects.get(action="publication.result.correct")
    assert entry.before["record"]["items"][0]["codes"] == ["1"]
    # The portal shows the current text and the correction, not the old text.
    page = _portal_notice(task)
    assert "复核发现问题，更正结果" in page and "其他" in page and "未发现问题" not in page


def test_withdrawal_takes_the_content_down_with_a_reason(final_result, scjg_admin, client):
    task = final_result.visit.task
    [row] = services.results_publish(actor=scjg_admin, task=task)
    with pytest.raises(ValidationError):
        services.result_publication_withdraw(actor=scjg_admin, published=row, reason="")
    services.result_publication_withdraw(actor=scjg_admin, published=row, reason="原检查结论已被依法撤销")
    row.refresh_from_db()
    assert row.state == "withdrawn" and row.withdrawn_by == scjg_admin
    page = _portal_notice(task)
    assert "已撤下" in page and "原检查结论已被依法撤销" in page and "未发现问题" not in page
    with pytest.raises(ValidationError):  # once
        services.result_publication_withdraw(actor=scjg_admin, published=row, reason="again")


def _portal_notice(task):
    from django.test import Client

    notice = ResultNotice.objects.get(task=task)
    response = Client().get(reverse("portal:result_notice", args=[notice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_daily_job_publishes_what_is_due(final_result, settings):
    due = final_result.publication_due_on
    settings.SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE = 2
    assert services.due_results_publish(today=TODAY) == 0  # weeks before the deadline
    assert services.due_results_publish(today=due) == 1
    row = PublishedResult.objects.get()
    assert row.published_by is None and row.on_time
    entry = AuditEntry.objects.get(action="publication.results.publish")
    assert entry.actor is None
    assert services.due_results_publish(today=due) == 0  # never twice


@override_settings(SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE=-1)
def test_the_job_can_be_turned_off(final_result):
    assert services.due_results_publish(today=final_result.publication_due_on + dt.timedelta(days=30)) == 0


def test_staff_pages(final_result, login, scjg_admin, scjg_inspector, officers):
    task = final_result.visit.task
    client = login(scjg_admin)
    index = client.get(reverse("publication:index")).content.decode()
    assert task.code in index and "待公示 1" in index
    page = client.get(reverse("publication:task", args=[task.pk])).content.decode()
    assert "公示全部待公示的检查结果（1 个）" in page
    response = client.post(reverse("publication:publish", args=[task.pk]), {"result": [str(final_result.pk)]})
    assert response.status_code == 302
    assert PublishedResult.objects.filter(visit_result=final_result, state="current").exists()
    page = client.get(reverse("publication:task", args=[task.pk])).content.decode()
    assert "公示中" in page and "撤下该结果" in page
    # Odd input is no 500.
    assert client.post(reverse("publication:publish", args=[task.pk]), {"result": ["²"]}).status_code == 302
    assert client.get(reverse("publication:task", args=[99999999999])).status_code == 404
    # A team inspector reads none of it.
    other = login(officers[1])
    assert other.get(reverse("publication:task", args=[task.pk])).status_code == 404
    assert other.post(reverse("publication:publish", args=[task.pk])).status_code in (403, 404)


def test_an_individual_operators_name_is_never_published(final_result, scjg_admin):
    obj = final_result.visit.inspection_object
    obj.kind = "individual"
    obj.legal_representative = "张小明"
    obj.name = "张小明五金店"
    obj.save(update_fields=["kind", "legal_representative", "name"])
    [row] = services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    assert row.record["object"]["name"] == "***五金店"
    assert "张小明" not in str(row.record)
    page = _portal_notice(final_result.visit.task)
    assert "张小明" not in page and "***五金店" in page


def test_a_results_operator_only_name_becomes_a_placeholder(final_result, scjg_admin):
    obj = final_result.visit.inspection_object
    obj.kind = "individual"
    obj.legal_representative = "李四"
    obj.name = "李四"
    obj.save(update_fields=["kind", "legal_representative", "name"])
    [row] = services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    assert row.record["object"]["name"] == "个体工商户"


def test_the_portal_lists_only_notices_with_something_shown(final_result, scjg_admin, client):
    assert "尚无公示的检查结果" in client.get(reverse("portal:result_notice_list")).content.decode()
    services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    notice = ResultNotice.objects.get()
    listing = client.get(reverse("portal:result_notice_list")).content.decode()
    assert notice.title in listing
    assert notice.title in client.get(reverse("portal:index")).content.decode()
    task_page = client.get(reverse("portal:task_detail", args=[notice.task.code])).content.decode()
    assert reverse("portal:result_notice", args=[notice.pk]) in task_page
    assert client.get(reverse("portal:result_notice", args=[notice.pk + 1])).status_code == 404


def test_the_publisher_must_hold_the_role_in_the_lead_department(final_result, wsjk):
    user = UserFactory(username="wsjk_approver2")
    MembershipFactory(user=user, department=wsjk, role="approver")
    with pytest.raises(PermissionDenied):
        services.results_publish(actor=user, task=final_result.visit.task)


def test_the_home_page_says_what_waits_for_publication(final_result, login, scjg_admin, wsjk_admin):
    page = login(scjg_admin).get(reverse("web:home")).content.decode()
    assert "1 个抽查任务有检查结果待公示" in page and reverse("publication:index") in page
    assert "有检查结果待公示" not in login(wsjk_admin).get(reverse("web:home")).content.decode()
    services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    assert "有检查结果待公示" not in login(scjg_admin).get(reverse("web:home")).content.decode()


def test_the_daily_command(final_result):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("publish_due_results", "--date", final_result.publication_due_on.isoformat(), stdout=out)
    assert out.getvalue().strip() == "自动公示检查结果 1 条。"
    entry = AuditEntry.objects.get(action="publication.results.publish")
    assert entry.source == "cli" and entry.actor is None
    with pytest.raises(CommandError):
        call_command("publish_due_results", "--date", "tomorrow")
    with pytest.raises(CommandError):
        call_command("publish_due_results", "--date", "2026-06-01", "--enqueue")
