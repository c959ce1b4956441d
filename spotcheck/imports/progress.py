"""Progress of a running job (an import or an export: any ``models.BackgroundJob``), visible to
the browser while the job's transaction is open.

The import writes everything in one transaction, so a progress update made inside it would stay
invisible until the end. On PostgreSQL a second, autocommitting connection updates the job row
(``processed_rows``, ``heartbeat_at``); the import's own transaction never touches that row
until its final update, so the two never wait for each other. SQLite allows one writer at a
time and the import holds that lock, so a second connection would wait for the import to
finish (a deadlock for the progress bar); there the progress goes to a small file next to the
uploaded files instead, and the readers below merge it in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from spotcheck.imports.models import BackgroundJob

J = TypeVar("J", bound=BackgroundJob)

# Report at most this often (seconds) and at least every this many rows.
MIN_INTERVAL = 0.5
EVERY_ROWS = 2000


def progress_file(model: type[BackgroundJob], job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{model._meta.model_name}-{job_id}.json"


class ProgressReporter:
    def __init__(self, model: type[BackgroundJob], job_id: int):
        self.model = model
        self.job_id = job_id
        self._last_time = 0.0
        self._last_rows = -EVERY_ROWS
        self._connection = None
        self.uses_database = connection.vendor != "sqlite"

    def report(self, processed: int, total: int | None = None, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_time < MIN_INTERVAL and processed - self._last_rows < EVERY_ROWS:
            return
        self._last_time, self._last_rows = now, processed
        if self.uses_database:
            self._write_database(processed, total)
        else:
            self._write_file(processed, total)

    def _write_database(self, processed: int, total: int | None) -> None:
        if self._connection is None:
            self._connection = connections.create_connection(connection.alias)
        table = self._connection.ops.quote_name(self.model._meta.db_table)
        sets = "processed_rows = %s, heartbeat_at = %s"
        params: list = [processed, timezone.now()]
        if total is not None:
            sets += ", total_rows = %s"
            params.append(total)
        with self._connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*params, self.job_id])  # noqa: S608

    def _write_file(self, processed: int, total: int | None) -> None:
        path = progress_file(self.model, self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {"processed_rows": processed, "total_rows": total, "heartbeat_at": timezone.now().isoformat()}
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        with contextlib.suppress(FileNotFoundError):
            progress_file(self.model, self.job_id).unlink()


def merge_live_progress(job: J) -> J:
    """Fill ``job`` (in memory) with the progress file's figures while it runs on SQLite."""
    if not job.is_active:
        return job
    try:
        payload = json.loads(progress_file(type(job), job.pk).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return job
    job.processed_rows = max(job.processed_rows, int(payload.get("processed_rows") or 0))
    if payload.get("total_rows"):
        job.total_rows = int(payload["total_rows"])
    heartbeat = dt.datetime.fromisoformat(payload["heartbeat_at"]) if payload.get("heartbeat_at") else None
    if heartbeat and (job.heartbeat_at is None or heartbeat > job.heartbeat_at):
        job.heartbeat_at = heartbeat
    return job
