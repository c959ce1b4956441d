"""The import pipeline shared by every kind.

Rows stream from the reader in batches. Each batch is validated (cells, duplicates within the
file, cross-field rules, permissions against the rows it would update), compared with what the
database holds (one query per table per batch) and, as long as no error has been seen anywhere
in the file, written at once. The caller runs the whole pipeline in one transaction and rolls it
back when any error was found, so a file is imported entirely or not at all, and the report
still lists every error of every row.
"""

from __future__ import annotations

import datetime as dt
import gc
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import Scope
from spotcheck.core import bulk
from spotcheck.imports.cells import Refs, as_text
from spotcheck.imports.columns import Column, match_headers
from spotcheck.imports.progress import ProgressReporter
from spotcheck.imports.readers import Table

# Errors held in memory (and printed by the commands); a file with more is cut short in the
# report, with the total still counted.
MAX_ERRORS_IN_MEMORY = 100_000
# Distinct values remembered per column (enums, references and dates repeat from row to row).
MEMO_SIZE = 50_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_list(self) -> list:
        return [self.row, self.column, self.value, self.message]

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"，列“{self.column}”" if self.column else "")
        shown = f"，值“{self.value}”" if self.value else ""
        return f"{where}{shown}：{self.message}"


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def accepted(self) -> bool:
        return self.error_count == 0


class Rejected(Exception):
    """Raised inside the import's transaction to roll everything back."""

    def __init__(self, outcome: Outcome):
        super().__init__(f"{outcome.error_count} errors")
        self.outcome = outcome


@dataclass
class Row:
    number: int
    cells: Sequence[Any]  # as read; shown in error messages
    record: dict[str, Any]  # field → parsed value (only the columns of the file)
    positions: dict[str, int] = field(default_factory=dict)  # field → index in cells
    key: str = ""
    existing: dict[str, Any] | None = None
    ok: bool = True

    def cell_text(self, field_name: str) -> str:
        """The cell of ``field_name`` as the user typed it ("" when the file has no such cell)."""
        index = self.positions.get(field_name)
        if index is None or index >= len(self.cells):
            return ""
        return as_text(self.cells[index])


