"""The columns of each import kind: Chinese header, the record field it fills, its chain of
validators, and how the export writes the value back (so an exported file imports as it is).

A column that is absent from a file leaves that field of existing rows untouched; a column that
is present but blank clears the field (or is an error when the column is required).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.models import InspectionObject
from spotcheck.imports import cells
from spotcheck.imports.cells import Refs, RefTable, squash
from spotcheck.inspectors.models import Inspector

Formatter = Callable[[Any, Refs], Any]


def _fmt_text(value: Any, refs: Refs) -> str:
    return "" if value is None else str(value)


def _fmt_date(value: Any, refs: Refs) -> dt.date | str:
    return value if value else ""


def _fmt_bool(value: Any, refs: Refs) -> str:
    return cells.YES if value else cells.NO


def _fmt_int(value: Any, refs: Refs) -> int | str:
    return "" if value is None else int(value)


def _fmt_choice(choices) -> Formatter:
    labels = dict(choices.choices)
    return lambda value, refs: str(labels.get(value, value or ""))


def _fmt_ref(table: str) -> Formatter:
    def fmt(value: Any, refs: Refs) -> str:
        if value is None:
            return ""
        if table == "departments":
            return refs.department_label(value)
        return getattr(refs, table).shown(value)

    return fmt


def _fmt_ref_list(table: str) -> Formatter:
    single = _fmt_ref(table)
    return lambda value, refs: "；".join(single(pk, refs) for pk in value or ())


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    validators: tuple[cells.Validator, ...]
    fmt: Formatter = _fmt_text
    required: bool = False
    header_required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    # Excel number format of the exported cell: text for codes (so 0-led or long digit strings
    # survive Excel), a date format for dates.
    number_format: str = "@"
    empty: Any = ""

    @property
    def memo(self) -> bool:
        """Whether parsed values are worth remembering: yes for enums, references, dates,
        which repeat from row to row; no for names and codes, which rarely do."""
        return not any(getattr(v, "distinct_values", False) for v in self.validators)

    def parse(self, value: Any, refs: Refs) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError(f"{self.header}不能为空。")
            return self.empty
        for validator in self.validators:
            value = validator(value, refs)
        return value

    def allowed_values(self, refs: Refs) -> list[str]:
        """The values the template lists for this column (enums and code tables)."""
        for validator in self.validators:
            if hasattr(validator, "allowed"):
                return [str(label) for label in validator.allowed]
            table = getattr(validator, "ref_table", None)
            if table == "departments":
                refs.departments  # noqa: B018
                return [f"{short}" for short in refs.department_short.values()]
            if table:
                resolver = getattr(refs, table)
                return sorted(resolver.shown(pk) for pk in resolver.code_of)
        return []


DATE = "yyyy-mm-dd"


@dataclass
class HeaderMatch:
    positions: dict[str, int]
    errors: list[str]


def match_headers(columns: Sequence[Column], headers: list[str]) -> HeaderMatch:
    """Map each header of the file to its column; unknown, repeated and missing required
    headers are errors naming them."""
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            by_name[squash(name)] = column
    positions: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_name.get(squash(header))
        if column is None:
            unknown.append(header)
        elif column.field in positions:
            errors.append(f"列“{header}”出现了不止一次。")
        else:
            positions[column.field] = index
    if unknown:
        errors.append(f"未知的列：{'、'.join(unknown)}（可用的列见导入模板）。")
    missing = [c.header for c in columns if c.header_required and c.field not in positions]
    if missing:
        errors.append(f"缺少必需的列：{'、'.join(missing)}。")
    return HeaderMatch(positions, errors)


# ---------------------------------------------------------------------------- objects

_O = InspectionObject

OBJECT_COLUMNS: tuple[Column, ...] = (
    Column(
        "统一社会信用代码",
        "uscc",
        (cells.uscc,),
        empty=None,
        help="18 位；企业、个体工商户、农民专业合作社必填。按此代码新增或更新对象。",
    ),
    Column(
        "公开编码",
        "public_code",
        (cells.code("公开编码", 32),),
        help="没有统一社会信用代码的对象（产品、工程项目、行为）必填；有统一社会信用代码的对象可不填。",
    ),
    Column(
        "对象类型",
        "kind",
        (cells.choice(_O.Kind),),
        fmt=_fmt_choice(_O.Kind),
        help="不填时新增对象为“企业”。",
        empty=None,
    ),
    Column("名称", "name", (cells.text(200),), required=True, header_required=True),
    Column("法定代表人/负责人", "legal_representative", (cells.text(50),), aliases=("法定代表人", "负责人")),
    Column("住所（经营场所）", "address", (cells.text(255),), aliases=("住所", "经营场所")),
    Column(
        "所属区划代码",
        "region_id",
        (cells.ref("regions"),),
        fmt=_fmt_ref("regions"),
        required=True,
        header_required=True,
        aliases=("所属区划",),
        help="行政区划代码（如 320481100）或名称。",
        empty=None,
    ),
    Column(
        "行业代码",
        "industry_id",
        (cells.ref("industries"),),
        fmt=_fmt_ref("industries"),
        help="国民经济行业分类门类（字母）或大类（两位数字）。",
        empty=None,
    ),
    Column("登记状态", "status", (cells.choice(_O.Status),), fmt=_fmt_choice(_O.Status), empty=None),
    Column("成立日期", "established_on", (cells.date_value,), fmt=_fmt_date, number_format=DATE, empty=None),
    Column(
        "分类标注",
        "tags",
        (cells.ref_list("tags"),),
        fmt=_fmt_ref_list("tags"),
        help="标注名称（或代码），多个用“；”分隔。",
        empty=(),
    ),
    Column(
        "风险等级",
        "risk_level",
        (cells.choice(_O.RiskLevel),),
        fmt=_fmt_choice(_O.RiskLevel),
        empty=None,
    ),
    Column(
        "信用等级",
        "credit_level",
        (cells.choice(_O.CreditLevel),),
        fmt=_fmt_choice(_O.CreditLevel),
        empty=None,
    ),
    Column("列入经营异常名录", "in_abnormal_list", (cells.boolean,), fmt=_fmt_bool, empty=False),
    Column("列入严重违法失信名单", "in_serious_violation_list", (cells.boolean,), fmt=_fmt_bool, empty=False),
    Column(
        "年报状态",
        "annual_report_status",
        (cells.choice(_O.AnnualReport),),
        fmt=_fmt_choice(_O.AnnualReport),
        empty=None,
    ),
    Column("最近年报年度", "annual_report_year", (cells.year,), fmt=_fmt_int, number_format="0", empty=None),
    Column(
        "监管部门",
        "supervising_departments",
        (cells.ref_list("departments"),),
        fmt=_fmt_ref_list("departments"),
        help="部门代码或简称，多个用“；”分隔。",
        empty=(),
    ),
    Column(
        "许可证",
        "licences",
        (cells.licences,),
        fmt=cells.format_licences,
        help="许可类别:许可证号[:有效期至]，多个用“；”分隔，如 食品经营许可证:JY13204810012345:2027-05-31。"
        "文件中未列出的已有许可证将被注销。",
        empty=(),
    ),
    Column(
        "录入部门",
        "owner_department_id",
        (cells.ref("departments"),),
        fmt=_fmt_ref("departments"),
        help="不填时为导入人所在部门（联席办可为其他部门导入）。",
        empty=None,
    ),
)

# Fields that have a model default used when a new object's cell (or column) is blank.
OBJECT_DEFAULTS: dict[str, Any] = {
    "kind": _O.Kind.ENTERPRISE,
    "status": _O.Status.ACTIVE,
    "risk_level": _O.RiskLevel.GENERAL,
    "credit_level": _O.CreditLevel.B,
    "annual_report_status": _O.AnnualReport.REPORTED,
}

# ---------------------------------------------------------------------------- inspectors

_I = Inspector

INSPECTOR_COLUMNS: tuple[Column, ...] = (
    Column(
        "人员编码",
        "code",
        (cells.code("人员编码", 32),),
        required=True,
        header_required=True,
        help="持证人员填执法证号，其他人员填平台分配的编码；按此编码新增或更新。",
    ),
    Column("姓名", "name", (cells.text(50),), required=True, header_required=True),
    Column(
        "所属部门",
        "department_id",
        (cells.ref("departments"),),
        fmt=_fmt_ref("departments"),
        required=True,
        header_required=True,
        help="部门代码或简称。",
        empty=None,
    ),
    Column("人员类别", "kind", (cells.choice(_I.Kind),), fmt=_fmt_choice(_I.Kind), empty=None),
    Column("执法证号", "certificate_number", (cells.code("执法证号", 32),)),
    Column(
        "执法证有效期至", "certificate_expires_on", (cells.date_value,), fmt=_fmt_date, number_format=DATE, empty=None
    ),
    Column("岗位/职务", "post", (cells.text(50),), aliases=("岗位", "职务")),
    Column("职称", "title", (cells.text(50),)),
    Column("联系电话", "phone", (cells.text(20),)),
    Column(
        "管辖片区",
        "jurisdictions",
        (cells.ref_list("regions"),),
        fmt=_fmt_ref_list("regions"),
        help="区划代码或名称，多个用“；”分隔。",
        empty=(),
    ),
    Column("可任组长", "can_lead", (cells.boolean,), fmt=_fmt_bool, empty=False),
    Column(
        "执法资格",
        "qualifications",
        (cells.ref_list("qualifications"),),
        fmt=_fmt_ref_list("qualifications"),
        help="资格代码或名称，多个用“；”分隔。",
        empty=(),
    ),
    Column("专业特长", "specialties", (cells.text(255),)),
    Column("在岗状态", "availability", (cells.choice(_I.Availability),), fmt=_fmt_choice(_I.Availability), empty=None),
    Column("状态起始日期", "availability_from", (cells.date_value,), fmt=_fmt_date, number_format=DATE, empty=None),
    Column("状态截止日期", "availability_until", (cells.date_value,), fmt=_fmt_date, number_format=DATE, empty=None),
)

INSPECTOR_DEFAULTS: dict[str, Any] = {
    "kind": _I.Kind.CIVIL_SERVANT,
    "availability": _I.Availability.ON_DUTY,
}

# ---------------------------------------------------------------------------- items

_V = ItemVersion


def _ratio(value: Any, refs: Refs) -> Decimal:
    from spotcheck.catalog.validators import validate_ratio

    if isinstance(value, dt.date):
        raise ValidationError(f"“{value}”不是比例。")
    return validate_ratio(str(value))


def _fmt_ratio(value: Any, refs: Refs) -> str:
    if value is None:
        return ""
    percent = (Decimal(value) * 100).normalize()
    return f"{format(percent, 'f')}%"


def _times(value: Any, refs: Refs) -> int:
    from spotcheck.catalog.validators import validate_times_per_year

    return validate_times_per_year(cells.as_text(value).strip())


def _methods(value: Any, refs: Refs) -> tuple[str, ...]:
    from spotcheck.catalog.validators import validate_methods

    return tuple(validate_methods(cells.as_text(value)))


_methods.allowed = [label for _v, label in _V.Method.choices]  # type: ignore[attr-defined]


def _fmt_methods(value: Any, refs: Refs) -> str:
    labels = dict(_V.Method.choices)
    return "；".join(str(labels.get(v, v)) for v in value or ())


def _sub_items(value: Any, refs: Refs) -> tuple[str, ...]:
    from spotcheck.catalog.validators import validate_sub_items

    return tuple(validate_sub_items(cells.as_text(value)))


def _fmt_lines(value: Any, refs: Refs) -> str:
    return "\n".join(value or ())


def _checklist(value: Any, refs: Refs) -> tuple[tuple[str, str], ...]:
    """检查表: one question per line, ``问题｜依据`` (the basis is optional)."""
    from spotcheck.catalog.validators import validate_checklist

    questions = []
    for line in cells.as_text(value).splitlines():
        if not line.strip():
            continue
        question, _sep, basis = line.replace("|", "｜").partition("｜")
        questions.append({"text": question, "basis": basis})
    return tuple((q["text"], q["basis"]) for q in validate_checklist(questions))


def _fmt_checklist(value: Any, refs: Refs) -> str:
    return "\n".join(f"{text}｜{basis}" if basis else text for text, basis in value or ())


SCOPE_KEY_NAMES: dict[str, str] = {
    "kinds": "对象类型",
    "industries": "行业",
    "licences": "许可类别",
    "tags": "分类标注",
    "regions": "区划",
}
_SCOPE_KEY_LOOKUP = {squash(k): k for k in SCOPE_KEY_NAMES} | {squash(v): k for k, v in SCOPE_KEY_NAMES.items()}
_SCOPE_TABLES = {"industries": "industries", "licences": "licence_kinds", "tags": "tags", "regions": "regions"}


def _scope(value: Any, refs: Refs) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """抽查对象范围 in words: ``对象类型=企业,个体工商户；行业=H,F；分类标注=餐饮服务`` (the English
    keys ``kinds/industries/licences/tags/regions`` and codes work too). Stored as the
    catalog's JSON scope: each key a sorted list of codes."""
    kind_choice = cells.choice(InspectionObject.Kind)
    result: dict[str, set[str]] = {}
    problems: list[str] = []
    for part in cells.ENTRY_SEPARATORS.split(cells.as_text(value)):
        if not part.strip():
            continue
        key_text, sep, values_text = part.replace("＝", "=").partition("=")
        key = _SCOPE_KEY_LOOKUP.get(squash(key_text))
        if not sep or key is None:
            problems.append(
                f"“{part.strip()}”应写作“条件=代码,代码”，条件可为：{'、'.join(SCOPE_KEY_NAMES.values())}。"
            )
            continue
        codes = result.setdefault(key, set())
        for item in cells.split_list(values_text):
            try:
                if key == "kinds":
                    codes.add(kind_choice(item, refs))
                else:
                    table = getattr(refs, _SCOPE_TABLES[key])
                    codes.add(table.code_of[table.resolve(item)])
            except ValidationError as exc:
                problems.extend(exc.messages)
    if problems:
        raise ValidationError("".join(problems))
    return tuple((k, tuple(sorted(result[k]))) for k in SCOPE_KEY_NAMES if result.get(k))


