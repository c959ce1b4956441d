"""The object filter: one JSON language for "which inspection objects" (检查对象).

It says which objects an item version's target scope (抽查对象范围), a plan entry's or a task's
scope, a plan stratum (分层), a task's pool filter (对象库筛选条件) and a task stratum hold::

    {"kinds": ["enterprise"], "industries": ["H", "17"], "licences": ["food_business"],
     "tags": ["key_supervision"], "regions": ["320481"],
     "credit_levels": ["C", "D"], "risk_levels": ["high"], "annual_report": ["not_reported"],
     "abnormal_list": true, "serious_violation_list": false, "penalised_within_days": 365,
     "findings_within_days": 180,
     "drawn_recently": false, "drawn_within_days": 365,
     "any_of": [{"abnormal_list": true}, {"tags": ["key_supervision"]}]}

Every key is optional; a missing or empty key does not restrict; the keys present must all hold
(AND). The keys:

- code lists, the codes of one key being alternatives (OR): ``kinds`` (InspectionObject.Kind),
  ``industries`` (GB/T 4754: a 门类 letter stands for every 大类 under it), ``licences`` (licence
  kinds; a cancelled licence does not count), ``tags`` (分类标注: the object has any of them),
  ``regions`` (a 区划 and every 区划 below it: a county for all its towns), ``credit_levels``,
  ``risk_levels``, ``annual_report`` (年报状态);
- ``abnormal_list``, ``serious_violation_list``: true keeps the objects on the list (经营异常名录,
  严重违法失信名单), false those not on it;
- ``penalised_within_days``: an administrative penalty decided in that many days (1 to 3650);
- ``findings_within_days``: a standing 风险记录 (ObjectFinding: a problem an inspection found, by
  any department) dated in that many days (1 to 3650); a retired entry does not count;
- ``drawn_recently`` with ``drawn_within_days`` (365 when not given): true keeps the objects
  drawn, by any task for any item, in that many days, false those not drawn. The draws live in
  an app above this one, so whoever turns such a filter into a condition passes the draws'
  own ``drawn_since`` (``object_filter_q``);
- ``any_of``: two or more filters, none empty and none with an ``any_of`` of its own; at least
  one of them must hold (a plan stratum's "any of these flags").

Which use accepts which keys: a scope (an item version's, a plan entry's, a task's) only
``SCOPE_KEYS``; a plan stratum, a task's pool filter and a task stratum ``FILTER_KEYS``.

``validate_object_filter`` checks a filter and gives its canonical form (known keys only, code
lists sorted without repeats, empty keys dropped), ``object_filter_q`` turns it into a database
condition and ``describe_object_filters`` into words for pages. Only objects that are not retired
and 存续 are ever inspected (``inspectable_objects``); the filter itself does not ask, so that a
pool can give every other object its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from spotcheck.accounts.models import Region
from spotcheck.directory.models import (
    Industry,
    InspectionObject,
    LicenceKind,
    ObjectFinding,
    ObjectLicence,
    Penalty,
    Tag,
)

# Key → label, in the order of the pages and of the canonical form.
KEYS: dict[str, Any] = {
    "kinds": gettext_lazy("对象类型"),
    "industries": gettext_lazy("行业"),
    "licences": gettext_lazy("许可类别"),
    "tags": gettext_lazy("分类标注"),
    "regions": gettext_lazy("区划"),
    "credit_levels": gettext_lazy("信用等级"),
    "risk_levels": gettext_lazy("风险等级"),
    "annual_report": gettext_lazy("年报状态"),
    "abnormal_list": gettext_lazy("列入经营异常名录"),
    "serious_violation_list": gettext_lazy("列入严重违法失信名单"),
    "penalised_within_days": gettext_lazy("近期受过行政处罚"),
    "findings_within_days": gettext_lazy("近期有风险记录"),
    "drawn_recently": gettext_lazy("近期被抽中"),
    "drawn_within_days": gettext_lazy("被抽中期限"),
    "any_of": gettext_lazy("任一条件"),
}
SCOPE_KEYS: tuple[str, ...] = ("kinds", "industries", "licences", "tags", "regions")
FILTER_KEYS: tuple[str, ...] = (
    "tags",
    "credit_levels",
    "risk_levels",
    "annual_report",
    "abnormal_list",
    "serious_violation_list",
    "penalised_within_days",
    "findings_within_days",
    "drawn_recently",
    "drawn_within_days",
    "any_of",
)

DEFAULT_PENALTY_DAYS = 365
MAX_PENALTY_DAYS = 3650
MAX_FINDING_DAYS = 3650
DEFAULT_DRAWN_DAYS = 365

_CHOICES = {
    "kinds": InspectionObject.Kind,
    "credit_levels": InspectionObject.CreditLevel,
    "risk_levels": InspectionObject.RiskLevel,
    "annual_report": InspectionObject.AnnualReport,
}
_TABLES = {"industries", "licences", "tags", "regions"}
_BOOLEAN_FIELDS = {"abnormal_list": "in_abnormal_list", "serious_violation_list": "in_serious_violation_list"}
_DAY_LIMITS = {
    "penalised_within_days": MAX_PENALTY_DAYS,
    "findings_within_days": MAX_FINDING_DAYS,
    "drawn_within_days": None,
}

# Deep enough for province → city → county → town.
_REGION_DEPTH = 4

# Objects drawn since a moment, as a condition on InspectionObject (the draws app's).
DrawnSince = Callable[[dt.datetime], Q]


# ------------------------------------------------------------------------------- validation


def _problem(message: str, place: str, key: str, **more: Any) -> ValidationError:
    return ValidationError(message % {"place": place, "label": KEYS[key], "key": key, **more}, code="object_filter")


def _code_list(raw: Any, place: str, key: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str | Mapping) or not isinstance(raw, Iterable):
        raise _problem(_("%(place)s的%(label)s（%(key)s）应为代码列表。"), place, key)
    codes: set[str] = set()
    for value in raw:
        if not isinstance(value, str) or not value.strip():
            raise _problem(_("%(place)s的%(label)s（%(key)s）含有无效的代码“%(code)s”。"), place, key, code=value)
        codes.add(value.strip())
    return sorted(codes)


def _known_codes(key: str, codes: list[str]) -> set[str]:
    if key in _CHOICES:
        return set(_CHOICES[key].values) & set(codes)
    if key == "industries":
        return set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
    if key == "licences":
        return set(LicenceKind.objects.filter(code__in=codes).values_list("code", flat=True))
    if key == "tags":
        return set(Tag.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    return set(Region.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))


def _clean(raw: Any, place: str, keys: Collection[str], errors: list[ValidationError]) -> dict[str, Any]:
    """The canonical form of ``raw``; each problem is added to ``errors``."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors.append(ValidationError(_("%(label)s应为一个 JSON 对象。") % {"label": place}, code="object_filter"))
        return {}
    for key in raw:
        if key not in keys:
            known = pgettext("list separator", "、").join(k for k in KEYS if k in keys)
            errors.append(
                ValidationError(
                    _("%(place)s含有未知的条件“%(key)s”，可用的条件为：%(keys)s。")
                    % {"place": place, "key": key, "keys": known},
                    code="object_filter",
                )
            )
    clean: dict[str, Any] = {}
    for key in KEYS:
        value = raw.get(key)
        if key not in keys or value is None:
            continue
        try:
            if key in _CHOICES or key in _TABLES:
                codes = _code_list(value, place, key)
                if unknown := [c for c in codes if c not in _known_codes(key, codes)]:
                    raise _problem(
                        _("%(place)s的%(label)s（%(key)s）中，代码“%(codes)s”不存在或已停用。"),
                        place,
                        key,
                        codes="”“".join(unknown),
                    )
                if codes:
                    clean[key] = codes
            elif key in _BOOLEAN_FIELDS or key == "drawn_recently":
                if not isinstance(value, bool):
                    raise _problem(_("%(place)s的%(label)s（%(key)s）应为 true 或 false。"), place, key)
                clean[key] = value
            elif key in _DAY_LIMITS:
                limit = _DAY_LIMITS[key]
                if type(value) is not int or value < 1 or (limit is not None and value > limit):
                    if limit is None:
                        raise _problem(_("%(place)s的%(label)s（%(key)s）应为正整数（天）。"), place, key)
                    raise _problem(
                        _("%(place)s的%(label)s（%(key)s）应为 1 到 %(max)s 之间的天数。"), place, key, max=limit
                    )
                clean[key] = value
            else:  # any_of
                clean[key] = _alternatives(value, place, keys, errors)
        except ValidationError as exc:
            errors.append(exc)
    if "drawn_recently" in clean and "drawn_within_days" not in clean:
        clean["drawn_within_days"] = DEFAULT_DRAWN_DAYS
    return clean


