import pytest
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.demo.codes import UsccMaker, org_code_check
from spotcheck.demo.people import allocate
from spotcheck.directory.validators import normalize_uscc


def test_org_code_check_matches_a_real_code():
    # 91110000600037341L: 主体标识码 60003734-1 (python-stdnum's example).
    assert org_code_check("60003734") == "1"


@pytest.mark.parametrize("new_style", [False, True])
def test_usccs_are_valid_and_never_repeat(new_style):
    maker = UsccMaker("seed", "320481")
    codes = [maker.make("enterprise", n, new_style=new_style) for n in range(20000)]
    assert len(set(codes)) == len(codes)
    for code in codes[:2000]:
        assert stdnum_uscc.is_valid(code)
        assert normalize_uscc(code) == code
        assert code.startswith("91320481")
        body = code[8:17]
        assert org_code_check(body[:8]) == body[8]
    assert all(c[8:10] == "MA" for c in codes) is new_style


def test_usccs_depend_on_the_seed():
    first = [UsccMaker("a", "320481").make("individual", n, new_style=True) for n in range(50)]
    again = [UsccMaker("a", "320481").make("individual", n, new_style=True) for n in range(50)]
    other = [UsccMaker("b", "320481").make("individual", n, new_style=True) for n in range(50)]
    assert first == again
    assert not set(first) & set(other)
    assert all(code.startswith("92320481") for code in first)


@pytest.mark.parametrize("total", [0, 1, 5, 18, 30, 300, 1001])
def test_allocate_splits_exactly(total):
    weights = [("A", 60), ("B", 14), ("C", 5), ("D", 5), ("E", 0)]
    result = allocate(total, weights)
    assert sum(result.values()) == total
    assert "E" not in result
    if total >= 4:
        assert min(result.values()) >= 1
    if total >= 100:
        assert result["A"] > result["B"] > result["C"]
