import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from spotcheck.imports import progress, services
from spotcheck.imports.models import ExportJob, ImportJob
from tests.factories import OBJECT_HEADER, make_uscc, object_row, read_xlsx, write_csv

pytestmark = pytest.mark.django_db


def _csv_upload(rows, name="对象.csv"):
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _post(client, kind, upload, department):
    return client.post(
        "/imports/upload/",
        {"kind": kind, f"{kind}-department": department.pk, f"{kind}-file": upload},
    )


def test_upload_runs_the_job_and_shows_counts(scjg_admin, scjg, codes, login, django_capture_on_commit_callbacks):
    client = login(scjg_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "objects", _csv_upload([OBJECT_HEADER, object_row(make_uscc(1))]), scjg)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/jobs/{job.pk}/"
    assert job.status == ImportJob.Status.SUCCEEDED and job.created_count == 1
    assert job.source == "web" and job.created_by == scjg_admin
    entry = AuditEntry.objects.get(action="imports.objects.import")
    assert entry.source == "job"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "已导入" in page and "hx-trigger" not in page


def test_rejected_upload_shows_the_error_table(scjg_admin, scjg, codes, login, django_capture_on_commit_callbacks):
    client = login(scjg_admin)
    rows = [OBJECT_HEADER, object_row(make_uscc(1)), object_row(make_uscc(2), 所属区划代码="999999")]
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "objects", _csv_upload(rows), scjg)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors == [[3, "所属区划代码", "999999", "区划“999999”不存在或已停用。"]]
    assert not InspectionObject.objects.exists()
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "区划“999999”不存在或已停用。" in page and "所属区划代码" in page


