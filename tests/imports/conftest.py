"""Code tables and file helpers for the import tests."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from spotcheck.imports.services import import_file
from tests.imports.factories import IndustryFactory, LicenceKindFactory, QualificationFactory, TagFactory


@pytest.fixture
def codes(towns, scjg, wsjk):
    """The reference data rows refer to (loaded by the apps' data migrations; got, not made)."""
    return {
        "industry": IndustryFactory(code="H"),
        "division": IndustryFactory(code="62"),
        "catering": TagFactory(code="catering"),
        "key": TagFactory(code="key_supervision"),
        "licence": LicenceKindFactory(code="food_business"),
        "law": QualificationFactory(code="general_enforcement"),
        "food_safety": QualificationFactory(code="food_safety"),
    }


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def read_xlsx(path_or_bytes) -> list[list]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    workbook = load_workbook(source)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


OBJECT_HEADER = [
    "统一社会信用代码",
    "对象类型",
    "名称",
    "法定代表人/负责人",
    "住所（经营场所）",
    "所属区划代码",
    "行业代码",
    "登记状态",
    "成立日期",
    "分类标注",
    "风险等级",
    "信用等级",
    "列入经营异常名录",
    "监管部门",
    "许可证",
]


def object_row(uscc: str, name: str = "溧阳市天目湖饭店有限公司", **over) -> list:
    values = {
        "统一社会信用代码": uscc,
        "对象类型": "企业",
        "名称": name,
        "法定代表人/负责人": "王五",
        "住所（经营场所）": "溧阳市溧城街道燕山路 1 号",
        "所属区划代码": "320481100",
        "行业代码": "H",
        "登记状态": "存续",
        "成立日期": "2015-03-02",
        "分类标注": "catering；重点监管",
        "风险等级": "一般风险",
        "信用等级": "A 类（信用风险低）",
        "列入经营异常名录": "否",
        "监管部门": "市场监管；卫健",
        "许可证": "food_business:JY13204810012345:2027-05-31",
    }
    values.update(over)
    return [values[h] for h in OBJECT_HEADER]


@pytest.fixture
def run_import(tmp_path):
    """Import ``rows`` (header first) as ``actor`` for ``department`` and return the ImportRun."""

    def _run(actor, kind, rows, department, *, name="data.csv", encoding="utf-8"):
        path = tmp_path / name
        if name.endswith(".xlsx"):
            write_xlsx(path, rows)
        else:
            write_csv(path, rows, encoding)
        return import_file(actor=actor, kind=kind, path=str(path), department=department)

    return _run


TODAY = dt.date.today()
