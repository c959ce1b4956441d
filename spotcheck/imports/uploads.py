"""The import upload's size limit, enforced while the file arrives (issue 11, item 7).

Django's default handlers write an upload of any size to a temporary file before the view can
look at it; this handler goes first and stops the upload as soon as the bytes received pass
``SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES``. The handlers after it never get the rest, the partial
temporary file is closed (and so deleted) by the parser, and the rest of the request body is read
and thrown away so that the browser receives the page saying why. (A reverse proxy's own body
limit, e.g. nginx's ``client_max_body_size``, stops it even earlier.)
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from spotcheck.imports.limits import ImportLimits


class ImportUploadLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None, limits: ImportLimits | None = None) -> None:
        super().__init__(request)
        self.limits = limits or ImportLimits.current()
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # ``start`` is how much of this file came before the chunk.
        if start + len(raw_data) > self.limits.upload_bytes:
            self.refused = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def limit_import_upload(request: Any) -> ImportUploadLimitHandler:
    """Put the limit first among ``request``'s upload handlers; call it before anything reads
    ``request.POST`` or ``request.FILES``."""
    handler = ImportUploadLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler
