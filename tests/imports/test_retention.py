"""The stored file of a refused or failed import is deleted once the retention period is over;
the job and the audit trail keep its name and SHA-256 (issue 11, item 7)."""

import datetime as dt
import hashlib
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.imports.models import ImportJob
from spotcheck.imports.services import import_file
from tests.factories import OBJECT_HEADER, make_uscc, object_row, write_csv

pytestmark = pytest.mark.django_db


def _run(actor, department, tmp_path, name, rows):
    path = write_csv(tmp_path / name, [OBJECT_HEADER, *rows])
    run = import_file(actor=actor, kind="objects", path=str(path), department=department)
    return run.job, hashlib.sha256(path.read_bytes()).hexdigest()


def _age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def jobs(scjg_admin, scjg, codes, tmp_path):
    bad = [object_row(make_uscc(1), 所属区划代码="999999")]
    old_rejected, old_sha = _run(scjg_admin, scjg, tmp_path, "旧的错误文件.csv", bad)
    new_rejected, _ = _run(scjg_admin, scjg, tmp_path, "新的错误文件.csv", bad)
    succeeded, _ = _run(scjg_admin, scjg, tmp_path, "成功的文件.csv", [object_row(make_uscc(2))])
    old_failed, _ = _run(scjg_admin, scjg, tmp_path, "系统错误的文件.csv", bad)
    ImportJob.objects.filter(pk=old_failed.pk).update(status=ImportJob.Status.FAILED)
    assert old_rejected.status == new_rejected.status == ImportJob.Status.REJECTED
    assert succeeded.status == ImportJob.Status.SUCCEEDED
    for job, days in ((old_rejected, 31), (new_rejected, 29), (succeeded, 400), (old_failed, 45)):
        _age(job, days)
    return {"old": old_rejected, "new": new_rejected, "ok": succeeded, "failed": old_failed, "old_sha": old_sha}


def test_refused_files_are_deleted_after_the_retention_period(jobs, scjg_admin, login, capsys):
    paths = {key: jobs[key].file.path for key in ("old", "new", "ok", "failed")}
    call_command("purge_import_files")
    assert "已删除 2 个保留期（30 天）已满的未导入文件" in capsys.readouterr().out

    old = ImportJob.objects.get(pk=jobs["old"].pk)
    assert not old.file and old.file_purged_at is not None
    assert (old.original_name, old.file_sha256) == ("旧的错误文件.csv", jobs["old_sha"])
    assert not ImportJob.objects.get(pk=jobs["failed"].pk).file
    for key, kept in (("old", False), ("failed", False), ("new", True), ("ok", True)):
        assert os.path.exists(paths[key]) is kept, key

    entry = AuditEntry.objects.get(action="imports.file.purge", target_id=str(old.pk))
    assert entry.after["file"] == "旧的错误文件.csv" and entry.after["sha256"] == jobs["old_sha"]
    assert entry.source == "cli"
    assert AuditEntry.objects.filter(action="imports.file.purge").count() == 2

    # The job's page names the file and its hash and says it was deleted; the link is gone.
    client = login(scjg_admin)
    page = client.get(f"/imports/jobs/{old.pk}/").content.decode()
    assert "旧的错误文件.csv" in page and jobs["old_sha"] in page and "保留期满" in page
    assert client.get(f"/imports/jobs/{old.pk}/file/").status_code == 404
    assert client.get(f"/imports/jobs/{jobs['new'].pk}/file/").status_code == 200

    # A second run finds nothing more to do.
    call_command("purge_import_files")
    assert "已删除 0 个" in capsys.readouterr().out


def test_the_retention_period_is_a_setting(jobs, settings):
    settings.SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS = 60
    call_command("purge_import_files")
    assert all(job.file for job in ImportJob.objects.all())
