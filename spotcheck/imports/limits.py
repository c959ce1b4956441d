"""The limits of an import file, checked before its rows are read (issue 11, item 7).

A 594 KB xlsx can hold 154 MB of sheet XML (a "zip bomb"), and a reader that holds the sheet
takes a worker from 87 MB to 1 GB. So, before anything parses the sheet: the parts of the
package may not unpack to more than ``SPOTCHECK_IMPORT_MAX_UNPACKED_BYTES`` together, no large
part may unpack more than ``SPOTCHECK_IMPORT_MAX_COMPRESSION_RATIO`` times its packed size, and
the sheet's declared dimension may not exceed ``SPOTCHECK_IMPORT_MAX_ROWS`` data rows or
``SPOTCHECK_IMPORT_MAX_COLUMNS`` columns. The readers count the rows and columns they actually
give too (a dimension may be missing or lie), and CSV files have the same row and column limits.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.conf import settings
from django.utils.translation import gettext as _

# Small parts (styles, the workbook) compress very well and hold nothing big: the ratio is
# checked on parts that unpack to more than this.
RATIO_CHECKED_ABOVE = 1024 * 1024
# The dimension element comes before the sheet's data; it is looked for in the first bytes.
_DIMENSION_SCAN_BYTES = 64 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})?\$?([0-9]+)?$")
_WORKSHEET_TYPE = "/worksheet"


@dataclass(frozen=True)
class ImportLimits:
    upload_bytes: int
    unpacked_bytes: int
    compression_ratio: int
    rows: int
    columns: int

    @classmethod
    def current(cls) -> ImportLimits:
        return cls(
            upload_bytes=settings.SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES,
            unpacked_bytes=settings.SPOTCHECK_IMPORT_MAX_UNPACKED_BYTES,
            compression_ratio=settings.SPOTCHECK_IMPORT_MAX_COMPRESSION_RATIO,
            rows=settings.SPOTCHECK_IMPORT_MAX_ROWS,
            columns=settings.SPOTCHECK_IMPORT_MAX_COLUMNS,
        )


class ReadError(Exception):
    """The file cannot be read as a table; the message (Chinese) says why. (Defined here, at
    the bottom of the readers, and imported from ``readers`` everywhere else.)"""


class LimitExceeded(ReadError):
    """The file passes a limit; the message (Chinese) names the limit."""


def megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:,.0f} MB"
    return f"{max(1, size // 1024):,} KB"


def upload_too_large(limits: ImportLimits) -> str:
    return _("文件超过导入上限 %(limit)s，未予接收：请分成几个文件导入。") % {"limit": megabytes(limits.upload_bytes)}


def too_many_rows(limits: ImportLimits) -> LimitExceeded:
    message = _("文件超过 %(limit)s 行数据（不含表头）的导入上限，未导入：请分成几个文件导入。")
    return LimitExceeded(message % {"limit": f"{limits.rows:,}"})


def too_many_columns(limits: ImportLimits, row: int, count: int) -> LimitExceeded:
    return LimitExceeded(
        _("第 %(row)d 行有 %(count)s 列，超过 %(limit)d 列的导入上限，不是可导入的表格。")
        % {"row": row, "count": f"{count:,}", "limit": limits.columns}
    )


def check_package(package: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse a package whose parts unpack too big, or one part of which unpacks too much,
    from the sizes its directory declares (the readers stop at the declared size)."""
    total = 0
    for info in package.infolist():
        total += info.file_size
        if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > info.compress_size * limits.compression_ratio:
            ratio = info.file_size // max(1, info.compress_size)
            raise LimitExceeded(
                _(
                    "xlsx 文件中的“%(part)s”从 %(packed)s 解压为 %(size)s（压缩比 %(ratio)s:1），"
                    "超过 %(limit)d:1 的上限，疑为恶意构造的文件，未读取。"
                )
                % {
                    "part": info.filename,
                    "packed": megabytes(info.compress_size),
                    "size": megabytes(info.file_size),
                    "ratio": f"{ratio:,}",
                    "limit": limits.compression_ratio,
                }
            )
    if total > limits.unpacked_bytes:
        raise LimitExceeded(
            _("xlsx 文件解压后共 %(size)s，超过 %(limit)s 的导入上限，未读取：请分成几个文件导入。")
            % {"size": megabytes(total), "limit": megabytes(limits.unpacked_bytes)}
        )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def first_worksheet_path(package: zipfile.ZipFile) -> str | None:
    """The package path of the workbook's first worksheet (chart sheets do not count), read
    from xl/workbook.xml and its relationships, streamed (their size is not trusted either;
    defusedxml refuses the DTDs and entities no workbook has)."""
    try:
        sheet_ids = []
        with package.open("xl/workbook.xml") as fh:
            for _event, element in iterparse(fh, forbid_dtd=True):
                if _local(element.tag) == "sheet":
                    rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
                    if rid:
                        sheet_ids.append(rid)
                element.clear()
        targets = {}
        with package.open("xl/_rels/workbook.xml.rels") as fh:
            for _event, element in iterparse(fh, forbid_dtd=True):
                if _local(element.tag) == "Relationship" and element.get("Type", "").endswith(_WORKSHEET_TYPE):
                    targets[element.get("Id")] = element.get("Target", "")
                element.clear()
    except (KeyError, ParseError, DefusedXmlException):
        return None
    names = {name.lower(): name for name in package.namelist()}
    for rid in sheet_ids:
        target = targets.get(rid)
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path.lower() in names:
            return names[path.lower()]
    return None


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def declared_extent(package: zipfile.ZipFile, sheet_path: str) -> tuple[int, int] | None:
    """(last row, last column) as the sheet's ``<dimension ref="A1:Z100">`` declares them."""
    with package.open(sheet_path) as fh:
        head = fh.read(_DIMENSION_SCAN_BYTES)
    match = _DIMENSION.search(head)
    if not match:
        return None
    last = match.group(1).decode("ascii", "replace").upper().split(":")[-1]
    cell = _CELL_REF.match(last)
    if not cell:
        return None
    letters, digits = cell.groups()
    return (int(digits) if digits else 0, column_number(letters) if letters else 0)