def test_queued_then_running_job_is_polled(scjg_admin, scjg, codes, login):
    """Without the commit callbacks the job stays queued; the page polls it every second."""
    client = login(scjg_admin)
    _post(client, "objects", _csv_upload([OBJECT_HEADER, object_row(make_uscc(1))]), scjg)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), total_rows=10, processed_rows=4
    )
    part = client.get(f"/imports/jobs/{job.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and 'value="40"' in part.content.decode()
    run = services.import_job_run(job_id=job.pk)  # already running: not claimed twice
    assert run.outcome is None and run.job.status == ImportJob.Status.RUNNING
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SUCCEEDED)
    done = client.get(f"/imports/jobs/{job.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_stale_running_job_is_marked_failed(scjg_admin, scjg, login):
    job = ImportJob.objects.create(
        kind="objects",
        department=scjg,
        created_by=scjg_admin,
        original_name="a.csv",
        file_sha256="0" * 64,
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        heartbeat_at=timezone.now() - dt.timedelta(minutes=30),
    )
    page = login(scjg_admin).get(f"/imports/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "后台处理进程已中断" in job.failure and "后台处理进程已中断" in page
    # A fresh heartbeat keeps a job alive.
    job2 = ImportJob.objects.create(
        kind="objects",
        department=scjg,
        created_by=scjg_admin,
        original_name="b.csv",
        file_sha256="0" * 64,
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        heartbeat_at=timezone.now(),
    )
    assert services.reap_stale_jobs() == 0
    job2.refresh_from_db()
    assert job2.status == ImportJob.Status.RUNNING


def test_crash_inside_the_job_marks_it_failed(scjg_admin, scjg, codes, tmp_path, monkeypatch):
    from spotcheck.imports.importers.objects import ObjectImporter

    def explode(self, creates, updates):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(ObjectImporter, "write", explode)
    path = write_csv(tmp_path / "a.csv", [OBJECT_HEADER, object_row(make_uscc(1))])
    run = services.import_file(actor=scjg_admin, kind="objects", path=str(path), department=scjg)
    assert run.job.status == ImportJob.Status.FAILED
    assert "磁盘已满" in run.job.failure
    assert not InspectionObject.objects.exists()


def test_progress_is_visible_outside_the_import_transaction(scjg_admin, scjg):
    """SQLite: the progress goes to a file (a second connection would wait for the import's
    write lock); PostgreSQL: a second connection updates the row. Either way the report
    returns at once while a transaction is open, and the page reads it."""
    job = ImportJob.objects.create(
        kind="objects",
        department=scjg,
        created_by=scjg_admin,
        original_name="a.csv",
        file_sha256="0" * 64,
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
    )
    reporter = progress.ProgressReporter(ImportJob, job.pk)
    from django.db import transaction

    with transaction.atomic():
        InspectionObject.objects.exists()  # the import's transaction holds the connection
        started = timezone.now()
        reporter.report(3000, 10000, force=True)
        assert (timezone.now() - started).total_seconds() < 5
    if connection.vendor == "sqlite":
        payload = json.loads(progress.progress_file(ImportJob, job.pk).read_text())
        assert payload["processed_rows"] == 3000
        shown = progress.merge_live_progress(ImportJob.objects.get(pk=job.pk))
        assert (shown.processed_rows, shown.total_rows, shown.percent) == (3000, 10000, 30)
    reporter.close()
    assert not progress.progress_file(ImportJob, job.pk).exists()


def test_permissions(scjg_admin, auditor, nobody, wsjk_admin, scjg, login, client):
    upload = _csv_upload([OBJECT_HEADER])
    assert _post(login(auditor), "objects", upload, scjg).status_code == 403
    assert login(nobody).get("/imports/").status_code == 404
    assert _post(login(nobody), "objects", _csv_upload([OBJECT_HEADER]), scjg).status_code == 404
    # The form only offers the user's own department: another one is a form error.
    response = _post(login(wsjk_admin), "objects", _csv_upload([OBJECT_HEADER]), scjg)
    assert response.status_code == 400 and not ImportJob.objects.exists()
    client.logout()
    assert client.get("/imports/").status_code == 302


def test_other_users_job_is_404(scjg_admin, wsjk_admin, scjg, login):
    job = ImportJob.objects.create(
        kind="objects", department=scjg, created_by=scjg_admin, original_name="a.csv", file_sha256="0" * 64
    )
    assert login(wsjk_admin).get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert login(scjg_admin).get(f"/imports/jobs/{job.pk}/").status_code == 200


def test_list_page_and_template(scjg_admin, auditor, codes, login):
    page = login(scjg_admin).get("/imports/").content.decode()
    assert "下载导入模板" in page and 'name="objects-file"' in page
    assert 'name="objects-file"' not in login(auditor).get("/imports/").content.decode()
    response = login(scjg_admin).get("/imports/template/items/")
    assert response.status_code == 200
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["抽查事项", "填写说明"]
    assert read_xlsx(response.content)[0][:3] == ["事项编码", "所属部门", "事项名称"]
    notes = [row for row in workbook["填写说明"].iter_rows(values_only=True)]
    methods = next(row for row in notes if row[0] == "检查方式")
    assert methods[1] == "必填" and "实地核查" in methods[3]
    assert login(scjg_admin).get("/imports/template/nothing/").status_code == 404


def test_list_page_query_count(scjg_admin, scjg, login, django_assert_max_num_queries):
    for n in range(5):
        ImportJob.objects.create(
            kind="objects", department=scjg, created_by=scjg_admin, original_name=f"{n}.csv", file_sha256="0" * 64
        )
        ExportJob.objects.create(kind="objects", format="xlsx", created_by=scjg_admin, total_rows=n)
    client = login(scjg_admin)
    client.get("/imports/")
    # 13: the user's recent exports are one more query, and so is looking for stale exports (the
    # stale-job check of each kind reads its active jobs in one query).
    with django_assert_max_num_queries(13):
        assert client.get("/imports/").status_code == 200


def test_import_command_exit_status_and_errors(scjg_admin, wsjk_admin, scjg, codes, tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", [OBJECT_HEADER, object_row(make_uscc(1))])
    call_command("import_objects", str(good), "--user", "scjg_admin")
    assert "导入成功" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="imports.objects.import")
    assert entry.source == "cli" and entry.actor == scjg_admin

    bad = write_csv(
        tmp_path / "bad.csv",
        [OBJECT_HEADER, object_row(make_uscc(2), 风险等级="乱填"), object_row(make_uscc(3), 成立日期="昨天")],
    )
    with pytest.raises(CommandError, match="2 个错误"):
        call_command("import_objects", str(bad), "--user", "scjg_admin")
    err = capsys.readouterr().err
    assert "第 2 行，列“风险等级”，值“乱填”" in err and "第 3 行，列“成立日期”" in err
    assert InspectionObject.objects.count() == 1

    with pytest.raises(CommandError, match="无权"):
        call_command("import_objects", str(good), "--user", "wsjk_admin", "--department", "SCJG")
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_objects", str(good), "--user", "ghost")
