"""The journey of issue 12, item 11 in a real browser: a 市场监管 department admin filters the
object list, presses 导出, sees the filters and the row count on the export page, starts the export
(a job, as a large one would be), follows it on the job's page (polled while it runs) and
downloads the file; the export is listed on the 导入导出 page."""

import re

import pytest
from django.utils import timezone

from spotcheck.imports.models import ExportJob
from tests.browser_support import log_in, shot
from tests.factories import InspectionObjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_as_a_job_with_progress_then_download(page, scjg_admin, scjg, settings):
    settings.SPOTCHECK_EXPORT_INLINE_ROWS = 2  # three rows make a job here (2,000 in production)
    for n in range(3):
        InspectionObjectFactory(owner_department=scjg, name=f"溧阳市导出测试企业{n}", risk_level="high")
    InspectionObjectFactory(owner_department=scjg, name="溧阳市低风险企业", risk_level="low")
    log_in(page, scjg_admin)

    page.goto(f"{page.base_url}/imports/export/objects/?risk_level=high")
    body = page.locator("main").inner_text()
    assert "风险等级：高风险" in body and "3" in page.locator("dl.facts dd").nth(1).inner_text()
    page.check("input[name=format][value=csv]")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"export-1-page-{width}")
    page.get_by_role("button", name="开始导出").click()
    page.wait_for_url(re.compile(r"/imports/exports/\d+/$"))
    page.get_by_text("已完成").first.wait_for()
    job = ExportJob.objects.get()
    assert (job.status, job.total_rows, job.format) == ("succeeded", 3, "csv")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"export-2-done-{width}")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("下载")).first.click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    assert content.count("溧阳市导出测试企业") == 3 and "低风险企业" not in content

    # A job still running: the page follows it and reloads when it is done.
    running = ExportJob.objects.create(
        kind="objects",
        format="xlsx",
        created_by=scjg_admin,
        status="running",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        total_rows=20000,
        processed_rows=8000,
        departments=[scjg.pk],
    )
    page.goto(f"{page.base_url}/imports/exports/{running.pk}/")
    assert "已写入 8000 / 20000 行" in page.locator("#job-status").inner_text().replace(",", "")
    page.set_viewport_size({"width": 390, "height": 800})
    shot(page, "export-3-running-390")
    ExportJob.objects.filter(pk=running.pk).update(
        status="failed", failure="后台任务执行失败，导出未完成。请重新导出。"
    )
    page.get_by_text("未完成的原因").wait_for()  # the poll saw it end and reloaded the page

    page.goto(f"{page.base_url}/imports/")
    records = page.locator("#exports")
    assert records.locator("tbody tr").count() == 2
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "export-4-list-1280")
