"""Cells written to and read from spreadsheets (CSV and xlsx) without formula injection.

A text cell that begins with ``= + - @``, a tab or a carriage return is a formula to Excel, WPS
and LibreOffice (``=HYPERLINK("http://…"&C2,"…")`` in an object's name would become a live link
that sends the row away). OWASP's rule for CSV injection: prefix such a cell with a single quote,
which makes it text. Every export writes its cells through ``quote_cell`` (CSV and xlsx alike, so
that a file saved from one format to the other stays safe), and xlsx cells are also typed as
strings (``xlsx_cell``), never as formulas. Numbers and dates are not text and stay as they are:
a negative number is a number, not a formula.

The importer reads a cell back through ``unquote_cell``, so that an exported file imports to the
same values. The two are exact inverses on every string: a text that already begins with quotes
followed by a trigger (``'=x``) gets one more quote on the way out and loses one on the way in.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"


def needs_quote(text: str) -> bool:
    """Whether ``text`` would be read as a formula, or would lose a quote on ``unquote_cell``."""
    rest = text.lstrip(QUOTE)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def quote_cell(value: Any) -> Any:
    """``value`` as an exported cell: text that a spreadsheet would evaluate gets a leading
    quote; anything else (numbers, dates, safe text) is returned unchanged."""
    if value.__class__ is str and value and needs_quote(value):
        return QUOTE + value
    return value


def unquote_cell(text: str) -> str:
    """The value ``quote_cell`` was given, from the cell it wrote (other text unchanged)."""
    if text[:1] == QUOTE and needs_quote(text[1:]):
        return text[1:]
    return text


def xlsx_value(cell: Any, value: Any) -> Any:
    """Put ``value`` into the openpyxl ``cell`` quoted, typed as a string when it is text
    (openpyxl stores any text starting with ``=`` as a formula). Returns the cell."""
    value = quote_cell(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_cell(sheet: Any, value: Any, **style: Any) -> Any:
    """A write-only sheet's cell holding ``value`` as ``xlsx_value`` puts it, with ``style``
    (``font=…``, ``number_format=…``) set."""
    from openpyxl.cell import WriteOnlyCell

    cell = xlsx_value(WriteOnlyCell(sheet), value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
