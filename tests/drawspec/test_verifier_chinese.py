"""verify_draw.py speaks Chinese by default, as the portal promises (issue 12, item 8): the
verdict and every reason, with English behind ``--lang en``; its exit codes stay 0/1/2."""

import copy
import re

import pytest

from spotcheck.drawspec import verify_draw
from tests.drawspec.test_vectors import INVALID, VECTORS, load, run_verifier

# What may remain of the English reasons in a Chinese one: quoted values and the spec's names.
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _english_words(reason: str) -> list[str]:
    outside_quotes = re.sub(r'"(?:[^"\\]|\\.)*"', "", reason)
    return [w for w in LATIN_WORD.findall(outside_quotes) if w not in {"JSON", "DRAW"}]


def _tampered_records() -> list[dict]:
    """Records that make every kind of reason appear (beside the invalid vectors)."""
    base = load(VECTORS / "valid-002.json")
    records = [copy.deepcopy(base) for _ in range(6)]
    records[0]["spec"] = "SC-DRAW-0"
    records[0]["input"]["spec"] = "x"
    records[1]["witnesses"] = ["a" * 65]
    records[1]["server_secret"] = "XYZ"
    name = next(iter(records[2]["pool"]))
    records[2]["pool"][name] = [*reversed(records[2]["pool"][name]), " padded "]
    records[3]["roster"] = list(reversed(records[3]["roster"]))
    records[3]["input"]["strata"] = list(reversed(records[3]["input"]["strata"]))
    del records[4]["roster"]
    records[4]["exclusions"] = "none"
    records[5]["input"]["strata"][0]["ratio"] = "2"
    records[5]["input"]["strata"][0]["count"] = -1
    return records


def _all_reasons() -> list[str]:
    reasons = [r for path in INVALID for r in verify_draw.verify(load(path))]
    reasons += [r for record in _tampered_records() for r in verify_draw.verify(record)]
    reasons += verify_draw.verify([]) + verify_draw.verify({})
    return reasons


def test_every_reason_has_a_chinese_sentence():
    reasons = _all_reasons()
    assert len(set(reasons)) >= 20
    for reason in reasons:
        chinese = verify_draw.in_chinese(reason)
        assert chinese != reason, reason
        assert not _english_words(chinese), (reason, chinese)


def test_chinese_by_default_on_the_command_line(tmp_path):
    valid = run_verifier(tmp_path, VECTORS / "valid-002.json")
    assert (valid.returncode, valid.stdout) == (0, "验证通过：抽取记录被完全重现。\n")

    public = run_verifier(tmp_path, VECTORS / "valid-009-public.json")
    assert public.returncode == 0
    assert "回避名单未公开" in public.stderr

    path = VECTORS / "invalid" / "invalid-008.json"
    invalid = run_verifier(tmp_path, path)
    reasons = verify_draw.verify(load(path))
    assert invalid.returncode == 1
    assert invalid.stdout.splitlines() == [f"验证未通过，发现 {len(reasons)} 处不符："] + [
        verify_draw.in_chinese(r) for r in reasons
    ]
    assert not any(_english_words(line) for line in invalid.stdout.splitlines())

    missing = run_verifier(tmp_path, tmp_path / "missing.json")
    assert missing.returncode == 2
    assert "无法读取" in missing.stderr


@pytest.mark.parametrize("flags", [(), ("--lang",), ("--lang", "fr"), ("-x",)])
def test_bad_arguments_are_a_usage_error(tmp_path, flags):
    result = run_verifier(tmp_path, VECTORS / "valid-002.json", *flags) if flags else None
    if result is None:  # no record at all
        assert verify_draw.main(["verify_draw.py"]) == 2
        return
    assert result.returncode == 2
    assert "用法" in result.stderr
