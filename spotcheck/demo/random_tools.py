"""Small helpers over ``random.Random`` shared by the demo generators (test data, not draws)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

from spotcheck.demo.data.names import GIVEN_CHARS, PLACE_TRADE_NAMES, SURNAMES, TRADE_CHARS

T = TypeVar("T")


def demo_rng(seed: object, stream: str) -> random.Random:
    """One independent, reproducible stream per part of the demo (objects, inspectors …), so
    changing how many inspectors are made does not change the objects. Demo data only: draws
    use the audited draw engine, never this."""
    return random.Random(f"{seed}:{stream}")  # noqa: S311 (demo data, not a draw)


class Weighted(Generic[T]):
    """Pick from ``(value, weight)`` pairs with one ``rng.random()`` call (bisect on the
    cumulative weights): fast enough for 10^7 rows."""

    __slots__ = ("_cumulative", "_total", "_values")

    def __init__(self, pairs: Iterable[tuple[T, float]]):
        pairs = [(v, w) for v, w in pairs if w > 0]
        if not pairs:
            raise ValueError("nothing to choose from")
        self._values: list[T] = [v for v, _ in pairs]
        self._cumulative = list(accumulate(w for _, w in pairs))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self._values[bisect_right(self._cumulative, rng.random() * self._total)]


_SURNAME_TABLE = Weighted(SURNAMES)


def person_name(rng: random.Random) -> str:
    """A Chinese name: surname plus one (a third of the time) or two given characters."""
    surname = _SURNAME_TABLE.pick(rng)
    given = GIVEN_CHARS[int(rng.random() * len(GIVEN_CHARS))]
    if rng.random() < 0.67:
        given += GIVEN_CHARS[int(rng.random() * len(GIVEN_CHARS))]
    return surname + given


def trade_name(rng: random.Random) -> str:
    """A 字号: two auspicious characters, sometimes a local place name."""
    if rng.random() < 0.08:
        return PLACE_TRADE_NAMES[int(rng.random() * len(PLACE_TRADE_NAMES))]
    first = TRADE_CHARS[int(rng.random() * len(TRADE_CHARS))]
    second = TRADE_CHARS[int(rng.random() * len(TRADE_CHARS))]
    if second == first:
        second = TRADE_CHARS[(TRADE_CHARS.index(first) + 7) % len(TRADE_CHARS)]
    return first + second


def choice(rng: random.Random, values: Sequence[T]) -> T:
    return values[int(rng.random() * len(values))]


def phone_number(rng: random.Random) -> str:
    prefix = choice(rng, ("139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "159", "187", "188"))
    return f"{prefix}{int(rng.random() * 10**8):08d}"
