"""The xlsx readers on real files written by openpyxl: what the importer gets, the same from
calamine (a sheet held in memory) and from the streamed reader (large sheets)."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files import File
from openpyxl import Workbook

from spotcheck.imports.readers import ReadError, normalize_xlsx_cell, open_table, open_xlsx


@pytest.fixture(autouse=True, params=["calamine", "streamed"])
def reader(request, settings):
    if request.param == "streamed":
        settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = 0
    return request.param


def _save(path, fill):
    workbook = Workbook()
    fill(workbook, workbook.active)
    workbook.save(path)
    return path


def _rows(path):
    with open(path, "rb") as fh, open_xlsx(fh) as table:
        return table.headers, list(table.rows), table.estimated_rows


def _cell(cells, index):
    """How the importer reads a cell: by position, a missing one being empty."""
    return cells[index] if index < len(cells) else ""


def test_numbers_typed_into_cells_read_as_typed(tmp_path):
    def fill(_workbook, sheet):
        sheet.append(["最近年报年度", "比例", "整数小数", "电话", "负数", "很大", "小"])
        sheet.append([2024, 12.5, 2023.0, 13912345678, -5, 1e20, 0.05])

    headers, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert headers == ["最近年报年度", "比例", "整数小数", "电话", "负数", "很大", "小"]
    assert rows == [(2, ["2024", "12.5", "2023", "13912345678", "-5", "100000000000000000000", "0.05"])]


def test_dates_datetimes_times_and_durations(tmp_path):
    def fill(_workbook, sheet):
        sheet.append(["日期", "午夜", "时刻", "时间", "时长", "长时长"])
        sheet.append(
            [
                dt.date(2020, 1, 31),
                dt.datetime(2015, 3, 2),
                dt.datetime(2015, 3, 2, 13, 4, 5),
                dt.time(8, 30),
                dt.timedelta(hours=2),
                dt.timedelta(days=1, hours=6),
            ]
        )
        sheet["A3"] = 44000  # a date serial typed into a date-formatted cell
        sheet["A3"].number_format = "yyyy-mm-dd"

    _, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert rows == [
        (2, [dt.date(2020, 1, 31), dt.date(2015, 3, 2), "2015-03-02 13:04:05", "08:30:00", "02:00:00", "30:00:00"]),
        (3, [dt.date(2020, 6, 18), "", "", "", "", ""]),
    ]


def test_booleans_text_and_formulas(tmp_path):
    def fill(_workbook, sheet):
        sheet.append(["可任组长", "停用", "名称", "代码", "公式"])
        sheet.append([True, False, " 溧阳市𠀀记小吃店 ", "0123", "=1+1"])

    _, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    # Text is kept as typed (trimming is the importer's job); a formula never calculated by
    # Excel has no stored value and reads as empty, as it did with openpyxl's data_only.
    assert rows == [(2, ["是", "否", " 溧阳市𠀀记小吃店 ", "0123", ""])]


def test_error_cells_read_as_empty(tmp_path):
    # calamine gives no value for #N/A, #DIV/0! and the like (openpyxl gave the code as text).
    def fill(_workbook, sheet):
        sheet.append(["名称", "比例"])
        sheet.append(["甲", "#N/A"])

    _, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert rows == [(2, ["甲", ""])]


def test_blank_rows_are_skipped_but_keep_excel_numbering(tmp_path):
    def fill(_workbook, sheet):
        sheet.append(["名称", "年度"])
        sheet.append(["甲", 2024])
        sheet.append([None, None])
        sheet.append(["   ", None])  # only spaces: blank too
        sheet.append(["乙", 2023])
        sheet["A8"] = "丙"

    headers, rows, estimated = _rows(_save(tmp_path / "a.xlsx", fill))
    assert headers == ["名称", "年度"]
    assert rows == [(2, ["甲", "2024"]), (5, ["乙", "2023"]), (8, ["丙", ""])]
    assert estimated == 7


def test_data_not_starting_in_column_a_keeps_column_positions(tmp_path):
    def fill(_workbook, sheet):
        sheet["B1"], sheet["C1"] = "名称", "年度"
        sheet["B2"], sheet["C2"] = "甲", 2024
        sheet["C3"] = 2023
        sheet["E4"] = "表外备注"

    headers, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert headers == ["", "名称", "年度"]
    assert [(n, [_cell(cells, i) for i in range(5)]) for n, cells in rows] == [
        (2, ["", "甲", "2024", "", ""]),
        (3, ["", "", "2023", "", ""]),
        (4, ["", "", "", "", "表外备注"]),
    ]


@pytest.mark.parametrize("first", ["A2", "C3"])
def test_empty_first_row_is_an_empty_header(tmp_path, first):
    def fill(_workbook, sheet):
        sheet[first] = "名称"

    with pytest.raises(ReadError, match="第 1 行（表头）是空的"):
        _rows(_save(tmp_path / "a.xlsx", fill))


def test_trailing_empty_header_cells_are_dropped_and_headers_trimmed(tmp_path):
    def fill(_workbook, sheet):
        sheet.append([" 名称 ", 2024, dt.date(2024, 1, 2)])
        sheet["F2"] = "x"

    headers, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert headers == ["名称", "2024", "2024-01-02"]
    assert rows == [(2, ["", "", "", "", "", "x"])]


def test_empty_workbook_and_header_only(tmp_path):
    with pytest.raises(ReadError, match="工作表是空的"):
        _rows(_save(tmp_path / "empty.xlsx", lambda _workbook, _sheet: None))
    headers, rows, estimated = _rows(_save(tmp_path / "h.xlsx", lambda _w, sheet: sheet.append(["名称"])))
    assert (headers, rows, estimated) == (["名称"], [], 0)


def test_first_worksheet_is_read(tmp_path):
    def fill(workbook, sheet):
        sheet.title = "检查对象"
        sheet.append(["名称"])
        sheet.append(["甲"])
        other = workbook.create_sheet("说明")
        other.append(["别的"])
        workbook.create_chartsheet("图表", 0)  # a chart sheet first in the book is not a worksheet

    headers, rows, _ = _rows(_save(tmp_path / "a.xlsx", fill))
    assert (headers, rows) == (["名称"], [(2, ["甲"])])


def test_reads_from_the_start_of_django_files_and_upload_buffers(tmp_path):
    path = _save(tmp_path / "a.xlsx", lambda _w, sheet: (sheet.append(["名称"]), sheet.append(["甲"])))
    with open(path, "rb") as raw:
        raw.seek(0, io.SEEK_END)  # wherever the caller left it
        with open_table(File(raw, name="a.xlsx"), "a.xlsx") as table:
            assert (table.headers, list(table.rows), table.encoding) == (["名称"], [(2, ["甲"])], "xlsx")


def _rezip(source, path, change):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = change(item.filename, src.read(item.filename))
            if data is not None:
                out.writestr(item, data)
    return path


def test_damaged_and_non_xlsx_files_are_read_errors(tmp_path):
    good = _save(tmp_path / "good.xlsx", lambda _w, sheet: [sheet.append([f"名称{i}", i]) for i in range(50)])
    data = good.read_bytes()
    cases = {
        "empty": b"",
        "junk": b"PK not really a zip",
        "csv": "名称,年度\n甲,2024\n".encode("gbk"),
        "truncated": data[: len(data) // 2],
        "cut sheet": _rezip(good, tmp_path / "c.xlsx", lambda n, d: d[: len(d) // 2] if "worksheets/" in n else d),
        "no sheet": _rezip(good, tmp_path / "n.xlsx", lambda n, d: None if "worksheets/" in n else d),
        # a zip that is no workbook (an .ods or .docx renamed): refused, not guessed at
        "other zip": _rezip(good, tmp_path / "o.xlsx", lambda n, d: None if n == "xl/workbook.xml" else d),
    }
    for name, case in cases.items():
        content = case.read_bytes() if hasattr(case, "read_bytes") else case
        with (
            pytest.raises(ReadError, match="无法打开 xlsx 文件") as caught,
            open_table(io.BytesIO(content), "a.xlsx") as table,
        ):
            list(table.rows)
        assert caught.value.__cause__ is not None, name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.timedelta(hours=2), "02:00:00"),
        (dt.timedelta(days=1, hours=6, seconds=5), "30:00:05"),
        (dt.timedelta(minutes=-90), "-01:30:00"),
        (dt.timedelta(seconds=1, microseconds=500), "00:00:01.000500"),
        (dt.time(8, 30), "08:30:00"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_times_and_durations(value, text):
    assert normalize_xlsx_cell(value) == text
