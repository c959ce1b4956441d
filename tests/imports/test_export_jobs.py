"""Long exports run as jobs with progress, like imports (issue 12, item 11): the export page's
POST starts a job (audited) and lands on its page, polled while it runs, with a download link when
done; the file holds exactly what the synchronous export wrote for the same filters; it is
fetched (audited) only by those whose own export rights cover it; a crash ends the job failed
with the reason; the purge retires the file after the retention period."""

import datetime as dt
import hashlib
import io
import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from spotcheck.audit.models import AuditEntry
from spotcheck.imports import export_jobs, exports
from spotcheck.imports.models import ExportJob, ImportJob
from spotcheck.imports.progress import ProgressReporter
from tests.factories import (
    OBJECT_HEADER,
    InspectionObjectFactory,
    MembershipFactory,
    UserFactory,
    make_uscc,
    object_row,
)

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://evil.example/","点击")', "+1+2企业", "普通企业一", "普通企业二", "高风险企业"]


@pytest.fixture
def objects(scjg_admin, scjg, codes, run_import):
    rows = [
        object_row(make_uscc(n), name, 风险等级="高风险" if n == 5 else "低风险")
        for n, name in enumerate(NAMES, start=1)
    ]
    run = run_import(scjg_admin, "objects", [OBJECT_HEADER, *rows], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    return rows


@pytest.fixture
def as_job(settings):
    """Every export above one row is a job (the threshold is 2,000 rows outside the tests)."""
    settings.SPOTCHECK_EXPORT_INLINE_ROWS = 1


def _start(client, kind="objects", query="", fmt="xlsx"):
    """Press the export page's button (the list page's filters are its query string)."""
    return client.post(f"/imports/export/{kind}/?{query}", {"format": fmt})


def _file(response) -> bytes:
    return b"".join(response.streaming_content)


def _sync_export(actor, kind, filters, fmt) -> bytes:
    out = io.BytesIO()
    exports.export_write(actor=actor, kind=kind, filters=filters, fmt=fmt, out=out)
    return out.getvalue()


def _cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]