class BaseImporter(ABC):
    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    key_field: ClassVar[str]
    # Department columns the importing user must be allowed to write (checked on every row,
    # even one with other bad cells, so that the report is complete).
    department_fields: ClassVar[tuple[str, ...]] = ()
    batch_size: ClassVar[int] = 5000

    def __init__(
        self,
        *,
        actor: Any,
        scope: Scope,
        department: Department,
        file_name: str,
        progress: ProgressReporter | None = None,
        refs: Refs | None = None,
    ):
        self.actor = actor
        self.scope = scope
        self.department = department
        self.file_name = file_name
        self.progress = progress
        self.refs = refs or Refs()
        self.now = timezone.now()
        self.today: dt.date = timezone.localdate(self.now)
        self.outcome = Outcome()
        self.columns_by_field = {c.field: c for c in self.columns}
        self.seen_keys: dict[str, int] = {}

    # ------------------------------------------------------------------ errors

    def error(self, row: Row | int, field_name: str, message: str, value: Any = None) -> None:
        number = row.number if isinstance(row, Row) else row
        column = self.columns_by_field[field_name].header if field_name in self.columns_by_field else field_name
        if value is None and isinstance(row, Row):
            value = row.cell_text(field_name)
        self.outcome.error_count += 1
        if len(self.outcome.errors) < MAX_ERRORS_IN_MEMORY:
            self.outcome.errors.append(RowError(number, column, as_text(value or ""), message))
        if isinstance(row, Row):
            row.ok = False

    def header(self, field_name: str) -> str:
        return self.columns_by_field[field_name].header

    # ------------------------------------------------------------------ pipeline

    def run(self, table: Table) -> Outcome:
        match = match_headers(self.columns, table.headers)
        for message in [*match.errors, *self.check_headers(match.positions)]:
            self.outcome.error_count += 1
            self.outcome.errors.append(RowError(1, "", "", message))
        if self.outcome.error_count:
            return self.outcome
        self.positions = match.positions
        # (field, position in the row, column, memo of parsed values or None)
        self.plan = [
            (c.field, match.positions[c.field], c, {} if c.memo else None)
            for c in self.columns
            if c.field in match.positions
        ]
        self.imported_fields = [c.field for c in self.columns if c.field in match.positions]
        if self.progress:
            self.progress.report(0, table.estimated_rows, force=True)
        bulk.check_constraints_now()
        self.begin(table.estimated_rows)
        self._start_writer()
        # A large file allocates millions of short-lived rows, and the cyclic garbage collector
        # would walk the ever larger heap again and again (a sixth of the import's time); the
        # rows hold no reference cycles, so reference counting frees them as they go.
        collecting = gc.isenabled()
        gc.disable()
        try:
            batch: list[Row] = []
            for number, cells in table.rows:
                batch.append(self.parse_row(number, cells))
                if len(batch) >= self.batch_size:
                    self.process(batch)
                    batch = []
            if batch:
                self.process(batch)
            self._wait_for_writer()
            if not self.outcome.error_count:
                self.finish()
        finally:
            if collecting:
                gc.enable()
            self._stop_writer()
        if self.outcome.rows == 0 and not self.outcome.error_count:
            self.outcome.error_count += 1
            self.outcome.errors.append(RowError(2, "", "", "文件中没有数据行。"))
        if self.progress:
            self.progress.report(self.outcome.rows, self.outcome.rows, force=True)
        return self.outcome

    def check_headers(self, positions: dict[str, int]) -> list[str]:
        return []

    def parse_row(self, number: int, cells: Sequence[Any]) -> Row:
        # Runs once per row of files of a million rows: keep the loop lean.
        row = Row(number, cells, {}, self.positions)
        record = row.record
        width = len(cells)
        for field_name, index, column, memo in self.plan:
            value = cells[index] if index < width else ""
            if memo is not None:
                hit = memo.get(value)
                if hit is None:
                    hit = self._parse_cell(column, value)
                    if len(memo) < MEMO_SIZE:
                        memo[value] = hit
            else:
                hit = self._parse_cell(column, value)
            if hit[0]:
                record[field_name] = hit[1]
            else:
                self.error(row, field_name, hit[1])
        for field_name in self.department_fields:
            if record.get(field_name) is not None:
                self.check_department_writable(row, field_name)
        return row

    def _parse_cell(self, column: Column, value: Any) -> tuple[bool, Any]:
        try:
            return True, column.parse(value, self.refs)
        except ValidationError as exc:
            return False, "".join(exc.messages)

    def process(self, batch: list[Row]) -> None:
        self.outcome.rows += len(batch)
        for row in batch:
            if row.ok:
                self.check_key(row)
        valid = [row for row in batch if row.ok]
        # The connection is the writer's until it is done with the previous batch.
        self._wait_for_writer()
        existing = self.load_existing(valid)
        for row in valid:
            row.existing = existing.get(row.key)
            self.check_row(row)
        creates: list[Row] = []
        updates: list[Row] = []
        for row in batch:
            if not row.ok:
                continue
            if row.existing is None:
                creates.append(row)
            elif self.changed_fields(row):
                updates.append(row)
            else:
                self.outcome.unchanged += 1
        self.outcome.created += len(creates)
        self.outcome.updated += len(updates)
        # Once anything is wrong the transaction will be rolled back: stop writing, keep checking.
        if not self.outcome.error_count:
            self._submit(creates, updates)
        if self.progress:
            self.progress.report(self.outcome.rows)

    # ------------------------------------------------------------------ background writer
    #
    # On PostgreSQL the database works on one batch (COPY, index maintenance) while Python
    # reads and checks the next: the two run on different cores. The writer thread uses the
    # importing thread's own connection, so it writes inside the same transaction; the two
    # threads take turns on it (the importing thread waits before its next query).

    parallel_writes: ClassVar[bool] = True

    def _start_writer(self) -> None:
        self._executor = None
        self._pending = None
        if not self.parallel_writes or connection.vendor != "postgresql" or not connection.in_atomic_block:
            return
        self._connection = connections[connection.alias]
        self._connection.inc_thread_sharing()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")

    def _submit(self, creates: list[Row], updates: list[Row]) -> None:
        if self._executor is None:
            self.write(creates, updates)
            return
        self._pending = self._executor.submit(self._write_in_thread, creates, updates)

    def _write_in_thread(self, creates: list[Row], updates: list[Row]) -> None:
        alias = self._connection.alias
        connections[alias] = self._connection
        try:
            self.write(creates, updates)
        finally:
            del connections[alias]

    def _wait_for_writer(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _stop_writer(self) -> None:
        if self._executor is None:
            return
        try:
            if self._pending is not None:
                # Leaving on an error: let the writer finish before the rollback.
                wait([self._pending])
        finally:
            self._executor.shutdown(wait=True)
            self._executor = None
            self._connection.dec_thread_sharing()

    def check_key(self, row: Row) -> None:
        """Compute ``row.key`` and refuse a key seen earlier in the file."""
        row.key = self.row_key(row)
        first = self.seen_keys.get(row.key)
        if first is not None:
            self.error(row, self.key_column(row), f"与第 {first} 行重复。")
        else:
            self.seen_keys[row.key] = row.number

    def row_key(self, row: Row) -> str:
        return row.record[self.key_field]

    def key_column(self, row: Row) -> str:
        return self.key_field

    def changed_fields(self, row: Row) -> list[str]:
        assert row.existing is not None
        return [f for f in self.compared_fields() if f in row.record and row.record[f] != row.existing.get(f)]

    def compared_fields(self) -> Iterable[str]:
        return self.imported_fields

    # ------------------------------------------------------------------ per kind

    @abstractmethod
    def load_existing(self, rows: list[Row]) -> dict[str, dict[str, Any]]:
        """The stored records the rows' keys match, in the form a parsed row has."""

    @abstractmethod
    def check_row(self, row: Row) -> None:
        """Rules across fields and against the stored record (errors via ``self.error``)."""

    @abstractmethod
    def write(self, creates: list[Row], updates: list[Row]) -> None:
        """Write one checked batch inside the import's transaction."""

    def begin(self, estimated_rows: int) -> None:  # noqa: B027 (an optional hook)
        """Prepare the writes, knowing about how many rows the file has."""

    def finish(self) -> None:  # noqa: B027 (an optional hook)
        """Complete the writes once every row has been checked and found good."""

    # ------------------------------------------------------------------ helpers

    def check_department_writable(self, row: Row, field_name: str) -> None:
        department_id = row.record.get(field_name)
        if department_id and not self.scope.can_write_department(department_id):
            self.error(row, field_name, f"您无权写入部门“{self.refs.department_label(department_id)}”的数据。")


def group_m2m(pairs: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    """``(owner id, related id)`` pairs → owner id → sorted tuple of related ids."""
    grouped: dict[int, list[int]] = {}
    for owner, related in pairs:
        grouped.setdefault(owner, []).append(related)
    return {owner: tuple(sorted(ids)) for owner, ids in grouped.items()}
