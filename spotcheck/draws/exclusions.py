"""A frozen pool's excluded objects, read a page at a time (``PoolExclusionGroup``).

A province's pool leaves out millions of objects, kept as groups of packed primary keys. The
explanation page and the API page through them with Django's and DRF's paginators, which take
any sequence with a length and slices: ``ExcludedObjects`` is one, whose slice reads only the
bytes of its keys (a substring of each group it touches) and then those objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import BinaryField, Case, When
from django.db.models.functions import Substr

from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import PoolExclusionGroup, Task


@dataclass(frozen=True)
class ExcludedObject:
    """One object left out of a pool, and why."""

    inspection_object: InspectionObject
    reason: str
    detail: str

    @property
    def inspection_object_id(self) -> int:
        return self.inspection_object.pk

    def get_reason_display(self) -> str:
        return str(PoolExclusionGroup.Reason(self.reason).label)


class ExcludedObjects(Sequence[ExcludedObject]):
    """The objects a task's pool left out, by the order of the reasons' rules (the groups'
    order of creation) and then by the objects' public codes; optionally of one reason."""

    def __init__(self, task: Task, reason: str | None = None) -> None:
        groups = PoolExclusionGroup.objects.filter(task=task).defer("object_ids").order_by("pk")
        if reason:
            groups = groups.filter(reason=reason)
        self.groups = list(groups)
        self.count = sum(group.count for group in self.groups)

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> ExcludedObject: ...

    @overload
    def __getitem__(self, index: slice) -> list[ExcludedObject]: ...

    def __getitem__(self, index: int | slice) -> ExcludedObject | list[ExcludedObject]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._read(start, stop)
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self._read(index, index + 1)[0]

    def __iter__(self) -> Iterator[ExcludedObject]:
        page = 1000
        for start in range(0, self.count, page):
            yield from self._read(start, min(start + page, self.count))

    def _read(self, start: int, stop: int) -> list[ExcludedObject]:
        """Objects ``start`` to ``stop``: the slices of the groups they fall in, in one query
        (a substring of each), then the objects, in another."""
        size = PoolExclusionGroup.ID_BYTES
        slices: dict[int, When] = {}
        touched: list[PoolExclusionGroup] = []
        offset = 0
        for group in self.groups:
            lo, hi = max(start - offset, 0), min(stop - offset, group.count)
            if lo < hi:
                touched.append(group)
                slices[group.pk] = When(pk=group.pk, then=Substr("object_ids", lo * size + 1, (hi - lo) * size))
            offset += group.count
        if not touched:
            return []
        chunks = dict(
            PoolExclusionGroup.objects.filter(pk__in=list(slices))
            .annotate(chunk=Case(*slices.values(), output_field=BinaryField()))
            .values_list("pk", "chunk")
        )
        wanted = [(group, PoolExclusionGroup.unpack(chunks[group.pk])) for group in touched]
        objects = InspectionObject.objects.in_bulk([pk for _group, pks in wanted for pk in pks])
        return [
            ExcludedObject(objects[pk], group.reason, group.detail)
            for group, pks in wanted
            for pk in pks
            if pk in objects  # objects are retired, never deleted; should one go, the page shows the rest
        ]


def exclusion_counts(task: Task) -> dict[str, int]:
    """How many objects each reason left out of the task's pool."""
    counts: dict[str, int] = {}
    for reason, count in PoolExclusionGroup.objects.filter(task=task).values_list("reason", "count"):
        counts[reason] = counts.get(reason, 0) + count
    return counts
