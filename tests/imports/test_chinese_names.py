"""Issue 12, item 8: tags and licence kinds appear in files by their Chinese names (餐饮服务,
食品经营许可证), not their codes (catering, food_business); an import accepts both."""

import io
import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from spotcheck.directory.models import InspectionObject
from spotcheck.imports import exports
from spotcheck.imports.columns import ITEM_COLUMNS, OBJECT_COLUMNS
from spotcheck.imports.models import ImportJob
from spotcheck.imports.services import import_file
from tests.factories import ITEM_HEADER, OBJECT_HEADER, item_row, make_uscc, object_row
from tests.fixtures.imports import download_export

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _first_row(content: bytes, columns) -> dict:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {c.header: cell.value for c, cell in zip(columns, sheet[2], strict=True)}


def test_import_by_chinese_names_exports_names_and_round_trips(scjg_admin, scjg, codes, run_import, login, tmp_path):
    rows = [
        object_row(make_uscc(1), "企业一", 分类标注="餐饮服务；重点监管", 许可证="食品经营许可证:JY1:2027-05-31"),
        # Codes are still accepted.
        object_row(make_uscc(2), "企业二", 分类标注="catering", 许可证="food_business:JY2"),
    ]
    run = run_import(scjg_admin, "objects", [OBJECT_HEADER, *rows], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    first = InspectionObject.objects.get(uscc=make_uscc(1))
    assert set(first.tags.values_list("code", flat=True)) == {"catering", "key_supervision"}
    assert list(first.licences.values_list("kind__code", "number")) == [("food_business", "JY1")]

    response = download_export(login(scjg_admin), "objects")
    exported = _first_row(response.content, OBJECT_COLUMNS)
    assert exported["分类标注"] == "重点监管；餐饮服务" or exported["分类标注"] == "餐饮服务；重点监管"
    assert exported["许可证"] == "食品经营许可证:JY1:2027-05-31"
    csv_path = tmp_path / "objects.csv"
    with open(csv_path, "wb") as out:
        exports.export_write(actor=scjg_admin, kind="objects", filters={}, fmt="csv", out=out)
    assert not SNAKE_CASE.search(csv_path.read_text("utf-8-sig"))

    path = tmp_path / "导出.xlsx"
    path.write_bytes(response.content)
    again = import_file(actor=scjg_admin, kind="objects", path=str(path), department=scjg)
    assert again.job.status == ImportJob.Status.SUCCEEDED, again.outcome.errors
    assert (again.job.created_count, again.job.updated_count, again.job.unchanged_count) == (0, 0, 2)


def test_item_scope_exports_tag_and_licence_names(coordinator, scjg, codes, run_import, tmp_path):
    scope = "对象类型=企业；分类标注=catering；许可类别=食品经营许可证"
    run = run_import(coordinator, "items", [ITEM_HEADER, item_row("SC-001", 抽查对象范围=scope)], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    path = tmp_path / "items.xlsx"
    with open(path, "wb") as out:
        exports.export_write(actor=coordinator, kind="items", filters={}, fmt="xlsx", out=out)
    exported = _first_row(path.read_bytes(), ITEM_COLUMNS)["抽查对象范围"]
    assert "分类标注=餐饮服务" in exported and "许可类别=食品经营许可证" in exported
    assert not SNAKE_CASE.search(exported)
    again = import_file(actor=coordinator, kind="items", path=str(path), department=scjg)
    assert again.job.status == ImportJob.Status.SUCCEEDED, again.outcome.errors
    assert again.job.unchanged_count == 1


@pytest.mark.parametrize("kind", ["objects", "items"])
def test_template_lists_names_not_codes(scjg_admin, codes, login, kind):
    content = login(scjg_admin).get(f"/imports/template/{kind}/").content
    notes = load_workbook(io.BytesIO(content))["填写说明"]
    text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert not SNAKE_CASE.findall(text), SNAKE_CASE.findall(text)
    if kind == "objects":
        assert "餐饮服务" in text and "食品经营许可证" in text


def test_template_lists_no_drop_down_on_columns_of_several_values(scjg_admin, codes, login):
    """A cell of several names (餐饮服务；重点监管) is not one item of a list: Excel would refuse it."""
    content = login(scjg_admin).get("/imports/template/objects/").content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    validated = set()
    for dv in sheet.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        validated.add(headers[column_index_from_string(letter) - 1])
    assert "对象类型" in validated
    assert not {"分类标注", "监管部门"} & validated
