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
     "annual_report": ["not_reported"], "drawn_within_days": 365, "drawn_recently": false,
     "any_of": [{"abnormal_list": true}, {"tags": ["key_supervision"]}]}

``any_of`` holds when at least one of its filters (each with the rules above) does.

``drawn_recently`` with ``drawn_within_days``: true keeps only objects drawn (by any task, any
item) in that many days, false only those not drawn.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.catalog.scope_filter import scope_q, validate_scope
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


def validate_object_filter(raw: Mapping[str, Any] | None, label: str, *, nested: bool = False) -> dict[str, Any]:
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
        elif key == "any_of" and not nested:
            # Alternatives (a plan stratum's "any of these flags"): at least two, each itself a
            # filter whose keys must all hold, none empty (an empty one would take in everything).
            if not isinstance(value, list) or len(value) < 2:
                raise ValidationError(_("%(label)s的“any_of”应为至少两个条件的列表。") % {"label": label})
            alternatives = [validate_object_filter(v, label, nested=True) for v in value]
            if not all(alternatives):
                raise ValidationError(_("%(label)s的“any_of”含有空条件。") % {"label": label})
            clean[key] = alternatives
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
    if alternatives := flt.get("any_of"):
        q &= reduce(or_, (filter_q(alternative, now) for alternative in alternatives))
    return q


@dataclass
class BuiltPool:
    pool: dict[str, list[str]]  # stratum name → public ids in byte order
    exclusions: list[tuple[int, str, str]]  # (object pk, reason, detail)
    roster: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    slots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def member_count(self) -> int:
        return sum(len(ids) for ids in self.pool.values())

    def is_member(self, public_id: str) -> bool:
        # Each stratum's ids are sorted: a binary search, not a set of 10^7 strings.
        for ids in self.pool.values():
            k = bisect_left(ids, public_id)
            if k < len(ids) and ids[k] == public_id:
                return True
        return False


# A verdict is a stratum (this prefix and its position) or an exclusion reason.
_STRATUM = "stratum:"
_EVERYTHING = Q(pk__isnull=False)


def _verdict(task: Task, now: dt.datetime, versions: list, item_ids: list[int], strata: list) -> Case:
    """Each object's fate as one SQL expression, first rule that applies wins (see the module
    docstring): the database decides for every object in one pass, however many there are."""
    whens = [When(~Q(retired_at__isnull=True, status=InspectionObject.Status.ACTIVE), then=Value(Reason.INACTIVE))]
    item_scopes = [scope_q(validate_scope(v.scope), resolve=True) for v in versions]
    # An item whose scope does not restrict takes in everything; no item takes in nothing.
    if not item_scopes:
        whens.append(When(_EVERYTHING, then=Value(Reason.OUT_OF_SCOPE)))
    elif all(item_scopes):
        whens.append(When(~reduce(or_, item_scopes), then=Value(Reason.OUT_OF_SCOPE)))
    if pool_q := filter_q(task.pool_filter, now):
        whens.append(When(~pool_q, then=Value(Reason.FILTERED)))
    if task.frequency_cap_days and item_ids:
        capped = _drawn_since(now - dt.timedelta(days=task.frequency_cap_days), item_ids)
        whens.append(When(capped, then=Value(Reason.FREQUENCY_CAP)))
    for position, stratum in enumerate(strata):
        whens.append(When(filter_q(stratum.filter, now) or _EVERYTHING, then=Value(f"{_STRATUM}{position}")))
    return Case(*whens, default=Value(Reason.NO_STRATUM), output_field=CharField())


