"""Reading uploaded tables: CSV in UTF-8 (with or without BOM), GBK or GB18030, and XLSX.

Every reader yields the same thing: the header row, then ``(row_number, cells)`` where the row
number is the one the user sees in Excel (the header is row 1) and each cell is a ``str`` or a
``datetime.date``. XLSX cells are normalised so that they look like what the user typed: whole
numbers without ``.0`` (a USCC or a phone number typed into a number cell), dates as ``date``,
booleans as 是/否. A text cell an export quoted against formula injection (``'=…``) reads back
as the text before quoting (``core.spreadsheet.unquote_cell``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from spotcheck.core.spreadsheet import QUOTE, unquote_cell
from spotcheck.imports.limits import (
    ImportLimits,
    LimitExceeded,
    ReadError,
    check_extent,
    check_package,
    declared_extent,
    first_worksheet_path,
    held_extent,
    too_many_columns,
    too_many_rows,
)

Cell = str | dt.date
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
_CHUNK = 1 << 20
__all__ = ["LimitExceeded", "ReadError", "Table", "open_table"]


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    # Rows below the header as far as cheaply known (CSV: line count; XLSX: sheet dimension);
    # used for the progress bar only.
    estimated_rows: int
    encoding: str


def suffix_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def detect_encoding(fh: IO[bytes]) -> str:
    """``utf-8-sig`` when the whole file decodes strictly as UTF-8, else ``gb18030`` (a superset
    of GBK, so GBK files read too) when that decodes, else a ReadError.

    Valid UTF-8 is so structured that Chinese GBK text practically never passes it by chance,
    so no statistical guess is needed between the two."""
    fh.seek(0)
    head = fh.read(4)
    fh.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(_("文件是 UTF-16（Unicode 文本）格式，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"))
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        fh.seek(0)
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            fh.seek(0)
        return encoding
    raise ReadError(_("无法识别文件的字符编码：请使用 UTF-8、GBK 或 GB18030 编码的 CSV 文件，或 xlsx 文件。"))


def _count_lines(fh: IO[bytes]) -> int:
    fh.seek(0)
    lines = 0
    last = b""
    while chunk := fh.read(_CHUNK):
        lines += chunk.count(b"\n")
        last = chunk
    fh.seek(0)
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _clean_headers(raw: list[Any], limits: ImportLimits) -> list[str]:
    headers = [normalize_xlsx_cell(h) for h in raw]
    headers = [h.isoformat() if isinstance(h, dt.date) else h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ReadError(_("文件第 1 行（表头）是空的：第 1 行应为列名。"))
    # A header this long is not a header: the file is probably not a table at all.
    if len(headers) > limits.columns:
        raise ReadError(_("表头超过 %(n)d 列，不是可导入的表格。") % {"n": limits.columns})
    return headers


@contextmanager
def open_csv(fh: IO[bytes]) -> Iterator[Table]:
    limits = ImportLimits.current()
    encoding = detect_encoding(fh)
    estimated = max(0, _count_lines(fh) - 1)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        first = text.readline()
        if not first.strip():
            raise ReadError(_("文件是空的：第 1 行应为列名。"))
        delimiter = "\t" if "\t" in first and "," not in first else ","
        header_cells = next(csv.reader([first], delimiter=delimiter))
        headers = _clean_headers(header_cells, limits)
        yield Table(headers, _blank_aware_numbering(text, delimiter, limits), estimated, encoding)
    finally:
        text.detach()


def _blank_aware_numbering(text: IO[str], delimiter: str, limits: ImportLimits) -> Iterator[tuple[int, list[Cell]]]:
    # Excel shows blank lines as rows too, so number every record, blank or not.
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = 1
    last_row = limits.rows + 1
    try:
        for cells in reader:
            number += 1
            if number > last_row:
                raise too_many_rows(limits)
            if len(cells) > limits.columns:
                raise too_many_columns(limits, number, len(cells))
            # (joining is the fast test: the cells are all text here)
            joined = "".join(cells)
            if not cells or not joined.strip():
                continue
            if QUOTE in joined:
                cells = [unquote_cell(c) for c in cells]
            yield number, cells
    except csv.Error as exc:
        raise ReadError(_("CSV 第 %(row)d 行格式错误：%(error)s") % {"row": number, "error": exc}) from exc


def normalize_xlsx_cell(value: Any) -> Cell:
    """What the user typed, whatever type Excel stored it as."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return str(value)