def _fmt_scope_value(key: str, code_value: str, refs: Refs) -> str:
    """A scope's code as the file shows it: tags and licence kinds by name (see RefTable.shown)."""
    if key == "kinds":
        return str(dict(InspectionObject.Kind.choices).get(code_value, code_value))
    table: RefTable = getattr(refs, _SCOPE_TABLES[key])
    pk = table.by_key.get(squash(code_value))
    return table.shown(pk) if pk is not None and table.code_of.get(pk) == code_value else code_value


def _fmt_scope(value: Any, refs: Refs) -> str:
    parts = []
    for key, codes in value or ():
        shown = [_fmt_scope_value(key, c, refs) for c in codes]
        parts.append(f"{SCOPE_KEY_NAMES[key]}={','.join(shown)}")
    return "；".join(parts)


ITEM_COLUMNS: tuple[Column, ...] = (
    Column(
        "事项编码",
        "code",
        (cells.code("事项编码", 32),),
        required=True,
        header_required=True,
        help="按此编码新增事项，或为已有事项起草新版本（不绕过备案）。",
    ),
    Column(
        "所属部门",
        "department_id",
        (cells.ref("departments"),),
        fmt=_fmt_ref("departments"),
        required=True,
        header_required=True,
        empty=None,
    ),
    Column("事项名称", "name", (cells.text(200),), required=True, header_required=True),
    Column("检查子项", "sub_items", (_sub_items,), fmt=_fmt_lines, help="每行一项。", empty=()),
    Column(
        "事项类别",
        "category",
        (cells.choice(_V.Category, {"重点": "key", "一般": "general"}),),
        fmt=_fmt_choice(_V.Category),
        empty=None,
    ),
    Column("抽查依据", "legal_basis", (cells.text(5000),), required=True, header_required=True),
    Column("实施主体", "implementing_body", (cells.text(200),), required=True, header_required=True),
    Column(
        "抽查对象范围",
        "scope",
        (_scope,),
        fmt=_fmt_scope,
        help="如：对象类型=企业,个体工商户；行业=H,F；分类标注=餐饮服务；许可类别=食品经营许可证；区划=320481。不填为不限。",
        empty=(),
    ),
    Column("抽查对象说明", "scope_description", (cells.text(255),)),
    Column(
        "默认抽查比例",
        "default_ratio",
        (_ratio,),
        fmt=_fmt_ratio,
        required=True,
        header_required=True,
        help="如 5% 或 0.05。",
        empty=None,
    ),
    Column("默认频次", "times_per_year", (_times,), fmt=_fmt_int, number_format="0", help="每年次数。", empty=None),
    Column(
        "检查方式",
        "methods",
        (_methods,),
        fmt=_fmt_methods,
        required=True,
        header_required=True,
        help="多个用“；”分隔。",
        empty=(),
    ),
    Column(
        "资格要求",
        "required_qualifications",
        (cells.ref_list("qualifications"),),
        fmt=_fmt_ref_list("qualifications"),
        help="执法资格代码或名称，多个用“；”分隔。",
        empty=(),
    ),
    Column(
        "联合部门",
        "joint_departments",
        (cells.ref_list("departments"),),
        fmt=_fmt_ref_list("departments"),
        help="部门代码或简称，多个用“；”分隔。",
        empty=(),
    ),
    Column("检查依据", "inspection_basis", (cells.text(5000),)),
    Column("检查内容", "inspection_content", (cells.text(5000),)),
    Column("检查流程", "inspection_procedure", (cells.text(5000),)),
    Column("审批权限", "approval_authority", (cells.text(5000),)),
    Column("公示程序", "disclosure_procedure", (cells.text(5000),)),
    Column("归档方式", "archiving_method", (cells.text(5000),)),
    Column(
        "检查表",
        "checklist",
        (_checklist,),
        fmt=_fmt_checklist,
        help="每行一个问题，问题与依据用“｜”分隔，如：是否公示营业执照｜《市场主体登记管理条例》第三十四条",
        empty=(),
    ),
    Column("修订说明", "change_note", (cells.text(255),)),
)

ITEM_DEFAULTS: dict[str, Any] = {"category": _V.Category.GENERAL, "times_per_year": 1}

COLUMNS_BY_KIND: dict[str, tuple[Column, ...]] = {
    "objects": OBJECT_COLUMNS,
    "inspectors": INSPECTOR_COLUMNS,
    "items": ITEM_COLUMNS,
}