# A cell's reference: its column letters, and its row number (two scans are faster in C than
# one returning pairs to Python).
_HELD_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]')
_HELD_ROW = re.compile(rb' r="[A-Z]{1,3}([1-9][0-9]{0,8})"')  # no leading zeros: else streamed
_SCAN_CHUNK = 4 << 20


def held_extent(package: zipfile.ZipFile, sheet_path: str) -> tuple[int, int] | None:
    """(last row, last column) of the cells the sheet's XML holds, scanned without parsing it
    (the dimension may lie), or None when a cell has no reference (its place is implicit)."""
    last_row = b"0"
    columns: set[bytes] = set()
    tail = b""
    with package.open(sheet_path) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag cut by the chunk is scanned with the next one
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            rows = _HELD_ROW.findall(body)
            if len(rows) < body.count(b"<c ") + body.count(b"<c>") + body.count(b":c "):
                return None
            if rows:
                columns.update(_HELD_COLUMN.findall(body))
                # The longest number is the largest; among those, byte order is number order.
                longest = max(map(len, rows))
                if longest >= len(last_row):
                    candidate = max(r for r in rows if len(r) == longest)
                    if (len(candidate), candidate) > (len(last_row), last_row):
                        last_row = candidate
    last_column = max((column_number(c.decode()) for c in columns), default=0)
    return int(last_row), last_column


def check_extent(rows: int, columns: int, limits: ImportLimits) -> None:
    """``rows`` counts the header row; ``columns`` from column A."""
    if rows - 1 > limits.rows:
        raise LimitExceeded(
            _("工作表有 %(rows)s 行数据（不含表头），超过 %(limit)s 行的导入上限，未读取：请分成几个文件导入。")
            % {"rows": f"{rows - 1:,}", "limit": f"{limits.rows:,}"}
        )
    if columns > limits.columns:
        raise LimitExceeded(
            _("工作表有 %(count)s 列，超过 %(limit)d 列的导入上限，不是可导入的表格。")
            % {"count": f"{columns:,}", "limit": limits.columns}
        )
