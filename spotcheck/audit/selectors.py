from collections import defaultdict
from collections.abc import Sequence

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spotcheck.audit.actions import TARGET_KIND_LABELS, action_label
from spotcheck.audit.models import AuditEntry


def entries_for_target(target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
        .select_related("actor", "department")
        .order_by("-seq")
    )


def _target_model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def field_label(target_type: str, key: str) -> str:
    """The verbose name of the target model's field ``key`` (a name or a column: ``region_id``),
    or the key as written when it is no field (an extra the service recorded)."""
    model = _target_model(target_type)
    if model is not None:
        for field in model._meta.get_fields():
            if key in (field.name, getattr(field, "attname", None)) and hasattr(field, "verbose_name"):
                return str(field.verbose_name)
    return key


def target_kind_choices() -> list[tuple[str, str]]:
    """The kinds of target the trail can name, by their Chinese names (the filter's list)."""
    kinds = {
        model._meta.label_lower: str(model._meta.verbose_name)
        for model in apps.get_models()
        if model.__module__.startswith("spotcheck.")
    }
    kinds |= {code: str(label) for code, label in TARGET_KIND_LABELS.items()}
    return sorted(kinds.items(), key=lambda item: (item[1], item[0]))


def name_targets(entries: Sequence[AuditEntry]) -> None:
    """Give each entry ``target_name`` (the target's name today, or a readable "已删除的…" with
    the name it had) and ``target_kind`` (what it is: 用户, 抽查任务 …) and ``action_label``.

    One query per kind of target on the page, whatever the number of entries: the rows of a kind
    are fetched together, with their forward foreign keys (the names of some are built from them).
    """
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.target_type and entry.target_id:
            ids_by_type[entry.target_type].add(entry.target_id)
    names: dict[tuple[str, str], str] = {}
    kinds: dict[str, str] = {}
    for target_type, ids in ids_by_type.items():
        model = _target_model(target_type)
        if model is None:
            continue
        kinds[target_type] = str(model._meta.verbose_name)
        pks = []
        for value in ids:
            try:
                pks.append(model._meta.pk.to_python(value))
            except ValidationError:
                continue
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        # The base manager: a retired or hidden row is still the row the entry is about.
        for obj in model._base_manager.filter(pk__in=pks).select_related(*related):
            names[(target_type, str(obj.pk))] = str(obj)
    for entry in entries:
        entry.action_label = action_label(entry.action)
        kind = kinds.get(entry.target_type)
        entry.target_kind = kind or str(TARGET_KIND_LABELS.get(entry.target_type, ""))
        name = names.get((entry.target_type, entry.target_id))
        if name is not None:
            entry.target_name = name
        elif kind is not None and entry.target_id:
            entry.target_name = _("已删除的%(kind)s：%(name)s") % {
                "kind": kind,
                "name": entry.target_repr or entry.target_id,
            }
        else:
            entry.target_name = entry.target_repr
