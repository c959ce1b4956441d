"""The draw ceremony in a real browser: the 市场监管 department admin opens an announced task,
types two witness inputs (as operator, with the witnesses' names and departments), presses
揭晓并抽取 and sees the targets with their teams."""

import pytest

from spotcheck.draws import services
from spotcheck.draws.models import Task
from tests.browser_support import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _witness(page, name, department, value):
    form = page.locator("#witnesses form").first
    form.locator("input[name=witness_name]").fill(name)
    form.locator("select[name=witness_department]").select_option(label=department)
    form.locator("input[name=value]").fill(value)
    form.locator("button[type=submit]").click()
    page.locator("#witnesses td", has_text=value).wait_for()


def test_witnesses_and_draw(page, scjg_admin, scjg, wsjk, make_task):
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    services.task_announce(actor=scjg_admin, task=task)

    log_in(page, scjg_admin)
    page.get_by_role("link", name="抽查任务").click()
    page.get_by_role("link", name=task.title).click()
    page.get_by_text("已发布任务公告").first.wait_for()
    assert page.get_by_role("button", name="揭晓并抽取").is_disabled(), "two witnesses first"
    shot(page, "draw-1-announced")

    _witness(page, "钱见证", str(scjg), "3-5-2")
    _witness(page, "孙见证", str(wsjk), "6 1 4")
    rows = page.locator("#witnesses tbody tr")
    assert rows.count() == 2
    assert "钱见证" in rows.nth(0).inner_text() and "孙见证" in rows.nth(1).inner_text()
    shot(page, "draw-2-witnesses")

    page.once("dialog", lambda dialog: dialog.accept())  # the irreversible step asks first
    page.get_by_role("button", name="揭晓并抽取").click()
    page.locator("#targets").wait_for()
    task.refresh_from_db()
    assert task.status == Task.Status.DRAWN
    targets = page.locator("#targets tbody tr")
    assert targets.count() == len(task.draw.result["targets"]) == 4
    for visit in task.visits.all():
        assert page.locator("#targets", has_text=visit.public_id).count() == 1
    assert page.locator("#targets .badge", has_text="组长").count() == 4
    assert task.draw.seed in page.content()
    shot(page, "draw-3-targets")


def test_a_large_freeze_runs_in_the_background_and_the_page_follows_it(
    page,
    scjg_admin,
    settings,
    make_task,
):
    """The job waits in the database queue (no worker in this test) until the test runs it, as
    the worker would; the open page polls and reloads itself when the job has ended."""
    from spotcheck.draws import ceremony_jobs
    from spotcheck.draws.models import CeremonyJob

    settings.SPOTCHECK_CEREMONY_JOB_OBJECTS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task = make_task()
    log_in(page, scjg_admin)
    page.goto(f"{page.base_url}/tasks/{task.pk}/")
    page.get_by_role("button", name="冻结对象库").click()
    page.get_by_text("已转入后台处理").wait_for()
    page.get_by_text("后台处理中：冻结对象库").wait_for()
    assert page.get_by_role("button", name="冻结对象库").count() == 0
    shot(page, "freeze-job-queued")

    job = CeremonyJob.objects.get(task=task)
    assert ceremony_jobs.ceremony_job_run(job_id=job.pk).status == CeremonyJob.Status.SUCCEEDED
    # No click: the panel's poll sees the job done and the page reloads as frozen.
    page.get_by_role("button", name="发布任务公告").wait_for(timeout=10_000)
    assert page.get_by_text("后台处理中").count() == 0
    assert Task.objects.get(pk=task.pk).status == Task.Status.FROZEN
    shot(page, "freeze-job-done")
