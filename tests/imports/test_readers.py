import datetime as dt
import io

import pytest
from openpyxl import Workbook

from spotcheck.imports.readers import ReadError, detect_encoding, open_table

ROWS = "统一社会信用代码,名称\n91320481MA1N2YYY0Y,溧阳市天目湖饭店\n"


def _read(data: bytes, name: str):
    with open_table(io.BytesIO(data), name) as table:
        return table.headers, list(table.rows), table.encoding


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ROWS.encode("utf-8"), "utf-8-sig"),
        (b"\xef\xbb\xbf" + ROWS.encode("utf-8"), "utf-8-sig"),
        (ROWS.encode("gbk"), "gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_csv_encodings(data, encoding):
    headers, rows, detected = _read(data, "a.csv")
    assert detected == encoding
    assert headers == ["统一社会信用代码", "名称"]
    assert rows == [(2, ["91320481MA1N2YYY0Y", "溧阳市天目湖饭店"])]


def test_gb18030_with_character_outside_gbk():
    text = "名称,法定代表人\n𠀀记小吃店,李䶮\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    _headers, rows, detected = _read(text.encode("gb18030"), "a.csv")
    assert detected == "gb18030"
    assert rows == [(2, ["𠀀记小吃店", "李䶮"])]


def test_headers_are_trimmed_and_blank_lines_keep_excel_numbering():
    data = " 名称 ,  所属区划代码\n甲,320481\n,\n乙,320481\n".encode()
    headers, rows, _ = _read(data, "a.csv")
    assert headers == ["名称", "所属区划代码"]
    assert [number for number, _cells in rows] == [2, 4]


def test_quoted_multiline_cell_counts_as_one_row():
    data = '名称,检查表\n甲,"问题一\n问题二"\n乙,x\n'.encode()
    _, rows, _ = _read(data, "a.csv")
    assert rows == [(2, ["甲", "问题一\n问题二"]), (3, ["乙", "x"])]


def test_undecodable_and_utf16_files_are_refused():
    with pytest.raises(ReadError, match="UTF-16"):
        detect_encoding(io.BytesIO("名称".encode("utf-16")))
    with pytest.raises(ReadError, match="无法识别文件的字符编码"):
        detect_encoding(io.BytesIO(b"\x81\x20\xff\xfe\x80"))


def test_unsupported_suffix_and_empty_file():
    with pytest.raises(ReadError, match=r"\.xls"):
        _read(b"", "a.xls")
    with pytest.raises(ReadError, match="不支持的文件类型"):
        _read(b"", "a.pdf")
    with pytest.raises(ReadError, match="空的"):
        _read(b"", "a.csv")


def test_xlsx_numbers_dates_and_booleans_are_normalised():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["统一社会信用代码", "成立日期", "最近年报年度", "比例", "电话", "可任组长"])
    sheet.append(["91320481MA1N2YYY0Y", dt.datetime(2015, 3, 2), 2024, 0.05, 13912345678, True])
    sheet.append([None, dt.date(2020, 1, 31), 2023.0, None, None, False])
    sheet.append([None, None, None, None, None, None])
    out = io.BytesIO()
    workbook.save(out)

    headers, rows, encoding = _read(out.getvalue(), "a.xlsx")
    assert encoding == "xlsx"
    assert headers[0] == "统一社会信用代码"
    assert rows == [
        (2, ["91320481MA1N2YYY0Y", dt.date(2015, 3, 2), "2024", "0.05", "13912345678", "是"]),
        (3, ["", dt.date(2020, 1, 31), "2023", "", "", "否"]),
    ]


def test_damaged_xlsx_is_a_read_error():
    with pytest.raises(ReadError, match="无法打开 xlsx"):
        _read(b"PK not really a zip", "a.xlsx")
