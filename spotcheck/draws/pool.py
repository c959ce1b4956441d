"""Building a task's pool from the directory, and explaining it.

The universe is every object the task's scope describes (whatever its status). Each object
either lands in exactly one stratum — the first, by position, whose filter it matches — or is
excluded with the first reason that applies, in this order: not 存续 or retired; outside the
scope of every item of the task; fails the task's pool filter; drawn for one of the same items
within the frequency cap (无事不扰); matches no stratum.

Object filters (the task's pool filter and each stratum's filter) are JSON objects; every key
is optional and the keys present must all hold:

    {"credit_levels": ["C", "D"], "risk_levels": ["high"], "abnormal_list": true,
     "serious_violation_list": false, "penalised_within_days": 365, "tags": ["key_supervision"],
     "annual_report": ["not_reported"], "drawn_within_days": 365, "drawn_recently": false}

``drawn_recently`` with ``drawn_within_days``: true keeps only objects drawn (by any task, any
item) in that many days, false only those not drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.catalog.scope_filter import apply_scope, validate_scope
from spotcheck.directory.models import InspectionObject, Penalty, Tag
from spotcheck.draws import engine
from spotcheck.draws.models import PoolExclusion, Task, Visit, VisitMember
from spotcheck.inspectors.models import Inspector, Recusal

Reason = PoolExclusion.Reason

# Put into the quals of the lead slot and of every inspector who may lead (可任组长), so the
# engine — and any verifier — enforces "the 组长 slot is filled by someone who can lead".
LEAD_QUAL = "可任组长"

_LIST_KEYS: dict[str, list[str] | None] = {
    "credit_levels": list(InspectionObject.CreditLevel.values),
    "risk_levels": list(InspectionObject.RiskLevel.values),
    "annual_report": list(InspectionObject.AnnualReport.values),
    "tags": None,  # checked against the Tag table
}
_BOOL_KEYS = ("abnormal_list", "serious_violation_list", "drawn_recently")
_DAY_KEYS = ("penalised_within_days", "drawn_within_days")


def validate_object_filter(raw: Mapping[str, Any] | None, label: str) -> dict[str, Any]:
    """The canonical form of an object filter; a ValidationError in Chinese names the key."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError(_("%(label)s应为一个 JSON 对象。") % {"label": label})
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _LIST_KEYS:
            if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError(_("%(label)s的“%(key)s”应为代码列表。") % {"label": label, "key": key})
            allowed = _LIST_KEYS[key]
            if allowed is None:
                allowed = list(Tag.objects.filter(code__in=value, is_active=True).values_list("code", flat=True))
            unknown = [v for v in value if v not in allowed]
            if unknown:
                raise ValidationError(
                    _("%(label)s的“%(key)s”含有未知的代码“%(codes)s”。")
                    % {"label": label, "key": key, "codes": "、".join(unknown)}
                )
            if value:
                clean[key] = sorted(set(value))
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ValidationError(_("%(label)s的“%(key)s”应为 true 或 false。") % {"label": label, "key": key})
            clean[key] = value
        elif key in _DAY_KEYS:
            if type(value) is not int or value < 1:
                raise ValidationError(_("%(label)s的“%(key)s”应为正整数（天）。") % {"label": label, "key": key})
            clean[key] = value
        else:
            raise ValidationError(_("%(label)s含有未知的条件“%(key)s”。") % {"label": label, "key": key})
    if "drawn_recently" in clean and "drawn_within_days" not in clean:
        clean["drawn_within_days"] = 365
    return clean


def _drawn_since(since: dt.datetime, item_ids: list[int] | None = None) -> Q:
    """Objects with a visit of a (not cancelled) drawn task since ``since``, optionally for one of
    the given items (InspectionItem ids, whatever the version)."""
    visits = Visit.objects.filter(
        inspection_object_id=OuterRef("pk"), task__status=Task.Status.DRAWN, task__draw__drawn_at__gte=since
    )
    if item_ids is not None:
        visits = visits.filter(task__items__item_id__in=item_ids)
    return Q(Exists(visits))


def filter_q(flt: Mapping[str, Any], now: dt.datetime) -> Q:
    """An (already validated) object filter as a database condition on InspectionObject."""
    q = Q()
    if levels := flt.get("credit_levels"):
        q &= Q(credit_level__in=levels)
    if levels := flt.get("risk_levels"):
        q &= Q(risk_level__in=levels)
    if statuses := flt.get("annual_report"):
        q &= Q(annual_report_status__in=statuses)
    if "abnormal_list" in flt:
        q &= Q(in_abnormal_list=flt["abnormal_list"])
    if "serious_violation_list" in flt:
        q &= Q(in_serious_violation_list=flt["serious_violation_list"])
    if tags := flt.get("tags"):
        through = InspectionObject.tags.through
        q &= Q(Exists(through.objects.filter(inspectionobject_id=OuterRef("pk"), tag__code__in=tags)))
    if days := flt.get("penalised_within_days"):
        since = timezone.localdate(now) - dt.timedelta(days=days)
        q &= Q(Exists(Penalty.objects.filter(inspection_object_id=OuterRef("pk"), decided_on__gte=since)))
    if "drawn_recently" in flt:
        drawn = _drawn_since(now - dt.timedelta(days=flt["drawn_within_days"]))
        q &= drawn if flt["drawn_recently"] else ~drawn
    return q