def _alternatives(raw: Any, place: str, keys: Collection[str], errors: list[ValidationError]) -> list[dict[str, Any]]:
    # At least two (one alone is just a filter), not nested (one level says all a plan needs),
    # none empty (an empty alternative would take in everything).
    if isinstance(raw, str | Mapping) or not isinstance(raw, Sequence) or len(raw) < 2:
        raise _problem(_("%(place)s的%(label)s（%(key)s）应为至少两个条件的列表。"), place, "any_of")
    inner = [k for k in keys if k != "any_of"]
    alternatives = []
    for value in raw:
        problems: list[ValidationError] = []
        alternative = _clean(value, place, inner, problems)
        if not alternative and not problems:
            raise _problem(_("%(place)s的%(label)s（%(key)s）含有空条件。"), place, "any_of")
        errors.extend(problems)
        alternatives.append(alternative)
    return alternatives


def validate_object_filter(
    raw: Mapping[str, Any] | None, *, label: str, keys: Collection[str] = FILTER_KEYS
) -> dict[str, Any]:
    """Check a filter of one use — ``label`` names the place in the messages ("对象库筛选条件"),
    ``keys`` are those the use accepts — and return its canonical form; every problem is in
    the ValidationError, in Chinese, naming the key."""
    errors: list[ValidationError] = []
    clean = _clean(raw, label, keys, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def validate_scope(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """An item version's, plan entry's or task's scope (抽查对象范围): the scope keys only."""
    return validate_object_filter(raw, label=_("抽查对象范围"), keys=SCOPE_KEYS)


# ------------------------------------------------------------------------------- conditions


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


def object_filter_q(
    flt: Mapping[str, Any],
    *,
    now: dt.datetime | None = None,
    drawn_since: DrawnSince | None = None,
    resolve: bool = False,
) -> Q:
    """An (already validated) filter as a condition on InspectionObject, ``Q()`` when it does not
    restrict. ``now`` (default: now) dates ``penalised_within_days`` and ``drawn_recently``;
    ``drawn_since(moment)`` gives the objects drawn since then and must be passed for a filter
    that asks ``drawn_recently``.

    The to-many keys are subqueries, so no object appears twice; ``tags`` and the penalties as
    "pk IN (…)", which the database reads once as a hash even inside the pool's verdict CASE.
    ``resolve`` looks the industry and region ids up first (a few dozen at most) and puts them
    in as a list: one query more, but over a province's 10^7 objects the planner then uses its
    statistics and the region index, where a subquery made it scan every row."""
    now = now or timezone.now()
    q = Q()
    if kinds := flt.get("kinds"):
        q &= Q(kind__in=kinds)
    if industries := flt.get("industries"):
        ids = _industry_ids(industries)
        q &= Q(industry_id__in=list(ids.values_list("id", flat=True)) if resolve else ids)
    if regions := flt.get("regions"):
        ids = _region_ids(regions)
        q &= Q(region_id__in=list(ids.values_list("id", flat=True)) if resolve else ids)
    if licences := flt.get("licences"):
        q &= Q(
            Exists(
                ObjectLicence.objects.filter(
                    inspection_object_id=OuterRef("pk"), kind__code__in=licences, retired_at__isnull=True
                )
            )
        )
    if levels := flt.get("credit_levels"):
        q &= Q(credit_level__in=levels)
    if levels := flt.get("risk_levels"):
        q &= Q(risk_level__in=levels)
    if statuses := flt.get("annual_report"):
        q &= Q(annual_report_status__in=statuses)
    for key, field in _BOOLEAN_FIELDS.items():
        if key in flt:
            q &= Q(**{field: flt[key]})
    if tags := flt.get("tags"):
        through = InspectionObject.tags.through
        q &= Q(pk__in=through.objects.filter(tag__code__in=tags).values("inspectionobject_id"))
    if days := flt.get("penalised_within_days"):
        since = timezone.localdate(now) - dt.timedelta(days=days)
        q &= Q(pk__in=Penalty.objects.filter(decided_on__gte=since).values("inspection_object_id"))
    if days := flt.get("findings_within_days"):
        since = timezone.localdate(now) - dt.timedelta(days=days)
        standing = ObjectFinding.objects.filter(found_on__gte=since, retired_at__isnull=True)
        q &= Q(pk__in=standing.values("inspection_object_id"))
    if "drawn_recently" in flt:
        if drawn_since is None:
            raise TypeError("a filter with drawn_recently needs drawn_since (the draws app's)")
        recent = drawn_since(now - dt.timedelta(days=flt.get("drawn_within_days", DEFAULT_DRAWN_DAYS)))
        q &= recent if flt["drawn_recently"] else ~recent
    if alternatives := flt.get("any_of"):
        q &= reduce(or_, (object_filter_q(a, now=now, drawn_since=drawn_since, resolve=resolve) for a in alternatives))
    return q


def inspectable_objects() -> QuerySet[InspectionObject]:
    """Objects that can be inspected at all: not retired and 存续."""
    return InspectionObject.objects.filter(retired_at__isnull=True, status=InspectionObject.Status.ACTIVE)


def objects_in_scope(scope: Mapping[str, Any] | None) -> QuerySet[InspectionObject]:
    """The inspectable objects a scope matches now (validates the scope first)."""
    return inspectable_objects().filter(object_filter_q(validate_scope(scope)))


# ------------------------------------------------------------------------------------ words


@dataclass(frozen=True)
class Condition:
    """One condition in words: ``label`` and the names of its codes (none for a condition that
    is a phrase of its own, such as "列入经营异常名录")."""

    key: str
    label: str
    values: list[str]

    def __str__(self) -> str:
        if not self.values:
            return self.label
        return _("%(label)s：%(values)s") % {
            "label": self.label,
            "values": pgettext("list separator", "、").join(self.values),
        }


# Conditions that read as a mark an object carries: "任一标记：…" lists their phrases.
_MARKS = {
    "tags",
    "abnormal_list",
    "serious_violation_list",
    "penalised_within_days",
    "findings_within_days",
    "drawn_recently",
}


class _Names:
    """The names of the codes of many filters, read with one query per table."""

    def __init__(self, filters: Iterable[Mapping[str, Any]]) -> None:
        wanted: dict[str, set[str]] = {key: set() for key in _TABLES}
        pending = list(filters)
        while pending:
            flt = pending.pop()
            pending.extend(a for a in flt.get("any_of") or [] if isinstance(a, Mapping))
            for key in _TABLES:
                wanted[key] |= {c for c in flt.get(key) or [] if isinstance(c, str)}
        self.names: dict[str, dict[str, str]] = {key: {} for key in _TABLES}
        if codes := wanted["industries"]:
            self.names["industries"] = {i.code: f"{i.code} {i.name}" for i in Industry.objects.filter(code__in=codes)}
        if codes := wanted["licences"]:
            self.names["licences"] = dict(LicenceKind.objects.filter(code__in=codes).values_list("code", "name"))
        if codes := wanted["tags"]:
            self.names["tags"] = dict(Tag.objects.filter(code__in=codes).values_list("code", "name"))
        if codes := wanted["regions"]:
            self.names["regions"] = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))

    def of(self, key: str, codes: list[str]) -> list[str]:
        """The codes' names (a code no longer known is shown as it is); choices in their order."""
        if key in _CHOICES:
            labels = dict(_CHOICES[key].choices)
            return [str(labels[c]) for c in labels if c in codes] + [c for c in codes if c not in labels]
        return [self.names[key].get(c, c) for c in codes]


