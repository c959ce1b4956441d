"""The target scope of an item version (抽查对象范围): which inspection objects it applies to.

A scope is a JSON object with up to five keys, each a list of codes::

    {"kinds": ["enterprise"], "industries": ["C", "51"], "licences": ["SPJY"],
     "tags": ["ZDJG"], "regions": ["320481"]}

- a missing or empty list does not restrict;
- the codes of one key are alternatives (OR), the keys together must all hold (AND);
- an industry 门类 (a letter) stands for all its 大类; a region stands for itself and every
  区划 below it (the county for all its towns);
- only objects that can be inspected count: not retired, and in registration status 存续;
  a licence counts while it is not cancelled (注销).

The same functions serve the services (validation before saving), the edit form (live count
through htmx), the import of items and, later, the draw pools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from spotcheck.accounts.models import Region
from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, ObjectLicence, Tag

# Key → label, in the order the UI shows them.
SCOPE_KEYS: dict[str, str] = {
    "kinds": gettext_lazy("对象类型"),
    "industries": gettext_lazy("行业"),
    "licences": gettext_lazy("许可类别"),
    "tags": gettext_lazy("分类标注"),
    "regions": gettext_lazy("区划"),
}

# Deep enough for province → city → county → town.
_REGION_DEPTH = 4


def _code_list(key: str, raw: Any) -> list[str]:
    label = SCOPE_KEYS[key]
    if raw is None:
        return []
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise ValidationError(
            _("抽查对象范围的%(label)s（%(key)s）应为代码列表。") % {"label": label, "key": key}, code="scope_not_list"
        )
    codes: list[str] = []
    for value in raw:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(
                _("抽查对象范围的%(label)s（%(key)s）含有无效的代码“%(code)s”。")
                % {"label": label, "key": key, "code": value},
                code="scope_bad_code",
            )
        code = value.strip()
        if code not in codes:
            codes.append(code)
    return sorted(codes)


def _known_codes(key: str, codes: list[str]) -> set[str]:
    if key == "kinds":
        return set(InspectionObject.Kind.values) & set(codes)
    if key == "industries":
        return set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
    if key == "licences":
        return set(LicenceKind.objects.filter(code__in=codes).values_list("code", flat=True))
    if key == "tags":
        return set(Tag.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    return set(Region.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))


def validate_scope(raw: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Check a scope and return its canonical form: known keys only, each a sorted list of
    distinct codes, empty keys dropped. Unknown keys or codes raise a ValidationError in
    Chinese naming the key and the value."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError(_("抽查对象范围应为一个 JSON 对象。"), code="scope_not_object")
    errors: list[ValidationError] = []
    clean: dict[str, list[str]] = {}
    for key in raw:
        if key not in SCOPE_KEYS:
            errors.append(
                ValidationError(
                    _("抽查对象范围含有未知的条件“%(key)s”，可用的条件为：%(keys)s。")
                    % {"key": key, "keys": pgettext("list separator", "、").join(SCOPE_KEYS)},
                    code="scope_unknown_key",
                )
            )
    for key, label in SCOPE_KEYS.items():
        try:
            codes = _code_list(key, raw.get(key))
        except ValidationError as exc:
            errors.append(exc)
            continue
        if not codes:
            continue
        known = _known_codes(key, codes)
        unknown = [c for c in codes if c not in known]
        if unknown:
            errors.append(
                ValidationError(
                    _("抽查对象范围的%(label)s（%(key)s）中，代码“%(codes)s”不存在或已停用。")
                    % {"label": label, "key": key, "codes": "”“".join(unknown)},
                    code="scope_unknown_code",
                )
            )
            continue
        clean[key] = codes
    if errors:
        raise ValidationError(errors)
    return clean


def _industry_ids(codes: list[str]) -> QuerySet[Industry]:
    return Industry.objects.filter(Q(code__in=codes) | Q(parent__code__in=codes)).values("id")


def _region_ids(codes: list[str]) -> QuerySet[Region]:
    # The region itself or any region whose ancestor (up to _REGION_DEPTH levels up) is named.
    condition = Q(code__in=codes)
    lookup = "parent"
    for _level in range(_REGION_DEPTH):
        condition |= Q(**{f"{lookup}__code__in": codes})
        lookup += "__parent"
    return Region.objects.filter(condition).values("id")


def inspectable_objects() -> QuerySet[InspectionObject]:
    """Objects that can be drawn at all: not retired and 存续."""
    return InspectionObject.objects.filter(retired_at__isnull=True, status=InspectionObject.Status.ACTIVE)


def apply_scope(queryset: QuerySet[InspectionObject], scope: Mapping[str, list[str]]) -> QuerySet[InspectionObject]:
    """Narrow ``queryset`` to the objects the (already validated) scope describes."""
    return queryset.filter(scope_q(scope))


def scope_q(scope: Mapping[str, list[str]], *, resolve: bool = False) -> Q:
    """The (already validated) scope as a condition on InspectionObject (``Q()`` when it does
    not restrict). EXISTS subqueries for the to-many keys, so no object appears twice.

    ``resolve`` looks the industry and region ids up first (a few dozen at most) and puts them
    in as a list: one query more, but over a province's 10^7 objects the planner then uses its
    statistics and the region index, where a subquery made it scan every row."""
    q = Q()
    if kinds := scope.get("kinds"):
        q &= Q(kind__in=kinds)
    if industries := scope.get("industries"):
        ids = _industry_ids(industries)
        q &= Q(industry_id__in=list(ids.values_list("id", flat=True)) if resolve else ids)
    if regions := scope.get("regions"):
        ids = _region_ids(regions)
        q &= Q(region_id__in=list(ids.values_list("id", flat=True)) if resolve else ids)
    if licences := scope.get("licences"):
        q &= Q(
            Exists(
                ObjectLicence.objects.filter(
                    inspection_object_id=OuterRef("pk"), kind__code__in=licences, retired_at__isnull=True
                )
            )
        )
    if tags := scope.get("tags"):
        through = InspectionObject.tags.through
        q &= Q(Exists(through.objects.filter(inspectionobject_id=OuterRef("pk"), tag__code__in=tags)))
    return q


def objects_in_scope(scope: Mapping[str, Any] | None) -> QuerySet[InspectionObject]:
    """The inspectable objects a scope matches now (validates the scope first)."""
    return apply_scope(inspectable_objects(), validate_scope(scope))


def scope_match_count(scope: Mapping[str, Any] | None) -> int:
    return objects_in_scope(scope).count()


@dataclass(frozen=True)
class ScopeCondition:
    key: str
    label: str
    values: list[str]


def describe_scope(scope: Mapping[str, Any] | None) -> list[ScopeCondition]:
    """The scope in words for pages and the printed checklist: one line per restricting key,
    codes resolved to names (a code no longer known is shown as it is)."""
    scope = scope or {}
    lines: list[ScopeCondition] = []
    for key, label in SCOPE_KEYS.items():
        codes = [c for c in scope.get(key) or [] if isinstance(c, str)]
        if not codes:
            continue
        if key == "kinds":
            names = {value: str(kind_label) for value, kind_label in InspectionObject.Kind.choices}
        elif key == "industries":
            names = {i.code: f"{i.code} {i.name}" for i in Industry.objects.filter(code__in=codes)}
        elif key == "licences":
            names = dict(LicenceKind.objects.filter(code__in=codes).values_list("code", "name"))
        elif key == "tags":
            names = dict(Tag.objects.filter(code__in=codes).values_list("code", "name"))
        else:
            names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        lines.append(ScopeCondition(key, str(label), [names.get(c, c) for c in codes]))
    return lines
