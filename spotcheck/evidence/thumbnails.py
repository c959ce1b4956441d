"""Small previews of evidence photos for the visit page, made server-side by Pillow on first
request and kept by the photo's hash (``evidence/thumbs/ab/cd/<sha256>-<side>.jpg``): the same
photo has one preview whoever uploaded it, and a preview, like a photo, is never rewritten.

A JPEG is decoded at a reduced scale (``draft``: a fraction of its pixels, little memory);
another photo is decoded whole, so only up to ``FULL_DECODE_PIXELS`` (about 36 MB as RGB) —
beyond that the page shows the file's name without a preview."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

from spotcheck.evidence import storage
from spotcheck.evidence.models import Evidence

SIDE = 320
FULL_DECODE_PIXELS = 12_000_000


def can_preview(evidence: Evidence) -> bool:
    if evidence.kind != Evidence.Kind.PHOTO or not evidence.width or not evidence.height:
        return False
    return evidence.content_type == "image/jpeg" or evidence.width * evidence.height <= FULL_DECODE_PIXELS


def _path(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise storage.StorageError(f"not a SHA-256: {sha256!r}")
    return storage.root() / "evidence" / "thumbs" / sha256[:2] / sha256[2:4] / f"{sha256}-{SIDE}.jpg"


def _render(evidence: Evidence) -> bytes:
    with storage.open_file(evidence.storage_key) as source, Image.open(source) as image:
        if image.format == "JPEG":
            image.draft("RGB", (SIDE * 2, SIDE * 2))
        image = ImageOps.exif_transpose(image)
        image.thumbnail((SIDE, SIDE))
        if image.mode != "RGB":
            # A transparent PNG on white, as the browser's scaled copy is.
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        return out.getvalue()


def thumbnail(evidence: Evidence) -> Path:
    """The preview's file, made now if it is not there yet."""
    path = _path(evidence.sha256)
    if path.exists():
        return path
    data = _render(evidence)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".thumb-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
        os.chmod(tmp_name, 0o440)
        # Made by another request meanwhile: the same picture, kept.
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)
    return path
