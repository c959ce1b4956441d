"""An xlsx that unpacks to far more than it weighs, or declares or holds more rows or columns
than the limits, is refused before its sheet is read, with a message naming the limit; CSV files
have the same row and column limits (issue 11, item 7)."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from spotcheck.imports.models import ImportJob
from spotcheck.imports.readers import LimitExceeded, ReadError, open_table
from spotcheck.imports.services import import_file
from tests.factories import OBJECT_HEADER, make_uscc, object_row, write_csv

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, change(item.filename, src.read(item.filename)), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _with_dimension(data: bytes, ref: str) -> bytes:
    def change(name, content):
        if name != SHEET:
            return content
        return re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), content)

    return _rezip(data, change)


def _bomb(data: bytes, padding: int) -> bytes:
    """The sheet padded with ``padding`` bytes of white space before its data: valid XML that
    unpacks about a thousand times its packed size."""

    def change(name, content):
        if name != SHEET:
            return content
        return content.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)

    return _rezip(data, change)


def _read(data: bytes, name="a.xlsx"):
    with open_table(io.BytesIO(data), name) as table:
        return table.headers, list(table.rows)


def _import(actor, department, data: bytes, tmp_path, name="对象.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return import_file(actor=actor, kind="objects", path=str(path), department=department)


def _rows(n):
    return [OBJECT_HEADER, *(object_row(make_uscc(i), f"企业{i}") for i in range(1, n + 1))]


def test_a_highly_compressed_sheet_is_refused_before_it_is_read(scjg_admin, scjg, codes, tmp_path):
    bomb = _bomb(_xlsx(_rows(1)), 8 * 1024 * 1024)
    assert len(bomb) < 50_000
    run = _import(scjg_admin, scjg, bomb, tmp_path)
    assert run.job.status == ImportJob.Status.REJECTED
    [[row, _column, _value, message]] = run.job.errors
    assert row == 1 and "压缩比" in message and "100:1" in message and SHEET in message


def test_the_ratio_is_a_setting(settings):
    bomb = _bomb(_xlsx([["名称"], ["甲"]]), 2 * 1024 * 1024)
    settings.SPOTCHECK_IMPORT_MAX_COMPRESSION_RATIO = 100_000
    assert _read(bomb) == (["名称"], [(2, ["甲"])])


def test_total_unpacked_size_is_limited(settings, scjg_admin, scjg, codes, tmp_path):
    data = _xlsx(_rows(50))
    settings.SPOTCHECK_IMPORT_MAX_UNPACKED_BYTES = 40_000
    run = _import(scjg_admin, scjg, data, tmp_path)
    assert run.job.status == ImportJob.Status.REJECTED
    message = run.job.errors[0][3]
    assert "解压后共" in message and "39 KB 的导入上限" in message


def test_declared_rows_over_the_limit_are_refused_before_reading():
    data = _with_dimension(_xlsx([["名称"], ["甲"]]), "A1:C2000000")
    with pytest.raises(LimitExceeded, match=r"1,999,999 行数据.*1,048,575 行的导入上限"):
        _read(data)


def test_declared_columns_over_the_limit_are_refused():
    data = _with_dimension(_xlsx([["名称"], ["甲"]]), "A1:XFD2")
    with pytest.raises(LimitExceeded, match="16,384 列，超过 200 列的导入上限"):
        _read(data)


def test_rows_held_count_even_when_the_dimension_lies(settings):
    data = _with_dimension(_xlsx([["名称"], *([f"企业{i}"] for i in range(10))]), "A1:A2")
    settings.SPOTCHECK_IMPORT_MAX_ROWS = 5
    with pytest.raises(ReadError, match="超过 5 行"):
        _read(data)
    settings.SPOTCHECK_IMPORT_MAX_ROWS = 10
    assert len(_read(data)[1]) == 10


def test_csv_rows_and_columns_are_limited(settings, scjg_admin, scjg, codes, tmp_path):
    settings.SPOTCHECK_IMPORT_MAX_ROWS = 3
    path = write_csv(tmp_path / "对象.csv", _rows(5))
    run = import_file(actor=scjg_admin, kind="objects", path=str(path), department=scjg)
    assert run.job.status == ImportJob.Status.REJECTED
    assert "超过 3 行数据（不含表头）的导入上限" in run.job.errors[0][3]

    settings.SPOTCHECK_IMPORT_MAX_ROWS = 10
    wide = "名称\n" + "甲" + "," * 500 + "\n"
    with pytest.raises(LimitExceeded, match="第 2 行有 501 列，超过 200 列的导入上限"):
        _read(wide.encode(), "a.csv")


@pytest.fixture(params=["calamine", "streamed"])
def reader(request, settings):
    if request.param == "streamed":
        settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = 0
    return request.param


def test_rows_held_count_in_either_reader(settings, reader):
    data = _with_dimension(_xlsx([["名称"], *([f"企业{i}"] for i in range(10))]), "A1:A2")
    settings.SPOTCHECK_IMPORT_MAX_ROWS = 5
    with pytest.raises(LimitExceeded, match="超过 5 行"):
        _read(data)


def test_entity_expansion_in_a_sheet_is_not_expanded(reader):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8))
        + b"]>"
    )

    def change(name, content):
        if name != SHEET:
            return content
        body = content[content.index(b"<worksheet") :].replace(b"<v>", b"<v>&i;", 1)
        return laughs + body

    data = _rezip(_xlsx([["名称"], [1]]), change)
    if reader == "streamed":  # expat stops the expansion: a damaged file
        with pytest.raises(ReadError, match="无法打开 xlsx 文件"):
            _read(data)
    else:  # calamine does not expand entities of a DTD
        assert "a" * 100 not in repr(_read(data))


def test_large_sheets_are_streamed_and_imported(settings, scjg_admin, scjg, codes, tmp_path):
    settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = 1024
    run = _import(scjg_admin, scjg, _xlsx(_rows(30)), tmp_path)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert run.job.created_count == 30


def test_streamed_rows_are_not_held(settings):
    import tracemalloc

    settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = 0
    data = _xlsx([[f"列{c}" for c in range(10)], *([f"第{r}行第{c}列的值" for c in range(10)] for r in range(8000))])
    tracemalloc.start()
    try:
        with open_table(io.BytesIO(data), "a.xlsx") as table:
            count = sum(1 for _row in table.rows)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 8000
    # The 80,000 cells held at once would take well over 8 MB; one row at a time takes little.
    assert peak < 3 * 1024 * 1024, peak


def test_a_large_sheet_gives_its_first_rows_before_reading_the_rest(settings):
    # Streamed, not held: the rows come while the sheet is read, so a sheet cut off near its end
    # gives its first rows, and the damage is found (and the import refused) when reached.
    settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = 1024
    data = _xlsx([["名称"], *([f"企业{i}"] for i in range(2000))])

    def cut(name, content):
        return content[: content.index(b'<row r="1990"')] if name == SHEET else content

    with open_table(io.BytesIO(_rezip(data, cut)), "a.xlsx") as table:
        rows = iter(table.rows)
        assert next(rows) == (2, ["企业0"])
        with pytest.raises(ReadError, match="无法打开 xlsx 文件"):
            list(rows)


def test_two_far_apart_cells_are_streamed_not_held_as_a_range():
    # calamine makes room for every cell from A1 to the last one: here 2×10^8 cells (gigabytes)
    # for a file of a few kilobytes, within every limit. Such a sheet is read row by row.
    workbook = Workbook()
    workbook.active["A1"] = "名称"
    workbook.active["GR1000000"] = "远处的值"
    out = io.BytesIO()
    workbook.save(out)
    assert len(out.getvalue()) < 10_000
    headers, rows = _read(out.getvalue())
    assert headers == ["名称"]
    assert rows == [(1_000_000, [""] * 199 + ["远处的值"])]


def test_a_far_cell_past_the_row_limit_is_refused_before_reading(settings):
    data = _with_dimension(_xlsx([["名称"], ["甲"]]), "A1:A2")
    data = _rezip(
        data,
        lambda n, c: (
            c.replace(
                b"</sheetData>",
                b'<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            )
            if n == SHEET
            else c
        ),
    )
    with pytest.raises(LimitExceeded, match="2,999,999 行数据"):
        _read(data)


def test_reading_a_sparse_sheet_takes_little_memory(tmp_path):
    """Measured in a process of its own: A1 and GR300000 (6×10^7 cells as a range) took the
    reader 6 GB before large ranges were streamed."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if not Path("/proc/self/status").exists():
        pytest.skip("reads the process's peak memory from Linux's /proc")
    workbook = Workbook()
    workbook.active["A1"] = "名称"
    workbook.active["GR300000"] = "远处的值"
    workbook.save(tmp_path / "far.xlsx")
    script = (
        "import django, sys\n"
        "django.setup()\n"
        "from spotcheck.imports.readers import open_table\n"
        "with open(sys.argv[1], 'rb') as fh, open_table(fh, 'far.xlsx') as table:\n"
        "    rows = list(table.rows)\n"
        # The peak of this process's own memory (VmHWM): getrusage's ru_maxrss keeps, across
        # the exec, the peak of the forked test worker, which grows over the suite.
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "print(len(rows), int(hwm) // 1024)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "spotcheck.settings", "PYTHONPATH": str(root)}
    done = subprocess.run(  # noqa: S603 (this interpreter, this script)
        [sys.executable, "-c", script, str(tmp_path / "far.xlsx")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=120,
        check=True,
    )
    count, peak_mb = (int(v) for v in done.stdout.split())
    assert count == 1
    assert peak_mb < 400, peak_mb