def _describe(flt: Mapping[str, Any], names: _Names) -> list[Condition]:
    lines: list[Condition] = []
    for key, label in KEYS.items():
        if key not in flt:
            continue
        value = flt[key]
        if key in _CHOICES or key in _TABLES:
            codes = [c for c in value or [] if isinstance(c, str)]
            if codes:
                lines.append(Condition(key, str(label), names.of(key, codes)))
        elif key == "abnormal_list":
            lines.append(Condition(key, str(label) if value else _("未列入经营异常名录"), []))
        elif key == "serious_violation_list":
            lines.append(Condition(key, str(label) if value else _("未列入严重违法失信名单"), []))
        elif key == "penalised_within_days":
            lines.append(Condition(key, _("%(days)s 天内受过行政处罚") % {"days": value}, []))
        elif key == "findings_within_days":
            lines.append(Condition(key, _("%(days)s 天内检查发现过问题") % {"days": value}, []))
        elif key == "drawn_recently":
            days = flt.get("drawn_within_days", DEFAULT_DRAWN_DAYS)
            phrase = _("%(days)s 天内被抽中过") if value else _("%(days)s 天内未被抽中")
            lines.append(Condition(key, phrase % {"days": days}, []))
        elif key == "any_of" and value:
            lines.append(_describe_alternatives([_describe(a, names) for a in value]))
    return lines