def _duration_text(value: dt.timedelta) -> str:
    """A duration the way Excel's ``[h]:mm:ss`` shows it (``30:00:00``, not ``1 day, 6:00:00``);
    under a day it reads like ``time.isoformat()``."""
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    minutes, seconds = divmod(value.days * 86400 + value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{text}.{value.microseconds:06d}" if value.microseconds else text


_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, IndexError)


def _damaged(exc: BaseException) -> ReadError:
    return ReadError(_("无法打开 xlsx 文件（文件已损坏或不是 xlsx 格式）：%(error)s") % {"error": exc})


@dataclass
class _Package:
    sheet_path: str | None
    extent: tuple[int, int] | None
    # Read row by row rather than held by calamine, which makes room for every cell of the
    # range from A1 to the last cell: a sheet of two cells, A1 and GR1000000, is small XML and
    # 2×10^8 cells in memory.
    streamed: bool
    held: tuple[int, int] | None = None


def _check_package(fh: IO[bytes], limits: ImportLimits) -> _Package:
    """Refuse, before anything parses the sheet, a package that unpacks too big or too much or
    whose first worksheet declares or holds more rows or columns than the limits (``limits.py``),
    and decide whether the sheet is held by calamine or streamed."""
    # calamine guesses the format from the content and would read an .xls or .ods renamed to
    # .xlsx too; only an xlsx package (a zip holding xl/workbook.xml) is accepted, as before.
    fh.seek(0)
    with zipfile.ZipFile(fh) as package:
        if not any(name.lower() == "xl/workbook.xml" for name in package.namelist()):
            raise zipfile.BadZipFile("There is no item named 'xl/workbook.xml' in the archive")
        check_package(package, limits)
        sheet_path = first_worksheet_path(package)
        extent = declared_extent(package, sheet_path) if sheet_path else None
        if extent:
            check_extent(*extent, limits)
        streamed, held = False, None
        if sheet_path:
            streamed = package.getinfo(sheet_path).file_size > settings.SPOTCHECK_IMPORT_XLSX_STREAM_BYTES
            held = None if streamed else held_extent(package, sheet_path)
            if held:
                check_extent(*held, limits)
            streamed = streamed or held is None or held[0] * held[1] > settings.SPOTCHECK_IMPORT_XLSX_STREAM_CELLS
    return _Package(sheet_path, extent, streamed, held)