def test_the_export_page_names_the_filters_and_counts_the_rows(scjg_admin, objects, login):
    page = login(scjg_admin).get("/imports/export/objects/?risk_level=low&format=csv")
    assert page.status_code == 200
    html = page.content.decode()
    assert "风险等级：低风险" in html and "risk_level" not in html.split("<form")[0]
    assert page.context["rows"] == 4
    assert 'value="csv"' in html and "checked" in html.split('value="csv"')[1].split(">")[0]
    assert "不超过 2000 行的导出立即下载" in html  # the threshold (the default) is shown


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_as_a_job_and_gives_the_same_file(
    fmt, scjg_admin, objects, login, as_job, django_capture_on_commit_callbacks
):
    client = login(scjg_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, query="risk_level=low", fmt=fmt)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/exports/{job.pk}/"
    assert job.status == ExportJob.Status.SUCCEEDED, job.failure
    assert (job.processed_rows, job.total_rows, job.percent) == (4, 4, 100)
    assert job.filters == {"risk_level": "low"} and job.format == fmt
    assert job.departments == [scjg_admin.memberships.get().department_id]
    assert job.file.name.startswith(f"imports/exports/{job.pk}/")

    page = client.get(f"/imports/exports/{job.pk}/").content.decode()
    assert "已完成" in page and f"/imports/exports/{job.pk}/file/" in page and job.file_sha256 in page
    assert "hx-trigger" not in page and "风险等级：低风险" in page

    download = client.get(f"/imports/exports/{job.pk}/file/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    body = _file(download)
    assert hashlib.sha256(body).hexdigest() == job.file_sha256 and len(body) == job.file_size
    expected = _sync_export(scjg_admin, "objects", {"risk_level": "low"}, fmt)
    if fmt == "csv":
        assert body == expected
        assert "'=HYPERLINK" in body.decode("utf-8-sig")  # formula quoting kept
    else:
        cells = _cells(body)
        assert cells == _cells(expected)
        names = [row[[c.header for c in exports.COLUMNS_BY_KIND["objects"]].index("名称")] for row in cells]
        assert ("'" + NAMES[0], "s", "@") in names


def test_queued_and_running_jobs_are_polled(scjg_admin, objects, login, as_job):
    client = login(scjg_admin)
    _start(client)  # without the commit callbacks the job stays queued
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED and job.total_rows == 5
    page = client.get(f"/imports/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page and "/file/" not in page
    ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), processed_rows=2)
    part = client.get(f"/imports/exports/{job.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and 'value="40"' in part.content.decode()
    assert "已写入 2 / 5 行" in part.content.decode()
    assert export_jobs.export_job_run(job_id=job.pk).status == "running"  # not claimed twice
    assert client.get(f"/imports/exports/{job.pk}/file/").status_code == 404  # no file yet
    ExportJob.objects.filter(pk=job.pk).update(status="succeeded")
    done = client.get(f"/imports/exports/{job.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_progress_is_reported_chunk_by_chunk(scjg_admin, objects, login, as_job, monkeypatch):
    login(scjg_admin)
    reports = []
    monkeypatch.setattr(exports, "CHUNK", 2)
    monkeypatch.setattr(
        ProgressReporter, "report", lambda self, done, total=None, force=False: reports.append((done, total))
    )
    _start(login(scjg_admin))
    job = export_jobs.export_job_run(job_id=ExportJob.objects.get().pk)
    assert job.status == "succeeded"
    assert reports == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert (job.processed_rows, job.total_rows) == (5, 5)


def test_a_small_export_is_downloaded_at_once_and_listed(scjg_admin, objects, login):
    client = login(scjg_admin)
    response = _start(client, query="risk_level=high", fmt="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert _file(response) == _sync_export(scjg_admin, "objects", {"risk_level": "high"}, "csv")
    job = ExportJob.objects.get()
    assert job.status == "succeeded" and job.total_rows == 1
    listing = client.get("/imports/").content.decode()
    assert "我的导出记录" in listing and f"/imports/exports/{job.pk}/file/" in listing


def test_bad_filters_or_format_start_nothing(scjg_admin, objects, login, as_job):
    client = login(scjg_admin)
    before = AuditEntry.objects.count()
    response = _start(client, query="risk_level=nonsense")
    assert response.status_code == 400 and "筛选条件有误" in response.content.decode()
    assert _start(client, fmt="pdf").status_code == 400
    assert not ExportJob.objects.exists() and AuditEntry.objects.count() == before


def test_who_may_fetch_the_file(scjg, scjg_admin, wsjk_admin, scjg_inspector, coordinator, objects, login, as_job):
    job = _run_job(login(scjg_admin))
    urls = (f"/imports/exports/{job.pk}/", f"/imports/exports/{job.pk}/file/")
    # Another department's admin: the job is not revealed.
    wsjk = Client()
    wsjk.force_login(wsjk_admin)
    assert [wsjk.get(url).status_code for url in urls] == [404, 404]
    # A reader of 市场监管's data who may not export it: refused.
    reader = Client()
    reader.force_login(scjg_inspector)
    assert [reader.get(url).status_code for url in urls] == [403, 403]
    # A second admin of 市场监管 may export the same rows, so may fetch them; so may the joint office.
    colleague = UserFactory(username="scjg_admin2", full_name="市场监管 第二管理")
    MembershipFactory(user=colleague, department=scjg, role="dept_admin")
    for user in (colleague, coordinator):
        other = Client()
        other.force_login(user)
        assert [other.get(url).status_code for url in urls] == [200, 200], user
    downloads = AuditEntry.objects.filter(action="imports.objects.export_download", target_id=str(job.pk))
    assert {e.actor_id for e in downloads} == {colleague.pk, coordinator.pk}
    # The joint office's export of the whole directory is not a department admin's to fetch.
    coordinator_job = _run_job(login(coordinator))
    assert coordinator_job.departments is None
    assert login(scjg_admin).get(f"/imports/exports/{coordinator_job.pk}/file/").status_code == 404


def _run_job(client, query=""):
    before = set(ExportJob.objects.values_list("pk", flat=True))
    _start(client, query=query)
    [job] = ExportJob.objects.exclude(pk__in=before)
    return export_jobs.export_job_run(job_id=job.pk)


def test_starting_and_downloading_are_audited(scjg_admin, objects, login, as_job):
    client = login(scjg_admin)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    job = _run_job(client, "risk_level=low")
    body = _file(client.get(f"/imports/exports/{job.pk}/file/"))
    start, download = AuditEntry.objects.filter(seq__gt=before).order_by("seq")
    assert (start.action, start.actor_id, start.source) == ("imports.objects.export", scjg_admin.pk, "web")
    assert start.after == {"job_id": job.pk, "filters": {"risk_level": "low"}, "format": "xlsx", "rows": 4}
    assert (download.action, download.target_id) == ("imports.objects.export_download", str(job.pk))
    assert download.after["sha256"] == hashlib.sha256(body).hexdigest()
    assert download.after["rows"] == 4


def test_a_crash_marks_the_job_failed_with_the_reason(scjg_admin, objects, login, as_job, monkeypatch):
    def explode(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(exports, "write_xlsx", explode)
    client = login(scjg_admin)
    job = _run_job(client)
    assert job.status == "failed" and "磁盘已满" in job.failure and not job.file
    assert not [p for p in _exports_dir().rglob("*") if p.is_file()]  # no half-written file kept
    page = client.get(f"/imports/exports/{job.pk}/").content.decode()
    assert "磁盘已满" in page and "未完成" in page
    assert client.get(f"/imports/exports/{job.pk}/file/").status_code == 404


def _exports_dir():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports" / "exports"


def test_an_asker_who_lost_the_right_gets_a_failed_job(scjg_admin, objects, login, as_job):
    client = login(scjg_admin)
    _start(client)
    job = ExportJob.objects.get()
    scjg_admin.memberships.update(role="inspector")
    from spotcheck.accounts.scope import forget_scope

    forget_scope(scjg_admin)
    job = export_jobs.export_job_run(job_id=job.pk)
    assert job.status == "failed" and "无权导出" in job.failure


def test_a_job_whose_worker_died_is_marked_failed(scjg_admin, objects, login, as_job):
    client = login(scjg_admin)
    _start(client)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        status="running",
        started_at=timezone.now() - dt.timedelta(hours=1),
        heartbeat_at=timezone.now() - dt.timedelta(minutes=30),
    )
    page = client.get(f"/imports/exports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "后台处理进程已中断" in job.failure and "后台处理进程已中断" in page


def test_export_files_are_purged_after_the_retention_period(scjg_admin, objects, login, as_job, capsys):
    client = login(scjg_admin)
    old, new = _run_job(client), _run_job(client)
    old_path, new_path = old.file.path, new.file.path
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    call_command("purge_import_files")
    assert "已删除 1 个保留期（7 天）已满的导出文件" in capsys.readouterr().out
    old.refresh_from_db()
    assert not old.file and old.file_purged_at is not None and old.file_sha256
    assert not os.path.exists(old_path) and os.path.exists(new_path)
    entry = AuditEntry.objects.get(action="imports.export_file.purge")
    assert entry.after["sha256"] == old.file_sha256 and entry.source == "cli"
    assert client.get(f"/imports/exports/{old.pk}/file/").status_code == 404
    assert "保留期满" in client.get(f"/imports/exports/{old.pk}/").content.decode()


def test_another_departments_objects_stay_out_of_the_file(wsjk_admin, scjg, objects, login, as_job):
    InspectionObjectFactory(owner_department=scjg, name="只属于市场监管")
    client = login(wsjk_admin)
    job = _run_job(client)
    body = _file(client.get(f"/imports/exports/{job.pk}/file/"))
    names = {row[0][0] for row in _cells(body)[1:]}
    assert names and all(make_uscc(n) in names for n in range(1, 6))
    assert "只属于市场监管" not in str(_cells(body))
