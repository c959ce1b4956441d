"""What an uploaded file really is, decided by its content, never by its name: JPEG, PNG and
WebP photos (opened and verified by Pillow, with a pixel limit against decompression bombs)
and PDFs (``%PDF-`` at the start, ``%%EOF`` near the end). Anything else — an executable, an
HTML page or an SVG named .jpg — is refused with an error naming the file."""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from spotcheck.evidence import storage
from spotcheck.evidence.models import Evidence

NAME_MAX_LENGTH = Evidence._meta.get_field("original_name").max_length
# The PDF trailer may be followed by a little whitespace or an incremental update's padding.
PDF_TAIL_BYTES = 2048
# Pillow's format name → (content type, the extension a download gets).
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PDF_TYPE = ("application/pdf", ".pdf")
_FORBIDDEN_IN_NAMES = set('<>:"/\\|?*;')


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    name: str
    width: int | None = None
    height: int | None = None


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def safe_name(raw: str | None, extension: str = "") -> str:
    """The name a person gave the file, made harmless: the last path part only, no control or
    reserved characters, at most ``NAME_MAX_LENGTH`` characters with the extension kept, and
    ending in ``extension`` (the type the content was found to be)."""
    text = unicodedata.normalize("NFC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch not in _FORBIDDEN_IN_NAMES and unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split()).strip(" .")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if extension and f".{ext.lower()}" not in {extension, ".jpeg" if extension == ".jpg" else extension}:
        stem, ext = text, extension.lstrip(".")
    stem = stem.strip(" .") or "evidence"
    suffix = f".{ext}" if ext else ""
    return stem[: NAME_MAX_LENGTH - len(suffix)] + suffix


def _head_and_tail(source: BinaryIO, size: int) -> tuple[bytes, bytes]:
    source.seek(0)
    head = source.read(4096)
    source.seek(max(0, size - PDF_TAIL_BYTES))
    tail = source.read(PDF_TAIL_BYTES)
    source.seek(0)
    return head, tail


def _what_else(head: bytes) -> str | None:
    """A name for the common things that are not evidence, for a clearer refusal."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"MZ"):
        return _("Windows 可执行程序")
    if head.startswith(b"\x7fELF"):
        return _("Linux 可执行程序")
    if head.startswith((b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")):
        return _("可执行程序")
    if text.startswith(b"#!"):
        return _("脚本")
    if b"<svg" in text[:1024]:
        return _("SVG 图形（可含脚本）")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")) or b"<html" in text[:1024]:
        return _("HTML 网页")
    if head.startswith(b"PK\x03\x04"):
        return _("压缩包或 Office 文档")
    return None


def _refuse(name: str, what: str | None) -> ValidationError:
    if what:
        message = _("文件“%(name)s”的内容是%(what)s，不是照片（JPEG、PNG、WebP）或 PDF 文件，不能上传。") % {
            "name": name,
            "what": what,
        }
    else:
        message = _("文件“%(name)s”不是照片（JPEG、PNG、WebP）或 PDF 文件，不能上传。") % {"name": name}
    return ValidationError({"file": [message]}, code="bad_type")


def _image(source: BinaryIO, name: str) -> tuple[str, int, int] | None:
    """(Pillow format, width, height) of a photo that opens and verifies, None when it is no
    image Pillow knows among ours; a photo over the pixel limit is refused."""
    limit = settings.SPOTCHECK_EVIDENCE_MAX_PIXELS
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=list(IMAGE_TYPES)) as image:
                width, height = image.size
                if width * height > limit:
                    raise Image.DecompressionBombError
                image.verify()
                return image.format, width, height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            {
                "file": [
                    _("照片“%(name)s”的像素数超过 %(limit)s 万，不能上传（请缩小后再传）。")
                    % {"name": name, "limit": f"{limit // 10_000:,}"}
                ]
            },
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None
    finally:
        source.seek(0)


def check_upload(source: BinaryIO, *, name: str | None, size: int) -> CheckedFile:
    """The file's kind and facts, or a ValidationError on ``file`` naming it."""
    shown = safe_name(name)
    limit = settings.SPOTCHECK_EVIDENCE_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("文件“%(name)s”大小为 %(size)s MB，超过上限 %(limit)s MB，不能上传。")
                    % {"name": shown, "size": f"{size / 1024 / 1024:.1f}", "limit": megabytes(limit)}
                ]
            },
            code="too_big",
        )
    if size == 0:
        raise ValidationError({"file": [_("文件“%(name)s”是空文件。") % {"name": shown}]}, code="empty")
    head, tail = _head_and_tail(source, size)
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in tail:
            raise ValidationError(
                {"file": [_("PDF 文件“%(name)s”不完整（没有文件结尾标记），请重新导出后上传。") % {"name": shown}]},
                code="truncated_pdf",
            )
        content_type, extension = PDF_TYPE
        return CheckedFile(
            Evidence.Kind.PDF, content_type, extension, size, storage.sha256_of(source), safe_name(name, extension)
        )
    what = _what_else(head)
    found = None if what else _image(source, shown)
    if found is None:
        raise _refuse(shown, what)
    image_format, width, height = found
    content_type, extension = IMAGE_TYPES[image_format]
    return CheckedFile(
        Evidence.Kind.PHOTO,
        content_type,
        extension,
        size,
        storage.sha256_of(source),
        safe_name(name, extension),
        width,
        height,
    )