@dataclass
class BuiltPool:
    pool: dict[str, list[str]]  # stratum name → public ids in byte order
    object_ids: dict[str, int]  # public id → InspectionObject pk (pool members)
    exclusions: list[tuple[int, str, str]]  # (object pk, reason, detail)
    roster: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    slots: list[dict[str, Any]] = field(default_factory=list)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def build_pool(task: Task, now: dt.datetime) -> BuiltPool:
    """Pool, exclusions, roster and matching exclusions of ``task`` as of ``now``."""
    universe = apply_scope(InspectionObject.objects.all(), validate_scope(task.scope))
    versions = list(task.items.select_related("item"))
    item_ids = sorted({v.item_id for v in versions})
    in_item_scope = universe.none()
    for version in versions:
        in_item_scope = in_item_scope | apply_scope(universe, validate_scope(version.scope))
    in_scope = _ids(in_item_scope)
    inactive_ok = _ids(universe.filter(retired_at__isnull=True, status=InspectionObject.Status.ACTIVE))
    passes = _ids(universe.filter(filter_q(task.pool_filter, now)))
    capped = _ids(universe.filter(_drawn_since(now - dt.timedelta(days=task.frequency_cap_days), item_ids)))
    strata = list(task.strata.order_by("position"))
    stratum_ids = [_ids(universe.filter(filter_q(s.filter, now))) for s in strata]

    pool: dict[str, list[str]] = {s.name: [] for s in strata}
    object_ids: dict[str, int] = {}
    exclusions: list[tuple[int, str, str]] = []
    for pk, public_id, status in universe.values_list("pk", "public_code", "status").order_by("pk"):
        if pk not in inactive_ok:
            label = InspectionObject.Status(status).label if status in InspectionObject.Status.values else status
            exclusions.append((pk, Reason.INACTIVE, str(label)))
        elif pk not in in_scope:
            exclusions.append((pk, Reason.OUT_OF_SCOPE, ""))
        elif pk not in passes:
            exclusions.append((pk, Reason.FILTERED, ""))
        elif task.frequency_cap_days and pk in capped:
            exclusions.append((pk, Reason.FREQUENCY_CAP, _("%(days)s 天内") % {"days": task.frequency_cap_days}))
        else:
            home = next((s.name for s, ids in zip(strata, stratum_ids, strict=True) if pk in ids), None)
            if home is None:
                exclusions.append((pk, Reason.NO_STRATUM, ""))
            else:
                pool[home].append(public_id)
                object_ids[public_id] = pk
    for name in pool:
        pool[name] = engine.sort_ids(pool[name])
    built = BuiltPool(pool=pool, object_ids=object_ids, exclusions=exclusions)
    _build_roster(task, built, item_ids)
    return built


def _build_roster(task: Task, built: BuiltPool, item_ids: list[int]) -> None:
    lead = task.lead_slot
    built.slots = [
        {
            "name": s["name"],
            "dept": s["dept"],
            "quals": sorted([*s["quals"], *([LEAD_QUAL] if s["name"] == lead else [])]),
        }
        for s in task.slots
    ]
    departments = sorted({s["dept"] for s in task.slots})
    inspectors = (
        Inspector.objects.filter(Inspector.matchable_q(task.window_start), department__code__in=departments)
        .select_related("department")
        .prefetch_related("qualifications", "jurisdictions")
        .order_by("code")
    )
    by_pk: dict[int, str] = {}
    by_region: dict[int, list[str]] = {}
    for person in inspectors:
        quals = sorted({q.code for q in person.qualifications.all()} | ({LEAD_QUAL} if person.can_lead else set()))
        built.roster.append({"id": person.code, "dept": person.department.code, "quals": quals})
        by_pk[person.pk] = person.code
        for region in person.jurisdictions.all():
            by_region.setdefault(region.pk, []).append(person.code)
    public_of = {pk: public_id for public_id, pk in built.object_ids.items()}
    pairs: set[tuple[str, str]] = set()
    # Filtered in Python, not with IN (pool ids): a pool of 10^5 ids is past SQLite's limits.
    recusals = Recusal.objects.filter(ended_at__isnull=True, inspector_id__in=list(by_pk)).values_list(
        "inspection_object_id", "inspector_id"
    )
    pairs.update((public_of[o], by_pk[i]) for o, i in recusals if o in public_of)
    if task.exclude_last_inspector and item_ids:
        # The team of each object's most recent drawn visit for one of the same items.
        last_visit: dict[int, int] = {}
        visits = (
            Visit.objects.filter(task__status=Task.Status.DRAWN, task__items__item_id__in=item_ids)
            .order_by("inspection_object_id", "-task__draw__drawn_at", "-pk")
            .values_list("inspection_object_id", "pk")
        )
        for object_id, visit_id in visits:
            if object_id in public_of:
                last_visit.setdefault(object_id, visit_id)
        members = VisitMember.objects.filter(visit_id__in=list(last_visit.values())).values_list(
            "visit__inspection_object_id", "inspector_id"
        )
        pairs.update((public_of[o], by_pk[i]) for o, i in members if i in by_pk)
    if task.cross_office and by_region:
        regions = InspectionObject.objects.filter(region_id__in=list(by_region)).values_list("pk", "region_id")
        pairs.update((public_of[o], code) for o, region in regions if o in public_of for code in by_region[region])
    built.pairs = sorted(pairs)
