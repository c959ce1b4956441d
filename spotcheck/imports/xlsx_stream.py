"""The first worksheet of an xlsx package read row by row, in constant memory (issue 11, item 7).

calamine parses the whole sheet into memory before it gives the first row: fast, but a sheet of
154 MB of XML took a worker from 87 MB to 1 GB. Sheets larger than
``SPOTCHECK_IMPORT_XLSX_STREAM_BYTES`` are read here instead: the sheet's XML is parsed as a
stream and each row is dropped once given, so memory holds the shared strings, the styles and one
row. Cells come out as calamine gives them (text, numbers, booleans, dates, times, durations; an
error or a formula without a stored value as nothing), for ``readers.normalize_xlsx_cell``.
"""

from __future__ import annotations

import datetime as dt
import pyexpat
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from defusedxml.ElementTree import iterparse as defused_iterparse

from spotcheck.imports.limits import ImportLimits, column_number, too_many_columns, too_many_rows

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Built-in number formats that show a date or a time (ECMA-376 18.8.30, and the CJK ones), and
# the built-in duration [h]:mm:ss.
_BUILTIN_DATES = frozenset({*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)})
_BUILTIN_DURATIONS = frozenset({46})
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETS = re.compile(r"\[([^\]]*)\]")
DATE, DURATION = "date", "duration"


if pyexpat.version_info >= (2, 4, 1):
    # The C parser, several times faster than defusedxml's Python-level one. Safe here: expat
    # from 2.4.1 on limits entity amplification (billion laughs), and ElementTree resolves no
    # external entity (Python's documentation, "XML vulnerabilities").
    from xml.etree.ElementTree import iterparse as _c_iterparse

    def iterparse(source: Any, events: tuple[str, ...] = ("end",), forbid_dtd: bool = True) -> Any:
        return _c_iterparse(source, events=events)  # noqa: S314
