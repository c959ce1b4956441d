"""Model fields shared by the apps."""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.db import models


class CompressedJSONField(models.BinaryField):
    """A JSON document stored as zlib-compressed UTF-8 bytes, read back as Python values.

    For write-once documents that are only ever read whole, never queried inside: a province's
    draw result is 10^5 targets and their teams, 15 MB of JSON. As ``jsonb`` PostgreSQL parsed
    and pglz-compressed it on every write (a second and more); compressed here it is 3 MB of
    bytes that the database just stores."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(zlib.decompress(bytes(value)))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        # Level 1: level 6 takes three times as long for a few per cent less.
        return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), 1)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
