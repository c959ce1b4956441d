"""The daily reminders (提醒): notices to the team members and the department admins, once per
user, thing and day; e-mail where configured."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from spotcheck.audit.models import AuditEntry
from spotcheck.deadlines.jobs import send_reminders_job
from spotcheck.deadlines.reminders import reminders_send
from spotcheck.draws.models import Visit, VisitMember
from spotcheck.notices.models import Notice
from spotcheck.results.models import VisitResult
from tests.clock import clock_at
from tests.fixtures.deadlines import make_result

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def visits(scjg_task):
    return list(Visit.objects.filter(task=scjg_task).order_by("pk"))


def test_visits_near_their_end_remind_the_team_and_the_admin_once_a_day(
    visits, my_inspector, scjg_inspector, scjg_admin, wsjk_admin, scjg_task
):
    mine = {m.visit_id for m in VisitMember.objects.filter(inspector=my_inspector)}
    make_result(visits[0], scjg_admin)  # done: no reminder
    mine_open = mine - {visits[0].pk}
    run = reminders_send(today=D("2026-06-25"))
    inspector_notices = Notice.objects.filter(user=scjg_inspector)
    assert inspector_notices.count() == len(mine_open)
    assert {n.link for n in inspector_notices} == {f"/inspections/visits/{pk}/" for pk in mine_open}
    admin_notice = Notice.objects.get(user=scjg_admin)
    assert f"任务 {scjg_task.code} 有 {len(visits) - 1} 个检查尚未完成" in admin_notice.title
    assert not Notice.objects.filter(user=wsjk_admin).exists()
    assert run.sent == Notice.objects.count()
    entry = AuditEntry.objects.get(action="deadlines.reminders.send")
    assert entry.after["count"] == run.sent

    # The same day again (the job and the timer both ran): nothing new.
    assert reminders_send(today=D("2026-06-25")).sent == 0
    assert AuditEntry.objects.filter(action="deadlines.reminders.send").count() == 1
    # The next day, told again.
    assert reminders_send(today=D("2026-06-26")).sent == run.sent
    # Past the end: the dashboard lists it as late; the daily reminder is for those still open.
    assert reminders_send(today=D("2026-07-05")).sent == 0


def test_results_due_and_overdue_remind_the_department_admins(visits, scjg_admin, scjg_approver):
    due = make_result(visits[0], scjg_admin, confirmed_on=D("2026-06-01"))
    late = make_result(visits[1], scjg_admin, confirmed_on=D("2026-05-01"))
    make_result(visits[2], scjg_admin, status=VisitResult.Status.ENTERED)
    VisitResult.objects.filter(pk=due.pk).update(publication_due_on=D("2026-07-20"))
    VisitResult.objects.filter(pk=late.pk).update(publication_due_on=D("2026-07-10"))
    reminders_send(today=D("2026-07-15"))
    kinds = sorted(Notice.objects.filter(user=scjg_admin).values_list("kind", "title"))
    assert [k for k, _t in kinds] == [Notice.Kind.PUBLICATION_DUE, Notice.Kind.PUBLICATION_OVERDUE]
    assert "1 条检查结果即将到公示期限（最早 2026-07-20）" in kinds[0][1]
    assert "1 条检查结果逾期未公示（最早期限 2026-07-10）" in kinds[1][1]
    assert not Notice.objects.filter(user=scjg_approver).exists()


def test_the_job_and_the_command_send_once(visits, my_inspector, scjg_inspector):
    with clock_at(D("2026-06-25")):
        result = send_reminders_job.enqueue()  # the immediate backend in tests
        sent = result.return_value
        assert sent > 0 and Notice.objects.count() == sent
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "发送提醒 0 条" in out.getvalue()
        assert Notice.objects.count() == sent
        out = StringIO()
        call_command("send_reminders", "--date", "2026-06-26", stdout=out)
        assert f"发送提醒 {sent} 条" in out.getvalue()
        with pytest.raises(CommandError, match="不是日期"):
            call_command("send_reminders", "--date", "26/6")


def test_e_mail_only_when_configured_and_once(
    settings, visits, my_inspector, scjg_inspector, scjg_admin, django_capture_on_commit_callbacks
):
    scjg_inspector.email = "inspector@example.org"
    scjg_inspector.save(update_fields=["email"])
    scjg_admin.email = ""
    scjg_admin.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=D("2026-06-24"))
    assert mail.outbox == []  # off by default

    settings.SPOTCHECK_NOTICE_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=D("2026-06-25"))
    sent_today = [n for n in Notice.objects.filter(user=scjg_inspector) if "2026-06-25" in n.key]
    assert len(mail.outbox) == len(sent_today) > 0
    assert {m.to[0] for m in mail.outbox} == {"inspector@example.org"}  # the admin has no address
    assert all(n.emailed_at for n in sent_today)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=D("2026-06-25"))
    assert len(mail.outbox) == len(sent_today)
