"""Bulk files of open data (issue 14, item 6; bulk14): per year and department, CSV with a BOM
and JSON, their SHA-256 in the manifest, idempotent and atomic rebuilds, served with ETags."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.bulkdata import content, services
from spotcheck.bulkdata.fields import FIELDS
from spotcheck.bulkdata.models import BulkFile
from spotcheck.publication import services as publication
from tests.bulkdata.conftest import MARKERS

pytestmark = pytest.mark.usefixtures("spring_2026")


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def test_results_files_hold_the_published_result_with_codes_and_labels(published, scjg):
    report = services.bulk_files_build()
    root = services.bulk_root()
    year = published.notice.year
    name = f"results-{year}-{scjg.code}"
    assert f"{name}.csv" in report.changed and f"{name}.json" in report.changed
    [row] = _csv(root / f"{name}.csv")
    assert list(row) == [f.key for f in FIELDS["results"]]
    record = published.record
    assert row["task_code"] == record["task"]["code"] and row["department_code"] == scjg.code
    assert row["item_result_codes"] == "1" and row["item_result_labels"] == "未发现问题"
    assert row["item_method"] == "1" and row["item_method_label"] == "实地核查"
    assert row["item_checked"] == "true" and row["object_name"] == "***********五金店"
    data = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
    assert data["licence"]["text"].startswith("本数据按") and data["fields"] == list(row)
    assert data["rows"][0]["item_result_codes"] == ["1"] and data["rows"][0]["item_checked"] is True
    # The drawn list, the task and the item list are there too.
    assert (root / f"targets-{year}-{scjg.code}.csv").exists()
    [task_row] = _csv(root / f"tasks-{year}-{scjg.code}.csv")
    assert task_row["task_code"] == record["task"]["code"] and len(task_row["seed"]) == 64
    assert BulkFile.objects.get(name=f"targets-{year}-{scjg.code}.csv").rows == int(task_row["target_count"]) > 0


def test_the_manifest_holds_each_files_sha256_size_and_rows(published):
    services.bulk_files_build()
    root = services.bulk_root()
    on_disk = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["licence"]["text"] and on_disk["files"]
    for entry in on_disk["files"]:
        data = (root / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]
        row = BulkFile.objects.get(name=entry["name"])
        assert row.sha256 == entry["sha256"] and row.rows == entry["rows"]
        if entry["format"] == "csv":
            assert len(_csv(root / entry["name"])) == entry["rows"]
        else:
            assert len(json.loads(data)["rows"]) == entry["rows"]


def test_a_rebuild_without_changes_keeps_files_and_times(published, scjg, scjg_admin):
    services.bulk_files_build()
    before = {f.name: (f.sha256, f.updated_at) for f in BulkFile.objects.all()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in services.bulk_root().iterdir()}
    entries = AuditEntry.objects.count()
    report = services.bulk_files_build()
    assert report.changed == [] and len(report.unchanged) == len(before)
    assert {f.name: (f.sha256, f.updated_at) for f in BulkFile.objects.all()} == before
    assert {p.name: p.stat().st_mtime_ns for p in services.bulk_root().iterdir()} == mtimes
    assert AuditEntry.objects.count() == entries
    # A withdrawal changes the results files only (now without rows), audited.
    publication.result_publication_withdraw(actor=scjg_admin, published=published, reason="决定已撤销")
    report = services.bulk_files_build()
    year = published.notice.year
    assert sorted(report.changed) == [f"results-{year}-{scjg.code}.csv", f"results-{year}-{scjg.code}.json"]
    assert BulkFile.objects.get(name=f"results-{year}-{scjg.code}.csv").rows == 0
    assert AuditEntry.objects.filter(action="bulkdata.file.write").count() == len(before) + 2


def test_a_failed_build_leaves_the_old_file(published, scjg, monkeypatch):
    services.bulk_files_build()
    year = published.notice.year
    path = services.bulk_root() / f"results-{year}-{scjg.code}.csv"
    old = path.read_bytes()
    row = BulkFile.objects.get(name=path.name)
    original = content.ROWS["results"]

    def broken(*args):
        for r in original(*args):
            yield r | {"task_title": "changed"}
            raise OSError("disk full")

    monkeypatch.setitem(content.ROWS, "results", broken)
    with pytest.raises(OSError):
        services.bulk_files_build(year=year, department=scjg)
    assert path.read_bytes() == old
    assert BulkFile.objects.get(name=path.name).sha256 == row.sha256
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_command_and_its_arguments(published, scjg):
    out = io.StringIO()
    call_command("build_bulk_files", "--department", scjg.code, stdout=out)
    assert "更新" in out.getvalue() and BulkFile.objects.filter(department=scjg).exists()
    for bad in (("--year", "²"), ("--year", "20x6"), ("--department", "NOPE"), ("--department", "x" * 10_000)):
        with pytest.raises(CommandError):
            call_command("build_bulk_files", *bad)


def test_the_job_builds_the_files(published):
    from spotcheck.bulkdata.jobs import build_bulk_files_job

    build_bulk_files_job.enqueue()  # the tests' backend runs it at once
    assert BulkFile.objects.filter(kind="results").count() == 2


def test_the_page_lists_and_serves_the_files(published, client, scjg):
    services.bulk_files_build()
    page = client.get(reverse("portal:bulkdata:index")).content.decode()
    f = BulkFile.objects.get(name=f"results-{published.notice.year}-{scjg.code}.csv")
    assert f.sha256 in page and f.name in page and "CC BY 4.0" in page
    url = reverse("portal:bulkdata:file", args=[f.name])
    response = client.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(body).hexdigest() == f.sha256
    assert response["ETag"] == f'"{f.sha256}"' and "Last-Modified" in response
    assert "attachment" in response["Content-Disposition"] and response["Content-Type"].startswith("text/csv")
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"{f.sha256}"').status_code == 304
    assert client.head(url)["ETag"] == f'"{f.sha256}"' and client.post(url).status_code == 405
    manifest = client.get(reverse("portal:bulkdata:manifest")).json()
    assert {m["name"]: m["sha256"] for m in manifest["files"]}[f.name] == f.sha256


def test_odd_input_is_never_a_500(published, client):
    services.bulk_files_build()
    odd = ("year=²", "year=99999999999999999999", "department=" + "x" * 10_000, "page=-1", "year=%00", "department=%00")
    for query in odd:
        assert client.get(f"/public/data/?{query}").status_code == 200
    for name in ("nope.csv", "../manifest.json", "x" * 10_000, "%00", "manifest.json"):
        assert client.get(f"/public/data/files/{name}").status_code == 404


def test_no_private_value_reaches_any_file(published):
    services.bulk_files_build()
    for path in services.bulk_root().iterdir():
        text = path.read_text(encoding="utf-8")
        for marker in MARKERS:
            assert marker not in text, (path.name, marker)
