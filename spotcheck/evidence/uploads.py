"""The evidence upload's size limit, enforced before and while the body arrives.

A request that announces (Content-Length) more than a file at ``SPOTCHECK_EVIDENCE_MAX_BYTES``
could need is refused before any of it is read. One that does not say, or says less than it
sends, is stopped by this handler, first among the upload handlers, once the file passes the
limit: the handlers after it (memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then a temporary file)
never get the rest, and Django reads the remainder away so the browser gets the answer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Room for the form's other fields and the multipart boundaries on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def announced_too_big(request: Any) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.SPOTCHECK_EVIDENCE_MAX_BYTES + MULTIPART_OVERHEAD


class EvidenceUploadLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = settings.SPOTCHECK_EVIDENCE_MAX_BYTES
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # ``start`` is how much of this file came before the chunk.
        if start + len(raw_data) > self.limit:
            self.refused = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def limit_evidence_upload(request: Any) -> EvidenceUploadLimitHandler:
    """Put the limit first among ``request``'s upload handlers; call it before anything reads
    ``request.POST`` or ``request.FILES`` (the CSRF check does: see the view)."""
    handler = EvidenceUploadLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler
