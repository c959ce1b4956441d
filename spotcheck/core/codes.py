"""Handing out numbered codes (task codes, merged-visit codes, platform codes of objects and
inspectors) from one counter table, ``CodeCounter``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spotcheck.core.models import CodeCounter


def next_number(series: str, *, taken: Callable[[int], bool] | None = None) -> int:
    """The next number of ``series`` (1 for a new series). The counter row stays locked until
    the caller's transaction ends, so two concurrent writers never get the same number; numbers
    for which ``taken`` says yes (a code typed by hand, a restored backup) are skipped. Call it
    inside the transaction that saves the code."""
    counter, _created = CodeCounter.objects.select_for_update().get_or_create(series=series)
    number = counter.last_value + 1
    while taken is not None and taken(number):
        number += 1
    counter.last_value = number
    counter.save(update_fields=["last_value"])
    return number


def lock_series(series: Iterable[str]) -> dict[str, int]:
    """The last numbers of ``series`` (created at 0 if new), locked for the transaction: for a
    bulk writer that numbers its rows itself and then calls ``raise_to``."""
    names = list(series)
    for name in names:
        CodeCounter.objects.get_or_create(series=name)
    return dict(CodeCounter.objects.select_for_update().filter(series__in=names).values_list("series", "last_value"))


def raise_to(series: str, last_value: int) -> None:
    """Record that numbers up to ``last_value`` of ``series`` are used (never lowers it)."""
    CodeCounter.objects.filter(series=series, last_value__lt=last_value).update(last_value=last_value)
