"""Reading a year's ``date,kind,name`` CSV (the upload page and ``manage.py workdays load``
share it): the rows with their numbers as a person counts them, or a ValidationError naming
what is wrong with the file as a whole. The rows themselves are checked by ``holiday_year_load``."""

from __future__ import annotations

import codecs
import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A year's notice is a few dozen rows; anything this big is the wrong file.
MAX_FILE_BYTES = 1024 * 1024
COLUMNS = ("date", "kind", "name")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Excel saves CSV on a Chinese Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(_("文件是 UTF-16 编码：请另存为“CSV UTF-8（逗号分隔）”。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件的字符编码：请使用 UTF-8 或 GBK 编码的 CSV 文件。"))


def rows_from_bytes(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of the file (the header is row 1; blank lines are counted but skipped)."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("文件超过 1 MB，不是一年的节假日安排。"))
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        missing = [column for column in COLUMNS[:2] if column not in header]
        if missing:
            raise ValidationError(
                _("第 1 行（表头）应为 date,kind,name，缺少：%(columns)s。") % {"columns": ",".join(missing)}
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not "".join(cells).strip():
                continue
            rows.append((number, {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header)}))
    except csv.Error as exc:
        raise ValidationError(_("CSV 格式错误：%(error)s") % {"error": exc}) from None
    return rows
