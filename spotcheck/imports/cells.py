"""Cell validators: each turns one non-empty cell into the value stored, or raises a
``ValidationError`` whose Chinese message the import report shows next to the row and column.

A column (``columns.py``) chains several of them. Validators that resolve references (regions,
departments, tags …) ask ``Refs``, which loads each code table with one query the first time
it is needed, so a million rows cost one query per table, not one per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import translation

from spotcheck.directory.validators import canonical_text, normalize_uscc

Validator = Callable[[Any, "Refs"], Any]

LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")
ENTRY_SEPARATORS = re.compile(r"[;；\n]+")
# A name holding one of these would not read back as one value (lists, licence and scope entries).
_NOT_IN_NAMES = re.compile(r"[;；,，、\n:：=＝]")
TRUE_WORDS = frozenset({"是", "Y", "YES", "TRUE", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "N", "NO", "FALSE", "0", "×", "✗"})
YES, NO = "是", "否"
# The language of import templates, exports and import reports.
FILE_LANGUAGE = "zh-hans"


def label_variants(label: Any) -> list[str]:
    """A choice label as written in every language the platform speaks (files are Chinese,
    but a file exported by someone browsing in English must import back too)."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(label))
    return texts


def squash(text: str) -> str:
    """Comparison form of labels and headers: NFKC (full-width → half-width), no white space,
    upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def as_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------- plain values


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text(max_length: int) -> Validator:
    def validate(value: Any, refs: Refs) -> str:
        result = as_text(value).strip()
        if len(result) > max_length:
            raise ValidationError(f"最多 {max_length} 个字符，实为 {len(result)} 个。")
        if _CONTROL.search(result):
            raise ValidationError("含有控制字符。")
        return result

    validate.distinct_values = True  # type: ignore[attr-defined]
    return validate


def code(label: str, max_length: int) -> Validator:
    """Public codes are refused, never repaired (SC-DRAW-1 canonical strings)."""

    def validate(value: Any, refs: Refs) -> str:
        result = canonical_text(as_text(value), label)
        if len(result) > max_length:
            raise ValidationError(f"{label}最多 {max_length} 个字符，实为 {len(result)} 个。")
        if any(ch.isspace() for ch in result):
            raise ValidationError(f"{label}不能含有空白字符。")
        return result

    validate.distinct_values = True  # type: ignore[attr-defined]
    return validate


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# The check digit needs sum(value(c_i) * 3**i mod 31) over the first 17 characters (GB 32100).
# 34 ≡ 3 (mod 31), so that sum is int(reversed characters as base-34 digits) mod 31: one
# str.translate and one int() in C instead of a Python loop per row of a million-row file.
# Characters outside the alphabet become "!", which int() refuses.
_BASE34_DIGITS = "0123456789abcdefghijklmnopqrstu"
_USCC_TO_BASE34 = str.maketrans(
    {
        **{chr(c): "!" for c in range(128)},
        **dict(zip(_USCC_ALPHABET, _BASE34_DIGITS, strict=True)),
    }
)


def _uscc_is_canonical(value: str) -> bool:
    """True when ``value`` is already a valid, compact USCC: the same checks as python-stdnum's
    ``validate`` without its per-call overhead (a million rows spend seconds there)."""
    if len(value) != 18 or not value.isascii() or not value[:8].isdigit():
        return False
    digits = value.translate(_USCC_TO_BASE34)
    try:
        total = int(digits[16::-1], 34)
        last = int(digits[17], 34)
    except ValueError:
        return False
    return last == (31 - total % 31) % 31


def uscc(value: Any, refs: Refs) -> str:
    raw = as_text(value)
    if _uscc_is_canonical(raw):
        return raw
    # Everything else (separators, lower case, bad values) goes through the directory's
    # validator, which owns the messages.
    return normalize_uscc(raw)


uscc.distinct_values = True  # type: ignore[attr-defined]


def choice(choices: type[TextChoices], aliases: dict[str, str] | None = None) -> Validator:
    """An enum cell: the label as exported (Chinese; the English label is accepted too), the
    code, or a listed alias. Labels are lazy translations, so the lookup is built on first use,
    once the translation machinery is ready."""

    @functools.cache
    def lookup() -> dict[str, str]:
        table: dict[str, str] = {}
        for value, label in choices.choices:
            table[squash(value)] = value
            for text in label_variants(label):
                table.setdefault(squash(text), value)
                # "A 类（信用风险低）" is also accepted as "A 类"
                table.setdefault(squash(re.split(r"[（(]", text)[0]), value)
        for alias, value in (aliases or {}).items():
            table[squash(alias)] = value
        return table

    def validate(value: Any, refs: Refs) -> str:
        found = lookup().get(squash(as_text(value)))
        if found is None:
            allowed = "、".join(str(label) for _v, label in choices.choices)
            raise ValidationError(f"“{value}”不是有效的值，可填：{allowed}。")
        return found

    validate.allowed = [label for _v, label in choices.choices]  # type: ignore[attr-defined]
    return validate


def boolean(value: Any, refs: Refs) -> bool:
    word = squash(as_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(f"“{value}”应填“是”或“否”。")


boolean.allowed = [YES, NO]  # type: ignore[attr-defined]

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# 00:00:00 after a date (a CSV saved from a datetime cell) is still a date.
_MIDNIGHT = re.compile(r"[ T]0{1,2}:00(:00)?$")


def date_value(value: Any, refs: Refs) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        result = value
    else:
        raw = _MIDNIGHT.sub("", as_text(value).strip())
        for pattern in _DATE_PATTERNS:
            match = pattern.match(raw)
            if match:
                try:
                    result = dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise ValidationError(f"“{value}”不是存在的日期。") from None
                break
        else:
            raise ValidationError(f"“{value}”不是日期，请按 2024-05-01 的格式填写。")
    if not 1900 <= result.year <= 2100:
        raise ValidationError(f"日期“{value}”超出合理范围（1900–2100 年）。")
    return result


def integer(minimum: int, maximum: int) -> Validator:
    def validate(value: Any, refs: Refs) -> int:
        raw = as_text(value).strip()
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise ValidationError(f"“{value}”应为整数。")
        number = int(raw)
        if not minimum <= number <= maximum:
            raise ValidationError(f"应在 {minimum} 到 {maximum} 之间，实为 {number}。")
        return number

    return validate


def year(value: Any, refs: Refs) -> int:
    return integer(1949, refs.today.year + 1)(value, refs)


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(as_text(value)) if part.strip()]


# ---------------------------------------------------------------------------- references


@dataclass
class RefTable:
    """One code table, looked up by code or by name (names only when they are unambiguous).
    A table whose codes are internal words (``catering``, ``food_business``) ``shows_names``:
    files show its rows by their Chinese names, which read back to the same rows."""

    label: str
    by_key: dict[str, int]
    ambiguous: set[str] = field(default_factory=set)
    code_of: dict[int, str] = field(default_factory=dict)
    name_of: dict[int, str] = field(default_factory=dict)
    shows_names: bool = False

    @classmethod
    def build(
        cls, label: str, rows: Iterable[tuple[int, str, Iterable[str]]], *, shows_names: bool = False
    ) -> RefTable:
        table = cls(label, {}, shows_names=shows_names)
        names: dict[str, set[int]] = {}
        for pk, code_value, other_names in rows:
            table.by_key[squash(code_value)] = pk
            table.code_of[pk] = code_value
            other_names = list(other_names)
            if other_names and other_names[0]:
                table.name_of[pk] = other_names[0]
            for name in other_names:
                if name:
                    names.setdefault(squash(name), set()).add(pk)
        for key, ids in names.items():
            if key in table.by_key:
                continue
            if len(ids) == 1:
                table.by_key[key] = next(iter(ids))
            else:
                table.ambiguous.add(key)
        return table

    def shown(self, pk: int) -> str:
        """What a file shows for row ``pk``: its name where the table shows names and the name
        reads back to this row (unambiguous, no list or entry separator in it), else its code."""
        code_value = self.code_of.get(pk, "")
        name = self.name_of.get(pk, "")
        if self.shows_names and name and self.by_key.get(squash(name)) == pk and not _NOT_IN_NAMES.search(name):
            return name
        return code_value

    def resolve(self, value: str) -> int:
        key = squash(value)
        if key in self.by_key:
            return self.by_key[key]
        if key in self.ambiguous:
            raise ValidationError(f"{self.label}“{value}”有多个同名项，请填写代码。")
        raise ValidationError(f"{self.label}“{value}”不存在或已停用。")


class Refs:
    """Everything an import looks up, each table loaded once on first use."""

    def __init__(self, today: dt.date | None = None):
        from django.utils import timezone

        self.today = today or timezone.localdate()

    @cached_property
    def regions(self) -> RefTable:
        from spotcheck.accounts.models import Region

        rows = Region.objects.filter(is_active=True).values_list("id", "code", "name")
        return RefTable.build("区划", ((pk, c, [n]) for pk, c, n in rows))

    @cached_property
    def industries(self) -> RefTable:
        from spotcheck.directory.models import Industry

        rows = Industry.objects.values_list("id", "code", "name")
        return RefTable.build("行业代码", ((pk, c, [n, f"{c} {n}"]) for pk, c, n in rows))

    @cached_property
    def tags(self) -> RefTable:
        from spotcheck.directory.models import Tag

        rows = Tag.objects.filter(is_active=True).values_list("id", "code", "name")
        return RefTable.build("分类标注", ((pk, c, [n]) for pk, c, n in rows), shows_names=True)

    @cached_property
    def licence_kinds(self) -> RefTable:
        from spotcheck.directory.models import LicenceKind

        rows = LicenceKind.objects.values_list("id", "code", "name")
        return RefTable.build("许可类别", ((pk, c, [n]) for pk, c, n in rows), shows_names=True)

    @cached_property
    def departments(self) -> RefTable:
        from spotcheck.accounts.models import Department

        rows = Department.objects.filter(is_active=True).values_list("id", "code", "short_name", "name")
        table = RefTable.build("部门", ((pk, c, [s, n]) for pk, c, s, n in rows))
        self.department_short = {pk: s for pk, _c, s, _n in rows}
        return table

    @cached_property
    def qualifications(self) -> RefTable:
        from spotcheck.inspectors.models import Qualification

        rows = Qualification.objects.filter(is_active=True).values_list("id", "code", "name")
        return RefTable.build("执法资格", ((pk, c, [n]) for pk, c, n in rows), shows_names=True)

    def department_label(self, pk: int | None) -> str:
        self.departments  # noqa: B018 (loads department_short)
        return self.department_short.get(pk, "") if pk else ""


def ref(table: str) -> Validator:
    def validate(value: Any, refs: Refs) -> int:
        return getattr(refs, table).resolve(as_text(value).strip())

    validate.ref_table = table  # type: ignore[attr-defined]
    return validate


def ref_list(table: str) -> Validator:
    """Several references in one cell, separated by ；/;/,/、 or new lines; stored as a sorted
    tuple of ids so that two cells naming the same set compare equal."""

    def validate(value: Any, refs: Refs) -> tuple[int, ...]:
        resolver: RefTable = getattr(refs, table)
        ids: set[int] = set()
        problems: list[str] = []
        for part in split_list(value):
            try:
                ids.add(resolver.resolve(part))
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise ValidationError("".join(problems))
        return tuple(sorted(ids))

    validate.ref_table = table  # type: ignore[attr-defined]
    validate.many = True  # type: ignore[attr-defined]
    return validate


_LICENCE_ENTRY = re.compile(r"^(?P<kind>[^:：]+)[:：](?P<number>[^:：]+)(?:[:：](?P<until>.+))?$")


def licences(value: Any, refs: Refs) -> tuple[tuple[int, str, dt.date | None], ...]:
    """``许可类别:许可证号[:有效期至]`` entries separated by ；/; or new lines, e.g.
    ``食品经营许可证:JY13204810012345:2027-05-31`` (the kind by name or code)."""
    entries: dict[tuple[int, str], dt.date | None] = {}
    problems: list[str] = []
    for raw in ENTRY_SEPARATORS.split(as_text(value)):
        entry = raw.strip()
        if not entry:
            continue
        match = _LICENCE_ENTRY.match(entry)
        if not match:
            problems.append(f"许可证“{entry}”应写作“许可类别:许可证号”或“许可类别:许可证号:有效期至”。")
            continue
        try:
            kind_id = refs.licence_kinds.resolve(match["kind"].strip())
            number = code("许可证号", 64)(match["number"].strip(), refs)
            until = date_value(match["until"].strip(), refs) if match["until"] else None
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if (kind_id, number) in entries:
            problems.append(f"许可证“{entry}”重复。")
            continue
        entries[(kind_id, number)] = until
    if problems:
        raise ValidationError("".join(problems))
    return tuple(sorted((k, n, u) for (k, n), u in entries.items()))


def format_licences(value: Iterable[tuple[int, str, dt.date | None]], refs: Refs) -> str:
    parts = []
    for kind_id, number, until in value:
        entry = f"{refs.licence_kinds.shown(kind_id) or kind_id}:{number}"
        if until:
            entry += f":{until.isoformat()}"
        parts.append(entry)
    return "；".join(parts)
