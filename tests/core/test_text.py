"""The name normaliser (spotcheck/core/text.py)."""

import pytest

from spotcheck.core.text import normalise_name


@pytest.mark.parametrize(
    "typed",
    [
        "钱见证",
        " 钱见证 ",
        "钱\u200b见证",  # zero-width space
        "钱\u200d见\u200c证",  # zero-width joiner and non-joiner
        "\ufeff钱见证",  # BOM
        "钱\u00ad见证",  # soft hyphen
        "钱\u2060见证\u200e",  # word joiner, left-to-right mark (category Cf)
    ],
)
def test_invisible_characters_and_outer_space_do_not_make_another_name(typed):
    assert normalise_name(typed) == "钱见证"


def test_full_width_forms_and_runs_of_white_space_fold():
    assert normalise_name("Ｃ类\u3000 企业\t\n名单") == "C类 企业 名单"
    assert normalise_name("ｗａｎｇ  ｘｉａｏ") == "wang xiao"


def test_empty_and_none():
    assert normalise_name(None) == "" and normalise_name("\u200b \u3000") == ""
