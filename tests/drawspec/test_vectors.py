"""The SC-DRAW-1 test vectors (made by an independent implementation): the engine and the public
verifier accept every valid record, reproduce it from its inputs, and reject every invalid one
for the reason WHY.tsv gives."""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from spotcheck.drawspec import engine, verify_draw

VECTORS = Path(__file__).parent / "vectors"
VALID = sorted(VECTORS.glob("valid-*.json"))
FULL = [p for p in VALID if not p.stem.endswith("-public")]
PUBLIC = [p for p in VALID if p.stem.endswith("-public")]
INVALID = sorted((VECTORS / "invalid").glob("invalid-*.json"))
WHY = dict(line.split("\t") for line in (VECTORS / "invalid" / "WHY.tsv").read_text("utf-8").splitlines() if line)
VERIFIER = Path(verify_draw.__file__)


def load(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def has_stratum_digest_mismatch(reasons: list[str]) -> bool:
    return any(r.startswith("stratum ") and r.endswith(" digest mismatch") for r in reasons)


# What each kind of tampering in WHY.tsv must be caught as.
EXPECTED: dict[str, Callable[[list[str]], bool]] = {
    "a drawn target replaced": lambda r: "targets differ" in r,
    "two targets swapped": lambda r: "targets differ" in r,
    "the roster changed after the commitment": lambda r: "roster digest mismatch" in r,
    "a ratio changed after the commitment": lambda r: "input digest mismatch" in r,
    "server secret does not match the commitment": lambda r: "server secret does not match the commitment" in r,
    "a witness input changed": lambda r: "seed mismatch" in r,
    "a matched inspector replaced": lambda r: "teams differ" in r,
    "an id added to the pool after the commitment": lambda r: (
        has_stratum_digest_mismatch(r) and "pool digest mismatch" in r
    ),
}


def test_vectors_are_all_there():
    assert len(FULL) >= 10 and PUBLIC and INVALID
    assert set(WHY) == {p.name for p in INVALID}
    assert set(WHY.values()) <= set(EXPECTED)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_record_verifies(path):
    record = load(path)
    assert engine.verify_record(record) == []
    assert verify_draw.verify(record) == []


@pytest.mark.parametrize("path", FULL, ids=lambda p: p.name)
def test_engine_reproduces_the_record(path):
    record = load(path)
    doc = record["input"]
    rebuilt = engine.build_record(
        task=doc["task"],
        strata=[(s["name"], record["pool"][s["name"]], s["ratio"], s["min"], s["max"]) for s in doc["strata"]],
        slots=doc["match"]["slots"],
        cap=doc["match"]["cap"],
        roster=record["roster"],
        exclusions=record["exclusions"],
        server_secret=record["server_secret"],
        witnesses=record["witnesses"],
    )
    assert rebuilt["result"] == record["result"]
    # And every digest, the commitment, the seed and the published lists along with it.
    assert rebuilt == record


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.name)
def test_public_copy_is_the_record_without_exclusions(path):
    full = load(path.with_name(path.name.replace("-public", "")))
    assert engine.public_copy(full) == load(path)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_record_fails_for_the_stated_reason(path):
    record = load(path)
    reasons = engine.verify_record(record)
    assert reasons
    assert EXPECTED[WHY[path.name]](reasons), reasons
    # The public verifier, written independently, finds exactly the same faults.
    assert verify_draw.verify(record) == reasons


def run_verifier(tmp_path: Path, record_path: Path, *flags: str) -> subprocess.CompletedProcess:
    # A reader downloads verify_draw.py alone: run a lone copy, away from the project.
    script = tmp_path / "verify_draw.py"
    if not script.exists():
        shutil.copy(VERIFIER, script)
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, "-I", str(script), *flags, str(record_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_line_in_english(tmp_path):
    valid = run_verifier(tmp_path, VECTORS / "valid-002.json", "--lang", "en")
    assert (valid.returncode, valid.stdout) == (0, "OK\n")

    public = run_verifier(tmp_path, VECTORS / "valid-009-public.json", "--lang=en")
    assert (public.returncode, public.stdout) == (0, "OK\n")
    assert "teams were not checked" in public.stderr

    invalid = run_verifier(tmp_path, VECTORS / "invalid" / "invalid-008.json", "--lang", "en")
    assert invalid.returncode == 1
    assert invalid.stdout.splitlines() == engine.verify_record(load(VECTORS / "invalid" / "invalid-008.json"))

    broken = tmp_path / "broken.json"
    broken.write_text('{"spec": "SC-DRAW-1",', "utf-8")
    assert run_verifier(tmp_path, broken).returncode == 2
    assert run_verifier(tmp_path, tmp_path / "missing.json").returncode == 2
