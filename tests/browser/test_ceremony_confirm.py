"""The irreversible steps ask first (issue 12, item 3), in a real browser: pressing 发布任务公告
shows a confirmation saying what becomes public and that it cannot be undone; cancelling it posts
nothing (the task stays frozen), accepting it announces. confirm.js is a static file: the page
fixture fails on any CSP violation."""

import pytest
from django.urls import reverse

from spotcheck.draws import services
from spotcheck.draws.models import Task
from tests.browser_support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_announce_asks_and_cancelling_posts_nothing(page, scjg_admin, make_task):
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    log_in(page, scjg_admin)
    page.goto(page.base_url + reverse("draws:detail", args=[task.pk]))
    requests: list[str] = []
    page.on("request", lambda r: r.method == "POST" and requests.append(r.url))
    shown: list[str] = []

    def dismiss(dialog):
        shown.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="发布任务公告").click()
    page.wait_for_timeout(300)
    assert shown and "不能撤销" in shown[0] and "公开" in shown[0]
    assert requests == [], "a cancelled confirmation sends nothing"
    task.refresh_from_db()
    assert task.status == Task.Status.FROZEN

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布任务公告").click()
    page.get_by_text("已发布任务公告").first.wait_for()
    task.refresh_from_db()
    assert task.status == Task.Status.ANNOUNCED
    # The draw waits for two witnesses: its button looks disabled and says why.
    button = page.get_by_role("button", name="揭晓并抽取")
    assert button.is_disabled()
    assert "还需 2 名见证人" in page.locator("#draw-why").inner_text()
