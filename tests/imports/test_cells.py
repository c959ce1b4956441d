import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from spotcheck.directory.models import InspectionObject
from spotcheck.imports import cells
from spotcheck.imports.cells import Refs
from spotcheck.imports.columns import ITEM_COLUMNS, OBJECT_COLUMNS
from tests.factories import make_uscc

REFS = Refs(today=dt.date(2026, 6, 1))


def _message(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value, REFS)
    return "".join(info.value.messages)


def test_uscc_fast_path_agrees_with_stdnum():
    good = make_uscc(12345)
    assert cells.uscc(good, REFS) == good
    assert cells.uscc(f" {good.lower()} ", REFS) == good
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验位不正确" in _message(cells.uscc, bad)
    assert "应为 18 位" in _message(cells.uscc, "9132")


def test_choice_accepts_label_code_and_short_label():
    credit = cells.choice(InspectionObject.CreditLevel)
    assert credit("A 类（信用风险低）", REFS) == "A"
    assert credit("A类", REFS) == "A"
    assert credit("a", REFS) == "A"
    assert _message(credit, "E").startswith("“E”不是有效的值，可填：A 类（信用风险低）")


def test_boolean_and_dates():
    assert cells.boolean("是", REFS) is True
    assert cells.boolean("否", REFS) is False
    assert _message(cells.boolean, "也许") == "“也许”应填“是”或“否”。"
    for text in ("2024-05-01", "2024/5/1", "2024年5月1日", "20240501", "2024-05-01 00:00:00"):
        assert cells.date_value(text, REFS) == dt.date(2024, 5, 1)
    assert _message(cells.date_value, "2024-13-01") == "“2024-13-01”不是存在的日期。"
    assert _message(cells.date_value, "明天") == "“明天”不是日期，请按 2024-05-01 的格式填写。"


def test_text_length_and_control_characters():
    assert _message(cells.text(5), "一二三四五六") == "最多 5 个字符，实为 6 个。"
    assert _message(cells.text(50), "a\x07b") == "含有控制字符。"
    assert _message(cells.code("公开编码", 32), " P1") == "公开编码首尾不能有空白字符。"


def test_year_is_bounded():
    assert cells.year("2025", REFS) == 2025
    assert _message(cells.year, "3000") == "应在 1949 到 2027 之间，实为 3000。"


@pytest.mark.django_db
def test_references_and_licences(codes):
    refs = Refs()
    tags = cells.ref_list("tags")
    assert tags("catering；重点监管, catering", refs) == tuple(sorted((codes["catering"].pk, codes["key"].pk)))
    assert _message(lambda v, r: tags(v, refs), "不存在的标签") == "分类标注“不存在的标签”不存在或已停用。"
    entries = cells.licences("food_business:JY1：2027-05-31；食品经营许可证:JY2", refs)
    assert entries == ((codes["licence"].pk, "JY1", dt.date(2027, 5, 31)), (codes["licence"].pk, "JY2", None))
    assert "应写作" in _message(lambda v, r: cells.licences(v, refs), "JY1")
    assert cells.format_licences(entries, refs) == "食品经营许可证:JY1:2027-05-31；食品经营许可证:JY2"


@pytest.mark.django_db
def test_item_columns_ratio_scope_and_checklist(codes):
    refs = Refs()
    columns = {c.field: c for c in ITEM_COLUMNS}
    assert columns["default_ratio"].parse("5%", refs) == Decimal("0.05")
    assert columns["default_ratio"].parse("0.05", refs) == Decimal("0.05")
    assert columns["default_ratio"].fmt(Decimal("0.050000"), refs) == "5%"
    scope = columns["scope"].parse("对象类型=企业,个体工商户；行业=H；tags=catering", refs)
    assert scope == (("kinds", ("enterprise", "individual")), ("industries", ("H",)), ("tags", ("catering",)))
    assert columns["scope"].fmt(scope, refs) == "对象类型=企业,个体工商户；行业=H；分类标注=餐饮服务"
    with pytest.raises(ValidationError, match="条件可为"):
        columns["scope"].parse("颜色=红", refs)
    checklist = columns["checklist"].parse("是否公示营业执照｜条例第三十四条\n是否建立台账", refs)
    assert checklist == (("是否公示营业执照", "条例第三十四条"), ("是否建立台账", ""))
    assert columns["checklist"].fmt(checklist, refs) == "是否公示营业执照｜条例第三十四条\n是否建立台账"


def test_required_cell_names_its_column():
    name = next(c for c in OBJECT_COLUMNS if c.field == "name")
    with pytest.raises(ValidationError, match="名称不能为空。"):
        name.parse("  ", REFS)
