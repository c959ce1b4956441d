"""Counts that stop at a cap (one home for "1,000+").

Counting every match exactly costs a read of every match: a province's dashboard has hundreds
of thousands of overdue results, and a common name fragment matches as many objects. Past a
cap a person learns nothing more from the exact figure, so such counts read at most
``cap + 1`` rows and say "more than": the directory's name search (``CappedMatches``) and the
deadline dashboard's counts and lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

# A count or a list stops here and says "more than" beyond.
COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    """A count that read at most ``cap + 1`` rows: exact up to ``cap``, else "``cap``+"."""

    value: int
    cap: int

    @classmethod
    def of(cls, queryset: QuerySet, cap: int | None = None) -> CappedCount:
        """One query: ``SELECT count(*) FROM (… LIMIT cap + 1)``."""
        cap = COUNT_CAP if cap is None else cap
        return cls(queryset.order_by().select_related(None)[: cap + 1].count(), cap)

    @property
    def truncated(self) -> bool:
        return self.value > self.cap

    @property
    def shown(self) -> int:
        """The rows a capped list holds."""
        return min(self.value, self.cap)

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        # Grouped like intcomma: "1,000+".
        return f"{self.cap:,}+" if self.truncated else f"{self.value:,}"

    @property
    def description(self) -> str:
        """What the figure means, for a title or a help text."""
        if self.truncated:
            return _("超过 %(cap)s 条，只计到 %(cap)s 条") % {"cap": f"{self.cap:,}"}
        return _("共 %(n)s 条") % {"n": f"{self.value:,}"}


class CappedRows:
    """A queryset for ``Paginator``: its first ``cap`` rows in its order, counted with one capped
    query; each page reads only its own rows (``LIMIT``/``OFFSET`` on the queryset)."""

    def __init__(self, queryset: QuerySet, cap: int | None = None) -> None:
        self.queryset = queryset
        self.total = CappedCount.of(queryset, cap)

    @property
    def truncated(self) -> bool:
        return self.total.truncated

    def count(self) -> int:
        return self.total.shown

    def __len__(self) -> int:
        return self.total.shown

    def __getitem__(self, index: slice) -> Any:
        shown = self.total.shown
        start, stop = index.start or 0, min(shown if index.stop is None else index.stop, shown)
        return self.queryset[start:stop] if start < stop else self.queryset.none()


_FEW_ROWS_SETTINGS = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0"}


@contextmanager
def planned_for_capped_counts() -> Iterator[None]:
    """PostgreSQL, within the block: no sequential scans and no parallel workers.

    A capped count is a ``LIMIT``: where the planner expects many matches spread through a
    table it would rather scan the table until it has them, and when its estimate is wrong (a
    department whose visits are all done, while a quarter of all visits are not) it reads the
    whole table to find none (300 ms at 10^6 visits) where the index answers in a few. Parallel
    workers cost more to start than such a count takes. Settings local to a transaction (one
    query); when the caller is already in one they are put back at the end (one more)."""
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    names = list(_FEW_ROWS_SETTINGS)
    # No savepoint: the block only reads, and the settings are put back below when nested.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(name, value, true) FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
            [names, list(_FEW_ROWS_SETTINGS.values())],
        )
        yield
        if nested:
            cursor.execute("SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name = ANY(%s)", [names])