def _describe_alternatives(alternatives: list[list[Condition]]) -> Condition:
    # A mark alone is a phrase ("列入经营异常名录", a tag's name); anything else goes in
    # brackets, so that its own lists do not run into the list of alternatives. Marks alone
    # read as the plan's flags always have: "任一标记：列入经营异常名录、重点监管".
    marks = [len(a) == 1 and a[0].key in _MARKS for a in alternatives]
    clause, separator = pgettext("clause separator", "；"), pgettext("list separator", "、")
    words = [
        separator.join(a[0].values) or a[0].label
        if mark
        else pgettext("grouping", "（%(v)s）") % {"v": clause.join(map(str, a))}
        for a, mark in zip(alternatives, marks, strict=True)
    ]
    return Condition("any_of", _("任一标记") if all(marks) else str(KEYS["any_of"]), words)


def describe_object_filters(filters: Iterable[Mapping[str, Any] | None]) -> list[list[Condition]]:
    """Each filter in words, one Condition per restricting key (none for an empty filter), the
    codes resolved to names with one query per table for all the filters."""
    filters = [flt or {} for flt in filters]
    names = _Names(filters)
    return [_describe(flt, names) for flt in filters]


def describe_object_filter(flt: Mapping[str, Any] | None) -> list[Condition]:
    """One filter in words (``describe_object_filters``)."""
    return describe_object_filters([flt])[0]