def _first_worksheet(fh: IO[bytes]) -> tuple[Any, Any]:
    """The workbook and its first worksheet (chart and macro sheets do not count), read with
    calamine: the whole sheet is parsed here, so every error of a damaged file is raised here."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    fh.seek(0)  # calamine reads from the current position
    workbook = CalamineWorkbook.from_filelike(fh)
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ == SheetTypeEnum.WorkSheet:
                return workbook, workbook.get_sheet_by_index(index)
        return workbook, None
    except BaseException:
        workbook.close()
        raise


def _xlsx_cells(cells: list[Any]) -> list[Cell]:
    return [unquote_cell(c) if c.__class__ is str else normalize_xlsx_cell(c) for c in cells]


@contextmanager
def open_xlsx(fh: IO[bytes]) -> Iterator[Table]:
    """The first worksheet's rows: read by calamine when its XML and its range of cells are
    small enough to hold (fast), streamed row by row when larger
    (``SPOTCHECK_IMPORT_XLSX_STREAM_BYTES``, ``SPOTCHECK_IMPORT_XLSX_STREAM_CELLS``)."""
    limits = ImportLimits.current()
    try:
        package = _check_package(fh, limits)
    except _DAMAGED as exc:
        raise _damaged(exc) from exc
    if package.sheet_path and package.streamed:
        with _open_streamed(fh, package, limits) as table:
            yield table
        return
    with _open_calamine(fh, limits) as table:
        yield table


@contextmanager
def _open_streamed(fh: IO[bytes], package: _Package, limits: ImportLimits) -> Iterator[Table]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError

    from spotcheck.imports.xlsx_stream import StreamedSheet

    damaged = (*_DAMAGED, ParseError, DefusedXmlException)
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except damaged as exc:
        raise _damaged(exc) from exc
    try:
        try:
            rows = StreamedSheet(archive, package.sheet_path or "", limits).rows()
            first = next(rows, None)
        except damaged as exc:
            raise _damaged(exc) from exc
        if first is None:
            raise ReadError(_("工作表是空的：第 1 行应为列名。"))
        number, raw_header = first
        # Data starting below row 1 means an empty header row.
        header_cells = raw_header if number == 1 else []
        headers = _clean_headers(header_cells, limits)
        width = len(header_cells)
        # Rows below the header as scanned or declared (for the progress bar only).
        known = package.held or package.extent
        estimated = max(0, known[0] - 1) if known else 0

        def generate() -> Iterator[tuple[int, list[Cell]]]:
            pending = [] if number == 1 else [first]
            try:
                for row_number, cells in itertools.chain(pending, rows):
                    if _is_blank(cells):
                        continue
                    if len(cells) < width:
                        cells = cells + [""] * (width - len(cells))
                    yield row_number, _xlsx_cells(cells)
            except damaged as exc:
                raise _damaged(exc) from exc

        yield Table(headers, generate(), estimated, "xlsx")
    finally:
        archive.close()


@contextmanager
def _open_calamine(fh: IO[bytes], limits: ImportLimits) -> Iterator[Table]:
    from python_calamine import CalamineError

    try:
        workbook, sheet = _first_worksheet(fh)
    except (CalamineError, *_DAMAGED) as exc:
        raise _damaged(exc) from exc
    except BaseException as exc:
        # A panic inside calamine (Rust) arrives as pyo3's PanicException, a BaseException:
        # a file that crashes the reader is a damaged file, not a reason to kill the worker.
        if type(exc).__name__ != "PanicException":
            raise
        raise _damaged(exc) from exc
    try:
        if sheet is None or sheet.start is None:
            raise ReadError(_("工作表是空的：第 1 行应为列名。"))
        # What the sheet holds, whatever its dimension declared.
        check_extent(sheet.end[0] + 1, sheet.end[1] + 1, limits)
        # calamine's rows begin at the first column that holds anything, not at column A: put
        # the empty columns on the left back so that positions match the columns the user sees.
        first_row, first_column = sheet.start
        pad = [""] * first_column
        rows = sheet.iter_rows()
        # Data starting below row 1 means an empty header row (whether or not calamine pads
        # the empty rows above the data, which this does not rely on).
        headers = _clean_headers(pad + next(rows) if first_row == 0 else [], limits)
        estimated = sheet.end[0] if sheet.end else 0  # index of the last row = rows below the header

        def generate() -> Iterator[tuple[int, list[Cell]]]:
            for number, cells in enumerate(rows, start=2):
                if _is_blank(cells):
                    continue
                cells = _xlsx_cells(cells)
                yield number, (pad + cells) if pad else cells

        yield Table(headers, generate(), estimated, "xlsx")
    finally:
        workbook.close()


@contextmanager
def open_table(fh: IO[bytes], name: str) -> Iterator[Table]:
    """Open ``fh`` (binary, seekable) by the suffix of ``name``."""
    suffix = suffix_of(name)
    if suffix in CSV_SUFFIXES:
        opener = open_csv
    elif suffix in XLSX_SUFFIXES:
        opener = open_xlsx
    elif suffix == ".xls":
        raise ReadError(_("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。"))
    else:
        raise ReadError(_("不支持的文件类型“%(suffix)s”：请上传 .csv 或 .xlsx 文件。") % {"suffix": suffix or name})
    with opener(fh) as table:
        yield table
