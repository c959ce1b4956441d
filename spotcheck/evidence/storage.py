"""Content-hash storage of evidence files under ``SPOTCHECK_MEDIA_ROOT``/evidence.

A file lives at ``evidence/ab/cd/<sha256>``: the same bytes uploaded twice are one file, and a
file once written is never replaced (written to a temporary file in the same folder, then
linked into place only if the name is free; read-only from then on). Nothing here is under a
URL: files are served only by the access-checked view."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024
_KEY = re.compile(r"^evidence/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


class StorageError(Exception):
    pass


def root() -> Path:
    return Path(settings.SPOTCHECK_MEDIA_ROOT)


def key_for(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def path_of(key: str) -> Path:
    """The file of ``key``; a key that is not one of ours (``..``, another folder) is refused."""
    match = _KEY.match(key)
    if not match or match[3][:2] != match[1] or match[3][2:4] != match[2]:
        raise StorageError(f"not an evidence storage key: {key!r}")
    return root() / key


def chunks_of(source: BinaryIO) -> Iterable[bytes]:
    source.seek(0)
    while chunk := source.read(CHUNK):
        yield chunk


def sha256_of(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in chunks_of(source):
        digest.update(chunk)
    return digest.hexdigest()


def put(source: BinaryIO, sha256: str) -> str:
    """Store the bytes of ``source`` (whose hash the caller computed) and return their key. When
    the hash's file exists it is kept as it is; a copy whose bytes do not hash to ``sha256``
    (the source changed under us) is refused and nothing is left behind."""
    key = key_for(sha256)
    target = path_of(key)
    if target.exists():
        return key
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as tmp:
            for chunk in chunks_of(source):
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        if digest.hexdigest() != sha256:
            raise StorageError("the file changed while it was stored")
        os.chmod(tmp_name, 0o440)
        _place(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return key


def _place(tmp_name: str, target: Path) -> None:
    """Move the finished file into place unless another upload of the same bytes got there
    first. A hard link fails when the name exists, so even two writers at the same instant never
    replace a file; where links are not supported, ``os.replace`` after a last look."""
    try:
        os.link(tmp_name, target)
    except FileExistsError:
        return
    except OSError:
        if not target.exists():
            os.replace(tmp_name, target)


def open_file(key: str) -> BinaryIO:
    return open(path_of(key), "rb")
