"""``model_update``: the one way a service changes fields of an existing row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

M = TypeVar("M", bound=models.Model)


def _json(value: Any) -> Any:
    # The audit trail's form of a value (dates ISO, decimals as strings), so the diff can be
    # written as it is and compared as it will be read.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def model_update(
    instance: M, changes: Mapping[str, Any], *, clean: bool = True
) -> tuple[M, dict[str, Any], dict[str, Any]]:
    """Set ``changes`` (field name → value) on ``instance``, validate it (``full_clean``) and
    save only the fields that changed (``update_fields``). Returns the instance and the audit
    diff: ``before`` and ``after`` of the changed fields, keyed by attname (``dissolved_by_id``),
    as the audit trail records them. Nothing is saved when nothing changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    changed: list[str] = []
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        old = _json(field.value_from_object(instance))
        setattr(instance, name, value)
        new = _json(field.value_from_object(instance))
        if old != new:
            changed.append(field.name)
            before[field.attname], after[field.attname] = old, new
    if changed:
        if clean:
            instance.full_clean()
        instance.save(update_fields=changed)
    return instance, before, after
