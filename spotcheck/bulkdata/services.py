"""Building the open-data bulk files (issue 14, item 6; bulk14): per kind, year and department,
a CSV (UTF-8 with a byte order mark, so that Excel opens it) and a JSON file, each written
atomically — to a temporary file in the same folder, flushed to disk, then renamed over the old
one — so that a reader, or a build that fails half-way, never sees a half-written file. A file
whose new content is byte for byte the old keeps its file and its update time: a daily rebuild
changes only what changed."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from spotcheck.accounts.models import Department
from spotcheck.audit.services import audit_record
from spotcheck.bulkdata import content
from spotcheck.bulkdata.fields import FIELDS
from spotcheck.bulkdata.models import BulkFile
from spotcheck.core.spreadsheet import quote_cell

MANIFEST_NAME = "manifest.json"
CSV_ROWS_PER_WRITE = 500


def bulk_root() -> Path:
    """Where the files are kept: ``SPOTCHECK_BULK_ROOT``, or ``opendata/`` in the media folder."""
    configured = settings.SPOTCHECK_BULK_ROOT
    return Path(configured) if configured else Path(settings.SPOTCHECK_MEDIA_ROOT) / "opendata"


def file_name(kind: str, year: int | None, department: Department | None, fmt: str) -> str:
    """``results-2026-SCJG.csv``; ``items-current-SCJG.json``; ``plans-2026-joint.csv``."""
    owner = re.sub(r"[^A-Za-z0-9_-]", "_", department.code) if department is not None else "joint"
    return f"{kind}-{year if year is not None else 'current'}-{owner}.{fmt}"


def licence() -> dict[str, str]:
    return {"text": settings.SPOTCHECK_OPEN_DATA_LICENCE, "url": settings.SPOTCHECK_OPEN_DATA_LICENCE_URL}


# ------------------------------------------------------------------------------ encoding


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    # A cell a spreadsheet would run as a formula gets a leading quote (OWASP; core.spreadsheet).
    return quote_cell(value)


def csv_chunks(kind: str, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    keys = [f.key for f in FIELDS[kind]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(keys)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(row[k]) for k in keys])
        if n % CSV_ROWS_PER_WRITE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(kind: str, header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``{…header, "fields": [...], "rows": [ {...}, ... ]}``, one row a line; no time inside, so
    that unchanged data gives the same bytes."""
    keys = [f.key for f in FIELDS[kind]]
    head = json.dumps(header | {"fields": keys}, ensure_ascii=False, sort_keys=True)
    yield head[:-1] + ', "rows": ['
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps({k: row[k] for k in keys}, ensure_ascii=False)
    yield "\n]}\n"


# ------------------------------------------------------------------------------ writing


@dataclass
class Written:
    path: Path
    sha256: str
    size: int
    changed: bool


def write_atomically(path: Path, chunks: Iterable[str], *, old_sha256: str | None) -> Written:
    """Write ``chunks`` (UTF-8) to ``path`` through a temporary file, fsync, rename. When the bytes
    equal the file already there (its SHA-256 is ``old_sha256``), the temporary file is dropped
    and the old file stays untouched. On any error the temporary file is removed and the old
    file stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                data = chunk.encode("utf-8")
                out.write(data)
                digest.update(data)
                size += len(data)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        if old_sha256 == sha and path.exists():
            tmp.unlink()
            return Written(path, sha, size, changed=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        return Written(path, sha, size, changed=True)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    # The rename itself survives a crash only once the folder is on disk too (POSIX).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------ building


@dataclass
class BuildReport:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class _Counter:
    def __init__(self, rows: Iterable[dict[str, Any]]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _build_one(
    kind: str, year: int | None, department: Department | None, fmt: str, root: Path, report: BuildReport
) -> None:
    name = file_name(kind, year, department, fmt)
    existing = BulkFile.objects.filter(name=name).first()
    rows = _Counter(content.ROWS[kind](year, department.pk if department else None))
    if fmt == BulkFile.Format.CSV:
        chunks = csv_chunks(kind, rows)
    else:
        header = {
            "kind": kind,
            "year": year,
            "department": {"code": department.code, "name": department.name} if department else None,
            "licence": licence(),
            "dictionary": "/public/data/dictionary/",
        }
        chunks = json_chunks(kind, header, rows)
    written = write_atomically(root / name, chunks, old_sha256=existing.sha256 if existing else None)
    now = timezone.now()
    if not written.changed:
        BulkFile.objects.filter(pk=existing.pk).update(checked_at=now)
        report.unchanged.append(name)
        return
    with transaction.atomic():
        before = {"sha256": existing.sha256, "rows": existing.rows, "size": existing.size} if existing else None
        row, _created = BulkFile.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "format": fmt,
                "year": year,
                "department": department,
                "sha256": written.sha256,
                "size": written.size,
                "rows": rows.count,
                "updated_at": now,
                "checked_at": now,
            },
        )
        audit_record(
            actor=None,
            action="bulkdata.file.write",
            target=row,
            before=before,
            after={"sha256": row.sha256, "rows": row.rows, "size": row.size},
            department=department,
        )
    report.changed.append(name)


def _groups(kind: str, *, year: int | None, department: Department | None) -> set[tuple[int | None, int | None]]:
    """The groups with data now, and those that had a file before (rewritten, empty if their data
    is gone — e.g. every result withdrawn — rather than left stale)."""
    groups = content.GROUPS[kind]() | set(
        BulkFile.objects.filter(kind=kind).values_list("year", "department_id").distinct()
    )
    if year is not None:
        groups = {g for g in groups if g[0] == year}
    if department is not None:
        groups = {g for g in groups if g[1] == department.pk}
    return groups


def bulk_files_build(*, year: int | None = None, department: Department | None = None) -> BuildReport:
    """Rebuild the bulk files (all, or those of ``year`` and/or ``department``) and the manifest.
    Run by the daily job and ``manage.py build_bulk_files``: there is no user, and it writes only
    what the public portal already shows; each changed file is one audit entry."""
    root = bulk_root()
    report = BuildReport()
    departments = {d.pk: d for d in Department.objects.all()}
    with _build_lock(root), translation.override("zh-hans"):
        for kind in BulkFile.Kind.values:
            groups = _groups(kind, year=year, department=department)
            for group_year, department_id in sorted(groups, key=lambda g: (g[0] or 0, g[1] or 0)):
                owner = departments.get(department_id) if department_id else None
                for fmt in BulkFile.Format.values:
                    _build_one(kind, group_year, owner, fmt, root, report)
        write_manifest(root)
    return report


@contextlib.contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """One build at a time (the timer's and a queued one): the second waits, then finds the files
    unchanged, instead of both writing the same manifest rows."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("a") as lock:  # "a": never truncated, mtime kept
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def manifest() -> dict[str, Any]:
    files = BulkFile.objects.select_related("department").order_by("name")
    return {
        "licence": licence(),
        "dictionary": "/public/data/dictionary/",
        "files": [
            {
                "name": f.name,
                "kind": f.kind,
                "format": f.format,
                "year": f.year,
                "department": f.department.code if f.department_id else None,
                "sha256": f.sha256,
                "size": f.size,
                "rows": f.rows,
                "updated_at": timezone.localtime(f.updated_at).isoformat(),
                "path": f"/public/data/files/{f.name}",
            }
            for f in files
        ],
    }


def write_manifest(root: Path) -> Written:
    """manifest.json beside the files (for a mirror of the folder); unchanged while no file is."""
    path = root / MANIFEST_NAME
    old = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    text = json.dumps(manifest(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return write_atomically(path, [text], old_sha256=old)