def _judge(judged, strata: list) -> tuple[dict[str, list[str]], list[tuple[int, str, str]]]:
    """Every stratum's public ids in byte order and every excluded object as ``(pk, reason,
    status)``, from one pass over the directory. On PostgreSQL the database sorts
    (``COLLATE "C"``) and sends each verdict's objects as one text value: a province's pool is
    10^7 ids, and one Python object per row would cost more than the sort."""
    by_verdict: dict[str, list[str]] = {}
    excluded: list[tuple[int, str, str]] = []
    if connection.vendor == "postgresql":
        sql, params = judged.values_list("verdict", "public_code", "id", "status").query.sql_with_params()
        with connection.cursor() as cursor:
            # The sort of a large pool stays in memory (transaction-local).
            cursor.execute("SET LOCAL work_mem = '1GB'")
            cursor.execute(
                # Pool members as their ids, excluded objects as "pk,status".
                "SELECT s.verdict, string_agg(CASE WHEN s.verdict LIKE %s THEN s.public_code "  # noqa: S608
                "ELSE s.id || ',' || s.status END, E'\\n' ORDER BY s.public_code COLLATE \"C\") "
                f"FROM ({sql}) AS s GROUP BY s.verdict",
                [f"{_STRATUM}%", *params],
            )
            for verdict, text in cursor.fetchall():
                if verdict.startswith(_STRATUM):
                    by_verdict[verdict] = text.split("\n")
                else:
                    for line in text.split("\n"):
                        pk, status = line.split(",", 1)
                        excluded.append((int(pk), verdict, status))
    else:
        for verdict, public_id, pk, status in judged.values_list("verdict", "public_code", "id", "status"):
            if verdict.startswith(_STRATUM):
                by_verdict.setdefault(verdict, []).append(public_id)
            else:
                excluded.append((pk, verdict, status))
        by_verdict = {verdict: engine.sort_ids(ids) for verdict, ids in by_verdict.items()}
    pool = {stratum.name: by_verdict.get(f"{_STRATUM}{position}", []) for position, stratum in enumerate(strata)}
    return pool, sorted(excluded)


def build_pool(task: Task, now: dt.datetime) -> BuiltPool:
    """Pool, exclusions, roster and matching exclusions of ``task`` as of ``now``."""
    versions = list(task.items.select_related("item"))
    item_ids = sorted({v.item_id for v in versions})
    strata = list(task.strata.order_by("position"))
    judged = InspectionObject.objects.filter(scope_q(validate_scope(task.scope), resolve=True)).annotate(
        verdict=_verdict(task, now, versions, item_ids, strata)
    )
    pool, excluded = _judge(judged, strata)
    detail_of_cap = _("%(days)s 天内") % {"days": task.frequency_cap_days}
    statuses = dict(InspectionObject.Status.choices)
    exclusions: list[tuple[int, str, str]] = []
    for pk, verdict, status in excluded:
        if verdict == Reason.INACTIVE:
            detail = str(statuses.get(status, status))
        elif verdict == Reason.FREQUENCY_CAP:
            detail = detail_of_cap
        else:
            detail = ""
        exclusions.append((pk, verdict, detail))
    built = BuiltPool(pool=pool, exclusions=exclusions)
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
    pairs: set[tuple[str, str]] = set()
    # Only pool members count; membership is looked up in the sorted pool, not with an IN list
    # of the pool's ids (10^5 of them are past SQLite's limits, 10^7 past anybody's).
    recusals = Recusal.objects.filter(ended_at__isnull=True, inspector_id__in=list(by_pk)).values_list(
        "inspection_object__public_code", "inspector_id"
    )
    pairs.update((o, by_pk[i]) for o, i in recusals if built.is_member(o))
    if task.exclude_last_inspector and item_ids:
        # The team of each object's most recent drawn visit for one of the same items.
        last_visit: dict[str, int] = {}
        visits = (
            Visit.objects.filter(task__status=Task.Status.DRAWN, task__items__item_id__in=item_ids)
            .order_by("inspection_object_id", "-task__draw__drawn_at", "-pk")
            .values_list("public_id", "pk")
        )
        for public_id, visit_id in visits:
            if built.is_member(public_id):
                last_visit.setdefault(public_id, visit_id)
        members = VisitMember.objects.filter(visit_id__in=list(last_visit.values())).values_list(
            "visit__public_id", "inspector_id"
        )
        pairs.update((o, by_pk[i]) for o, i in members if i in by_pk)
    if task.cross_office and by_region:
        regions = InspectionObject.objects.filter(region_id__in=list(by_region)).values_list("public_code", "region_id")
        pairs.update((o, code) for o, region in regions if built.is_member(o) for code in by_region[region])
    built.pairs = sorted(pairs)
