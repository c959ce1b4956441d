"""The draw is uniform: over many seeds every member of a stratum is drawn equally often, and
equally often first. Seeds are fixed (SHA-256 of "seed-i"), so these tests cannot flake."""

import hashlib
from collections import Counter

from spotcheck.drawspec import engine

SEEDS = [hashlib.sha256(f"seed-{i}".encode()).hexdigest() for i in range(4000)]
IDS = [f"9132{k:02d}00MA{k:08d}" for k in range(20)]  # N = 20
SAMPLE = 5  # n = 5

# Upper critical value of the chi-square distribution with 19 degrees of freedom (20 ids − 1)
# at p = 0.001: 43.820 (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4).
CHI2_DF19_P001 = 43.820


def chi_square(counts: Counter, categories: list[str], expected: float) -> float:
    return sum((counts[c] - expected) ** 2 / expected for c in categories)


def test_every_member_is_drawn_equally_often():
    counts = Counter(id_ for seed in SEEDS for id_ in engine.draw_stratum("风险-高", IDS, SAMPLE, seed))
    assert sum(counts.values()) == len(SEEDS) * SAMPLE
    # Expected 4000 × 5 / 20 = 1000 each. (Inclusions within one draw are not independent,
    # which only makes the statistic smaller: the test is conservative.)
    assert chi_square(counts, IDS, len(SEEDS) * SAMPLE / len(IDS)) < CHI2_DF19_P001


def test_every_member_is_drawn_first_equally_often():
    counts = Counter(engine.draw_stratum("风险-高", IDS, SAMPLE, seed)[0] for seed in SEEDS)
    assert chi_square(counts, IDS, len(SEEDS) / len(IDS)) < CHI2_DF19_P001  # 200 each


def test_every_rank_is_uniform():
    draws = [engine.draw_stratum("风险-高", IDS, SAMPLE, seed) for seed in SEEDS]
    for rank in range(SAMPLE):
        counts = Counter(drawn[rank] for drawn in draws)
        assert chi_square(counts, IDS, len(SEEDS) / len(IDS)) < CHI2_DF19_P001


def test_strata_are_drawn_independently():
    # The stratum name is hashed into every step: two strata with the same members and seed
    # do not get the same draw.
    same = sum(
        engine.draw_stratum("A", IDS, SAMPLE, s) == engine.draw_stratum("B", IDS, SAMPLE, s) for s in SEEDS[:500]
    )
    assert same == 0
