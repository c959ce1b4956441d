"""Writing batches of demo objects: ``bulk_create`` everywhere, ``COPY`` on PostgreSQL.

Both writers take the same ``ObjectRow`` batches and write the object table, its two M2M
through tables (tags, supervising departments), licences, penalties and level changes. The
COPY writer takes its ids from the table's own sequence (``nextval``), so it never collides
with rows written concurrently, and fills every column the demo does not set with the model
field's default, so new nullable/defaulted fields added later do not break it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from django.db import connection, models
from django.utils import timezone

from spotcheck.core.bulk import copy_tail
from spotcheck.demo.objects import ObjectRow
from spotcheck.directory.models import OBJECT_DATA_COLUMNS, InspectionObject, LevelChange, ObjectLicence, Penalty

OBJECT_COLUMNS: tuple[str, ...] = ("public_code", *OBJECT_DATA_COLUMNS)
TAG_THROUGH = InspectionObject.tags.through
SUPERVISION_THROUGH = InspectionObject.supervising_departments.through
TAG_COLUMNS = ("inspectionobject_id", "tag_id")
SUPERVISION_COLUMNS = ("inspectionobject_id", "department_id")
LICENCE_COLUMNS = ("inspection_object_id", "kind_id", "number", "valid_until")
PENALTY_COLUMNS = ("inspection_object_id", "department_id", "decision_number", "decided_on", "summary")
LEVEL_COLUMNS = ("inspection_object_id", "field", "old_value", "new_value", "effective_on", "reason", "source")


@dataclass
class BatchCounts:
    objects: int = 0
    tags: int = 0
    supervisions: int = 0
    licences: int = 0
    penalties: int = 0
    level_changes: int = 0

    def add(self, other: BatchCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _related_rows(rows: Sequence[ObjectRow], ids: Sequence[int]) -> dict[str, list[tuple]]:
    tags, supervisions, licences, penalties, levels = [], [], [], [], []
    for object_id, row in zip(ids, rows, strict=True):
        tags.extend((object_id, tag_id) for tag_id in row.tag_ids)
        supervisions.extend((object_id, dept_id) for dept_id in row.supervisor_ids)
        licences.extend((object_id, *licence) for licence in row.licences)
        penalties.extend((object_id, *penalty) for penalty in row.penalties)
        levels.extend((object_id, *change) for change in row.level_changes)
    return {"tags": tags, "supervisions": supervisions, "licences": licences, "penalties": penalties, "levels": levels}


def _counts(ids: Sequence[int], related: dict[str, list[tuple]]) -> BatchCounts:
    return BatchCounts(
        objects=len(ids),
        tags=len(related["tags"]),
        supervisions=len(related["supervisions"]),
        licences=len(related["licences"]),
        penalties=len(related["penalties"]),
        level_changes=len(related["levels"]),
    )


class ObjectWriter:
    """``bulk_create`` writer: works on every database Django supports with RETURNING ids."""

    def __init__(self, now: dt.datetime | None = None):
        self.now = now or timezone.now()

    def write(self, rows: Iterable[ObjectRow], count: int) -> tuple[BatchCounts, list[int]]:
        """Write the ``count`` rows of ``rows``; returns what was written and the object ids."""
        rows = list(rows)
        ids = self._write_objects(rows)
        related = _related_rows(rows, ids)
        self._insert(TAG_THROUGH, TAG_COLUMNS, related["tags"])
        self._insert(SUPERVISION_THROUGH, SUPERVISION_COLUMNS, related["supervisions"])
        self._insert(ObjectLicence, LICENCE_COLUMNS, related["licences"])
        self._insert(Penalty, PENALTY_COLUMNS, related["penalties"])
        self._insert(LevelChange, LEVEL_COLUMNS, related["levels"])
        return _counts(ids, related), ids

    def _write_objects(self, rows: Sequence[ObjectRow]) -> list[int]:
        objs = [InspectionObject(**row.fields) for row in rows]
        InspectionObject.objects.bulk_create(objs)
        return [obj.pk for obj in objs]

    def _insert(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
        if rows:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])


class _CopyTable:
    """Column list and constant tail (defaults of the columns the demo leaves alone) for one
    COPY into ``model``'s table."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], now: dt.datetime, with_pk: bool):
        opts = model._meta
        tail_columns, self.tail = copy_tail(model, columns, now=now)
        head = [opts.pk.column] if with_pk else []
        # get_field() knows attnames ("region_id") as well as names.
        head += [opts.get_field(name).column for name in columns]
        quoted = ", ".join(connection.ops.quote_name(c) for c in [*head, *(f.column for f in tail_columns)])
        self.sql = f"COPY {connection.ops.quote_name(opts.db_table)} ({quoted}) FROM STDIN"

    def copy(self, cursor, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        tail = self.tail
        with cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row(row + tail)


class CopyObjectWriter(ObjectWriter):
    """PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3 for every table of the batch."""

    def __init__(self, now: dt.datetime | None = None):
        super().__init__(now)
        if connection.vendor != "postgresql":
            raise RuntimeError("COPY needs PostgreSQL")
        self.objects = _CopyTable(InspectionObject, OBJECT_COLUMNS, self.now, with_pk=True)
        self.tables = {
            "tags": _CopyTable(TAG_THROUGH, TAG_COLUMNS, self.now, with_pk=False),
            "supervisions": _CopyTable(SUPERVISION_THROUGH, SUPERVISION_COLUMNS, self.now, with_pk=False),
            "licences": _CopyTable(ObjectLicence, LICENCE_COLUMNS, self.now, with_pk=False),
            "penalties": _CopyTable(Penalty, PENALTY_COLUMNS, self.now, with_pk=False),
            "levels": _CopyTable(LevelChange, LEVEL_COLUMNS, self.now, with_pk=False),
        }
        table = InspectionObject._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, InspectionObject._meta.pk.column])
            self.sequence = cursor.fetchone()[0]

    def write(self, rows: Iterable[ObjectRow], count: int) -> tuple[BatchCounts, list[int]]:
        """Rows are generated while the COPY streams, so the server indexes one part of the
        batch while Python makes the next (the two run on different cores)."""
        kept: list[ObjectRow] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, count])
            ids = [r[0] for r in cursor.fetchall()]
            tail = self.objects.tail
            with cursor.copy(self.objects.sql) as copy:
                for object_id, row in zip(ids, rows, strict=True):
                    kept.append(row)
                    fields = row.fields
                    copy.write_row((object_id, *[fields[c] for c in OBJECT_COLUMNS], *tail))
            rows = kept
            related = _related_rows(rows, ids)
            for key, table in self.tables.items():
                table.copy(cursor, related[key])
        return _counts(ids, related), ids


def make_writer(use_copy: bool | None = None) -> ObjectWriter:
    """COPY on PostgreSQL unless told otherwise; ``bulk_create`` elsewhere."""
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    return CopyObjectWriter() if use_copy else ObjectWriter()
