"""The downloadable import template of each kind: the header row with the cell formats the
import expects, drop-down lists for enum columns, and a second sheet explaining every column
with its allowed values (read from the code tables at download time)."""

from __future__ import annotations

from typing import IO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from spotcheck.core.spreadsheet import xlsx_value
from spotcheck.imports.cells import FILE_LANGUAGE, Refs
from spotcheck.imports.columns import COLUMNS_BY_KIND
from spotcheck.imports.exports import SHEET_TITLES

# Rows pre-formatted (text/date) in the template, enough for hand-filled files.
FORMATTED_ROWS = 1000
_LIST_LIMIT = 250  # Excel refuses an inline list longer than 255 characters


# Files and import reports are Chinese whatever language the user browses in.
@translation.override(FILE_LANGUAGE)
def write_template(kind: str, out: IO[bytes], refs: Refs | None = None) -> None:
    refs = refs or Refs()
    columns = COLUMNS_BY_KIND[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLES[kind]
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = xlsx_value(sheet.cell(row=1, column=index), column.header)
        cell.font = Font(bold=True, color="B42318" if column.header_required else "000000")
        if column.header_required:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 4))
        for row in range(2, FORMATTED_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = column.number_format
        allowed = column.allowed_values(refs)
        # (a quote in a value would end the list's string and put the rest into the formula;
        # a cell of several values, "餐饮服务；重点监管", is no item of the list and Excel would refuse it)
        joined = "".join(allowed)
        many = any(getattr(validator, "many", False) for validator in column.validators)
        if allowed and not many and len(",".join(allowed)) <= _LIST_LIMIT and "," not in joined and '"' not in joined:
            validation = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True)
            validation.error = f"请从列表中选择{column.header}。"
            validation.errorTitle = column.header
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{FORMATTED_ROWS + 1}")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明", "可填的值"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in columns:
        if column.header_required:
            required = "必填"
        elif column.required:
            required = "有此列时必填"
        else:
            required = "选填"
        allowed = column.allowed_values(refs)
        notes.append([column.header, required, column.help, "；".join(allowed)])
        for cell in notes[notes.max_row]:
            xlsx_value(cell, cell.value)  # code tables' names are users' text
            cell.alignment = wrap
    notes.append([])
    notes.append(["", "", "第 1 行为列名，从第 2 行起每行一条；列的顺序不限，未列出的选填列不会修改已有数据。"])
    notes.append(["", "", "导入是“全部成功或全部不导入”：任何一行有错误，整个文件都不会写入，并列出全部错误。"])
    notes.append(["", "", "是/否 列填“是”或“否”；日期填 2024-05-01；多个值用“；”分隔。"])
    for letter, width in (("A", 20), ("B", 14), ("C", 60), ("D", 60)):
        notes.column_dimensions[letter].width = width
    workbook.save(out)
