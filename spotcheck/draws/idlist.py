"""A frozen stratum's ids as the database keeps and hands them over: one text, ``id\\nid\\n…id``.

A province's stratum holds millions of ids. As one text they cost their bytes (19 per USCC);
as a list of str they would cost four times that and a second to build. The draw reads only
the 10^5 positions the shuffle visits, so ``IdList`` indexes the text in place: when every id
has the same length — the usual case, USCCs are 18 characters — position i is at i × (width+1);
otherwise the text is split once, on first use. A plain ``Sequence`` of str, so the engine, the
paginator and ``bisect`` take it as they take a list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload


class IdList(Sequence[str]):
    __slots__ = ("_items", "_stride", "count", "text")

    def __init__(self, text: str, count: int) -> None:
        self.text, self.count = text, count
        self._items: list[str] | None = None
        self._stride = 0
        if count and (len(text) + 1) % count == 0:
            stride = (len(text) + 1) // count
            # Every stride-th character a separator, and no other: all ids are stride-1 long.
            if stride > 1 and text[stride - 1 :: stride] == "\n" * (count - 1) and text.count("\n") == count - 1:
                self._stride = stride

    @classmethod
    def of(cls, ids: Sequence[str]) -> IdList:
        return cls("\n".join(ids), len(ids))

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        if self._stride:
            start = index * self._stride
            return self.text[start : start + self._stride - 1]
        return self._split()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._split())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList):
            return self.count == other.count and self.text == other.text
        if isinstance(other, list):
            return self._split() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdList({self.count} ids)"

    def _split(self) -> list[str]:
        if self._items is None:
            self._items = self.text.split("\n") if self.count else []
        return self._items
