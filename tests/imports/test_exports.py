import hashlib
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from spotcheck.audit.models import AuditEntry
from spotcheck.imports import exports
from spotcheck.imports.columns import INSPECTOR_COLUMNS, ITEM_COLUMNS, OBJECT_COLUMNS
from spotcheck.imports.models import ExportJob, ImportJob
from spotcheck.imports.services import import_file
from tests.factories import (
    INSPECTOR_HEADER,
    ITEM_HEADER,
    OBJECT_HEADER,
    InspectionObjectFactory,
    inspector_row,
    item_row,
    make_uscc,
    object_row,
    read_xlsx,
)
from tests.fixtures.imports import download_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(scjg_admin, scjg, codes, run_import):
    rows = [object_row(make_uscc(n), f"企业{n}", 风险等级="高风险" if n == 2 else "低风险") for n in range(1, 4)]
    run = run_import(scjg_admin, "objects", [OBJECT_HEADER, *rows], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED
    return rows


def test_export_xlsx_has_the_import_headers_and_formats(scjg_admin, objects, login):
    response = download_export(login(scjg_admin), "objects")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in OBJECT_COLUMNS]
    first = {c.header: cell for c, cell in zip(OBJECT_COLUMNS, sheet[2], strict=True)}
    assert first["统一社会信用代码"].value == make_uscc(1)
    assert first["统一社会信用代码"].number_format == "@"
    assert first["成立日期"].number_format == "yyyy-mm-dd"
    assert first["信用等级"].value == "A 类（信用风险低）"
    assert first["列入经营异常名录"].value == "否"
    assert first["许可证"].value == "食品经营许可证:JY13204810012345:2027-05-31"
    assert sheet.max_row == 4


def test_export_with_filters_csv_with_bom_and_audit(scjg_admin, objects, login):
    before = AuditEntry.objects.count()
    response = download_export(login(scjg_admin), "objects", "format=csv&risk_level=high")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["统一社会信用代码", "公开编码", "对象类型"]
    assert len(lines) == 2 and make_uscc(2) in lines[1]
    # Asking for the export and fetching its file: two entries, the file named by its SHA-256.
    start, download = AuditEntry.objects.filter(seq__gt=before, action__startswith="imports.").order_by("seq")
    job = ExportJob.objects.get()
    assert start.action == "imports.objects.export"
    assert start.after == {"job_id": job.pk, "filters": {"risk_level": "high"}, "rows": 1, "format": "csv"}
    assert download.action == "imports.objects.export_download"
    assert download.after["sha256"] == hashlib.sha256(response.content).hexdigest() == job.file_sha256
    assert download.after["rows"] == 1


def test_export_refuses_bad_filters(scjg_admin, objects, login):
    response = download_export(login(scjg_admin), "objects", "risk_level=nonsense")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_export_only_shows_readable_rows(wsjk_admin, scjg, objects, login):
    InspectionObjectFactory(owner_department=scjg, name="只属于市场监管")
    response = download_export(login(wsjk_admin), "objects", "format=csv")
    body = response.content.decode("utf-8-sig")
    # The imported rows name 卫健 as a supervising department; the factory's row does not.
    assert "只属于市场监管" not in body and "企业1" in body


def test_round_trip_export_edit_in_excel_import(scjg_admin, scjg, objects, login, tmp_path):
    response = download_export(login(scjg_admin), "objects")
    path = tmp_path / "导出.xlsx"
    path.write_bytes(response.content)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=headers.index("名称") + 1, value="在 Excel 里改过的名称")
    workbook.save(path)

    run = import_file(actor=scjg_admin, kind="objects", path=str(path), department=scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 1, 2)


def test_round_trip_csv_and_other_kinds(coordinator, scjg_admin, scjg, codes, run_import, tmp_path):
    run_import(coordinator, "inspectors", [INSPECTOR_HEADER, inspector_row("P001")], scjg)
    run_import(coordinator, "items", [ITEM_HEADER, item_row("SC-001")], scjg)
    # The roster (with phone numbers) is exported by the department's admin (issue 11, item 4).
    exporters = {"inspectors": scjg_admin, "items": coordinator}
    for kind, columns in (("inspectors", INSPECTOR_COLUMNS), ("items", ITEM_COLUMNS)):
        for fmt in ("csv", "xlsx"):
            path = tmp_path / f"{kind}.{fmt}"
            with open(path, "wb") as out:
                assert exports.export_write(actor=exporters[kind], kind=kind, filters={}, fmt=fmt, out=out) == 1
            if fmt == "xlsx":
                assert read_xlsx(path)[0] == [c.header for c in columns]
            run = import_file(actor=coordinator, kind=kind, path=str(path), department=scjg)
            assert run.job.status == ImportJob.Status.SUCCEEDED, (kind, fmt, run.outcome.errors)
            assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 0, 1), (kind, fmt)


def test_export_command_with_filters(scjg_admin, objects, tmp_path, capsys):
    path = tmp_path / "out.csv"
    call_command("export_objects", str(path), "--user", "scjg_admin", "--filter", "risk_level=low")
    assert "已导出 2 行" in capsys.readouterr().out
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 3
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.source) == ("imports.objects.export", "cli")


def test_files_stay_chinese_when_browsing_in_english(scjg_admin, objects, login, client):
    from django.conf import settings as django_settings

    client = login(scjg_admin)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    workbook = load_workbook(io.BytesIO(download_export(client, "objects").content))
    sheet = workbook.worksheets[0]
    first = {c.header: cell.value for c, cell in zip(OBJECT_COLUMNS, sheet[2], strict=True)}
    assert first["对象类型"] == "企业" and first["信用等级"] == "A 类（信用风险低）"
    template = load_workbook(io.BytesIO(client.get("/imports/template/objects/").content))
    assert template.worksheets[0]["A1"].value == OBJECT_COLUMNS[0].header