else:  # pragma: no cover - an old expat: defusedxml's parser refuses DTDs
    iterparse = defused_iterparse


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _format_kind(code: str) -> str | None:
    """DATE, DURATION or None for a custom number format, as calamine decides it: what is left
    after quoted text, escapes and colours holds a date or time token."""
    plain = _QUOTED_OR_ESCAPED.sub("", code)
    duration = False
    for inside in _BRACKETS.findall(plain):
        if inside.lower().strip("hms") == "" and inside:
            duration = True
    plain = _BRACKETS.sub("", plain).lower()
    if duration:
        return DURATION
    if any(token in plain for token in "dmyhs") and "general" not in plain:
        return DATE
    return None


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>, not the phonetic runs."""
    pieces = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            pieces.append(child.text or "")
        elif tag == "r":
            for run_part in child:
                if _local(run_part.tag) == "t":
                    pieces.append(run_part.text or "")
    return _unescape("".join(pieces))


def _shared_strings(package: zipfile.ZipFile, names: dict[str, str]) -> list[str]:
    name = names.get("xl/sharedstrings.xml")
    if name is None:
        return []
    strings: list[str] = []
    with package.open(name) as fh:
        root = None
        for event, element in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if root is None:
                    root = element
                continue
            if _local(element.tag) == "si":
                strings.append(_text_of(element))
                root.remove(element)  # type: ignore[union-attr]
    return strings


def _style_kinds(package: zipfile.ZipFile, names: dict[str, str]) -> list[str | None]:
    """For each cell style (the ``s`` of a cell), whether its number format is a date or a
    duration. Only attributes are read, so every element is dropped at its end."""
    name = names.get("xl/styles.xml")
    if name is None:
        return []
    custom: dict[int, str | None] = {}
    kinds: list[str | None] = []
    stack: list[Any] = []
    with package.open(name) as fh:
        for event, element in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            tag = _local(element.tag)
            parent = _local(stack[-1].tag) if stack else ""
            if tag == "numFmt" and element.get("numFmtId", "").isdigit():
                custom[int(element.get("numFmtId", ""))] = _format_kind(element.get("formatCode", ""))
            elif tag == "xf" and parent == "cellXfs":
                fmt = element.get("numFmtId", "0")
                fmt_id = int(fmt) if fmt.isdigit() else 0
                if fmt_id in custom:
                    kinds.append(custom[fmt_id])
                elif fmt_id in _BUILTIN_DATES:
                    kinds.append(DATE)
                elif fmt_id in _BUILTIN_DURATIONS:
                    kinds.append(DURATION)
                else:
                    kinds.append(None)
            if stack:
                stack[-1].remove(element)
    return kinds


def _uses_1904(package: zipfile.ZipFile) -> bool:
    with package.open("xl/workbook.xml") as fh:
        for _event, element in iterparse(fh, forbid_dtd=True):
            if _local(element.tag) == "workbookPr":
                return element.get("date1904", "").lower() in ("1", "true")
            element.clear()
    return False


def _number(text: str) -> int | float:
    stripped = text.strip()
    if stripped.lstrip("-").isdigit() and stripped.isascii():
        return int(stripped)
    return float(stripped)


def _serial_to_python(value: float, kind: str, epoch1904: bool) -> Any:
    if kind == DURATION:
        return dt.timedelta(milliseconds=round(value * 86_400_000))
    milliseconds = round(value * 86_400_000)
    if 0 <= milliseconds < 86_400_000:
        return (dt.datetime.min + dt.timedelta(milliseconds=milliseconds)).time()
    if epoch1904:
        epoch = dt.datetime(1904, 1, 1)
    else:
        # Excel counts 29 February 1900, which did not exist: serials before it start a day later.
        epoch = dt.datetime(1899, 12, 30) if value >= 61 else dt.datetime(1899, 12, 31)
    try:
        return epoch + dt.timedelta(milliseconds=milliseconds)
    except OverflowError:
        return value


class StreamedSheet:
    """The rows of the first worksheet, each ``(row number, cells from column A)``."""

    def __init__(self, package: zipfile.ZipFile, sheet_path: str, limits: ImportLimits) -> None:
        names = {name.lower(): name for name in package.namelist()}
        self.package = package
        self.sheet_path = sheet_path
        self.limits = limits
        self.shared = _shared_strings(package, names)
        self.styles = _style_kinds(package, names)
        self.epoch1904 = _uses_1904(package)

    def _value(self, cell: Any, kind: str) -> Any:
        if kind == "inlineStr":
            inline = cell.find(self._is)
            return _text_of(inline) if inline is not None else None
        v = cell.find(self._v)
        text = v.text if v is not None else None
        if not text:
            return None
        if kind == "s":
            return self.shared[int(text)]
        if kind == "str":
            return _unescape(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "e":
            return None
        if kind == "d":
            return dt.datetime.fromisoformat(text.strip())
        number = _number(text)
        style = cell.get("s")
        if style is not None:
            index = int(style)
            style_kind = self.styles[index] if index < len(self.styles) else None
            if style_kind is not None:
                return _serial_to_python(float(number), style_kind, self.epoch1904)
        return number

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        limits = self.limits
        last_row = limits.rows + 1
        max_columns = limits.columns
        columns: dict[str, int] = {}
        number = 0
        with self.package.open(self.sheet_path) as fh:
            sheet_data = None
            row_tag = cell_tag = sheet_data_tag = None
            for event, element in iterparse(fh, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    if row_tag is None:
                        # The root names the namespace (transitional or strict OOXML).
                        namespace = element.tag[: element.tag.index("}") + 1] if element.tag[:1] == "{" else ""
                        row_tag, cell_tag, sheet_data_tag = (namespace + t for t in ("row", "c", "sheetData"))
                        self._v, self._is = namespace + "v", namespace + "is"
                    elif element.tag == sheet_data_tag:
                        sheet_data = element
                    continue
                if element.tag != row_tag:
                    continue
                declared = element.get("r")
                number = int(declared) if declared else number + 1
                if number > last_row:
                    raise too_many_rows(limits)
                values: dict[int, Any] = {}
                column = 0
                for cell in element.iter(cell_tag):
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        column = columns.get(letters) or columns.setdefault(letters, column_number(letters))
                    else:
                        column += 1
                    if column > max_columns:
                        raise too_many_columns(limits, number, column)
                    value = self._value(cell, cell.get("t", "n"))
                    if value is not None:
                        values[column] = value
                if sheet_data is not None:
                    sheet_data.remove(element)  # the row is given: keep nothing of it
                else:
                    element.clear()
                if values:
                    width = max(values)
                    yield number, [values.get(c, "") for c in range(1, width + 1)]
