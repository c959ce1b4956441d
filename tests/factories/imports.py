"""Rows of the import files (the columns of the import templates, a valid row of each kind)
and the files themselves: CSV in any encoding, XLSX."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook


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


INSPECTOR_HEADER = [
    "人员编码",
    "姓名",
    "所属部门",
    "人员类别",
    "执法证号",
    "执法证有效期至",
    "管辖片区",
    "可任组长",
    "执法资格",
    "在岗状态",
]


def inspector_row(code, name="张三", **over):
    values = dict(
        zip(
            INSPECTOR_HEADER,
            [
                code,
                name,
                "市场监管",
                "公务员",
                f"ZF{code}",
                "2028-12-31",
                "溧城街道；320481101",
                "是",
                "food_safety",
                "在岗",
            ],
            strict=True,
        )
    )
    values.update(over)
    return [values[h] for h in INSPECTOR_HEADER]


ITEM_HEADER = [
    "事项编码",
    "所属部门",
    "事项名称",
    "事项类别",
    "抽查依据",
    "实施主体",
    "抽查对象范围",
    "默认抽查比例",
    "检查方式",
    "检查表",
]


def item_row(code, name="食品经营者监督检查", **over):
    values = dict(
        zip(
            ITEM_HEADER,
            [
                code,
                "市场监管",
                name,
                "重点检查事项",
                "《中华人民共和国食品安全法》第八十七条",
                "溧阳市市场监督管理局",
                "对象类型=企业；行业=H",
                "5%",
                "实地核查；书面检查",
                "是否公示许可证｜《食品经营许可管理办法》第二十六条\n是否建立进货查验记录",
            ],
            strict=True,
        )
    )
    values.update(over)
    return [values[h] for h in ITEM_HEADER]
