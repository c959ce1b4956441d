import pytest
from django.core.exceptions import ValidationError

from spotcheck.core.reasons import clean_reason


def test_a_reason_is_stripped():
    assert clean_reason("  企业停业装修 ") == "企业停业装修"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_missing_reason_names_the_field_and_label(blank):
    with pytest.raises(ValidationError) as exc:
        clean_reason(blank, field="note", label="取消原因")
    assert exc.value.message_dict == {"note": ["请填写取消原因。"]}


def test_a_reason_longer_than_its_column_is_refused_not_cut():
    assert clean_reason("字" * 10, max_length=10) == "字" * 10
    with pytest.raises(ValidationError) as exc:
        clean_reason("字" * 11, max_length=10)
    assert exc.value.message_dict == {"reason": ["原因不能超过 10 个字符。"]}
