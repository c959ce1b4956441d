"""Freezing and drawing a large pool as a background job (ceremony_jobs.py), through the pages,
the API and the worker's entry point. "Large" is lowered to the test directory's dozen objects;
the job runs when its request commits (the immediate backend of the test settings)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import ceremony_jobs, services
from spotcheck.draws.models import CeremonyJob, Task
from spotcheck.draws.selectors import record_for
from spotcheck.drawspec import engine

S = Task.Status
J = CeremonyJob.Status


def url(name, task):
    return reverse(f"draws:{name}", args=[task.pk])


@pytest.fixture
def large(settings):
    # PostgreSQL's planner estimates the scope of a freeze (at least one row): every pool is large.
    settings.SPOTCHECK_CEREMONY_JOB_OBJECTS = 1


def test_a_small_pool_is_frozen_and_drawn_in_the_request(login, scjg_admin, make_task, run_ceremony):
    task = make_task()
    assert ceremony_jobs.job_needed(task, CeremonyJob.Step.FREEZE) is None
    client = login(scjg_admin)
    client.post(url("freeze", task))
    assert Task.objects.get(pk=task.pk).status == S.FROZEN
    assert not CeremonyJob.objects.exists()


def test_a_large_freeze_is_queued_shown_and_run_by_the_worker(
    large, login, scjg_admin, make_task, django_capture_on_commit_callbacks
):
    task = make_task()
    client = login(scjg_admin)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url("freeze", task), follow=True)
    body = response.content.decode()
    job = CeremonyJob.objects.get()
    assert (job.task_id, job.step, job.status) == (task.pk, "freeze", J.QUEUED)
    assert f"对象库约 {job.objects_estimate} 个对象，已转入后台处理" in body
    assert Task.objects.get(pk=task.pk).status == S.DRAFT
    # While it waits: the panel polls, and the button is gone so nobody presses twice.
    assert "后台处理中：冻结对象库" in body and url("job", task) in body
    assert f'action="{url("freeze", task)}"' not in body
    panel = client.get(url("job", task), headers={"HX-Request": "true"})
    assert panel.status_code == 200 and 'hx-trigger="every 2s"' in panel.content.decode()
    # A second press while it waits queues nothing more.
    body = client.post(url("freeze", task), follow=True).content.decode()
    assert "已有一项后台处理在排队或进行中" in body
    assert CeremonyJob.objects.count() == 1

    for callback in queued:  # the worker takes the job
        callback()
    job.refresh_from_db()
    assert job.status == J.SUCCEEDED and job.started_at and job.finished_at
    task = Task.objects.get(pk=task.pk)
    assert task.status == S.FROZEN and task.frozen_pool.member_count == 12
    # The polling panel asks the page to reload, which shows the frozen task and no job.
    panel = client.get(url("job", task), headers={"HX-Request": "true"})
    assert panel["HX-Refresh"] == "true"
    body = client.get(url("detail", task)).content.decode()
    assert "后台处理中" not in body and f'action="{url("announce", task)}"' in body
    request, freeze = AuditEntry.objects.filter(
        action__in=["draws.ceremony_job.request", "draws.task.freeze"]
    ).order_by("pk")
    assert request.action == "draws.ceremony_job.request" and request.actor_id == scjg_admin.pk
    assert freeze.action == "draws.task.freeze" and freeze.actor_id == scjg_admin.pk and freeze.source == "job"


def test_a_large_draw_through_the_api_answers_202_and_draws_in_the_job(
    large, client, scjg_admin, make_task, run_ceremony, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = run_ceremony(make_task(), draw=False)
    assert task.status == S.ANNOUNCED
    client.force_login(scjg_admin)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/api/v1/tasks/{task.pk}/draw/", content_type="application/json")
    assert response.status_code == 202
    assert response.json()["status"] == S.ANNOUNCED
    assert response.json()["ceremony_job"] | {"requested_at": None} == {
        "step": "draw",
        "status": "queued",
        "objects_estimate": 12,
        "requested_by": scjg_admin.display_name,
        "requested_at": None,
        "started_at": None,
        "finished_at": None,
        "message": "",
    }
    body = client.get(url("detail", task)).content.decode()
    assert "后台处理中：揭晓并抽取" in body and f'action="{url("draw", task)}"' not in body
    again = client.post(f"/api/v1/tasks/{task.pk}/draw/", content_type="application/json")
    assert again.status_code == 400 and "已有一项后台处理" in again.json()["detail"][0]
    for callback in queued:
        callback()
    body = client.get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["status"] == S.DRAWN and body["ceremony_job"] is None
    assert engine.verify_record(record_for(Task.objects.get(pk=task.pk), public=False)) == []


def test_a_failed_match_in_the_job_saves_nothing_and_says_why(
    large, login, scjg_admin, make_task, run_ceremony, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = run_ceremony(make_task(max_visits_per_inspector=1), draw=False, unchecked=True)
        job = ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="draw", objects_estimate=12)
    job.refresh_from_db()
    assert job.status == J.FAILED and "匹配失败" in job.message
    task = Task.objects.get(pk=task.pk)
    assert task.status == S.ANNOUNCED and task.match_failed_at is not None
    assert not task.visits.exists() and task.draw.seed == ""
    # The page's match-failure box tells the rest; asking again is refused.
    body = login(scjg_admin).get(url("detail", task)).content.decode()
    assert "匹配失败" in body
    with pytest.raises(ValidationError, match="不能揭晓并抽取"):
        ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="draw")


def test_a_step_that_crashes_leaves_the_task_as_it_was_and_may_be_asked_again(
    large, login, scjg_admin, make_task, monkeypatch, django_capture_on_commit_callbacks
):
    task = make_task()

    def broken(*, actor, task):
        raise RuntimeError("disk full")

    monkeypatch.setitem(ceremony_jobs._SERVICES, CeremonyJob.Step.FREEZE, broken)
    with django_capture_on_commit_callbacks(execute=True):
        ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")
    job = CeremonyJob.objects.get()
    assert job.status == J.FAILED and job.message == "系统错误（RuntimeError），任务未做任何更改，可重新提交。"
    assert Task.objects.get(pk=task.pk).status == S.DRAFT
    body = login(scjg_admin).get(url("detail", task)).content.decode()
    assert "后台冻结对象库未完成" in body and f'action="{url("freeze", task)}"' in body
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")
    assert Task.objects.get(pk=task.pk).status == S.FROZEN
    assert list(CeremonyJob.objects.order_by("pk").values_list("status", flat=True)) == [J.FAILED, J.SUCCEEDED]


def test_a_job_whose_worker_died_is_marked_failed(large, scjg_admin, make_task):
    task = make_task()
    job = ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")  # never committed: no run
    CeremonyJob.objects.filter(pk=job.pk).update(status=J.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1))
    assert ceremony_jobs.reap_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == J.FAILED and "进程已中断" in job.message
    # The task page finds a dead worker's job by itself, and offers the step again.
    task = make_task()
    job = ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")
    CeremonyJob.objects.filter(pk=job.pk).update(status=J.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1))
    shown = ceremony_jobs.job_to_show(Task.objects.get(pk=task.pk))
    assert shown.pk == job.pk and shown.status == J.FAILED
    # A running job within its time is left alone.
    fresh = ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")
    CeremonyJob.objects.filter(pk=fresh.pk).update(status=J.RUNNING, started_at=timezone.now())
    assert ceremony_jobs.reap_stale_jobs() == 0


def test_only_the_lead_departments_operators_may_ask(large, make_task, wsjk_admin, auditor, login):
    task = make_task()
    with pytest.raises(PermissionDenied):
        ceremony_jobs.ceremony_job_request(actor=auditor, task=task, step="freeze")
    assert login(wsjk_admin).post(url("freeze", task)).status_code == 404
    assert login(auditor).post(url("freeze", task)).status_code == 403
    assert not CeremonyJob.objects.exists()
    assert Task.objects.get(pk=task.pk).status == S.DRAFT


def test_a_job_that_finds_its_task_moved_on_does_nothing(large, scjg_admin, make_task):
    task = make_task()
    job = ceremony_jobs.ceremony_job_request(actor=scjg_admin, task=task, step="freeze")
    services.task_freeze(actor=scjg_admin, task=task)  # done meanwhile, in a request
    job = ceremony_jobs.ceremony_job_run(job_id=job.pk)
    assert job.status == J.FAILED and job.message
    assert Task.objects.get(pk=task.pk).status == S.FROZEN
