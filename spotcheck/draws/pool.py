"""Building a task's pool from the directory, and explaining it.

The universe is every object the task's scope describes (whatever its status). Each object
either lands in exactly one stratum — the first, by position, whose filter it matches — or is
excluded with the first reason that applies, in this order: not 存续 or retired; outside the
scope of every item of the task; fails the task's pool filter; drawn for one of the same items
within the frequency cap (无事不扰); drawn as often in the past year as the region's yearly cap
allows, by any department for any item (无事不扰, ``frequency.py``); inspected on site by one
of the task's departments as often in the past year as that department's cap allows (无事不扰
per body, ``onsite.py``); matches no stratum.

The task's pool filter and each stratum's filter are object filters
(``spotcheck.directory.object_filter``); this module hands them the sets of drawn objects
(``drawn_recently``) and reads those sets as a large pool needs (``DrawnSets``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from spotcheck.directory.models import InspectionObject
from spotcheck.directory.object_filter import object_filter_q, validate_scope
from spotcheck.draws import frequency, onsite, pool_parallel
from spotcheck.draws.idlist import IdList
from spotcheck.draws.models import FrozenStratum, PoolExclusionGroup, Task, Visit, VisitMember
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Inspector, Recusal

Reason = PoolExclusionGroup.Reason

# Put into the quals of the lead slot and of every inspector who may lead (可任组长), so the
# engine — and any verifier — enforces "the 组长 slot is filled by someone who can lead".
LEAD_QUAL = "可任组长"


@dataclass(frozen=True)
class DrawnSets:
    """How a pool's verdict reads the sets of drawn objects (frequency caps, "drawn recently").

    ``within``: only the visits of these objects — a small pool's scope, so that a county's
    pool in a province's database does not group a year of the whole province's visits.
    ``materialise``: the ids are read once, here, and handed to the statements as a list
    (``objects_among``)."""

    within: QuerySet | None = None
    materialise: bool = False


_ALL_VISITS = DrawnSets()


def _drawn_since(since: dt.datetime, item_ids: list[int] | None = None, *, drawn: DrawnSets = _ALL_VISITS) -> Q:
    """Objects with a visit of a (not cancelled) drawn task since ``since``, optionally for one of
    the given items (InspectionItem ids, whatever the version)."""
    visits = Visit.objects.filter(task__status=Task.Status.DRAWN, task__draw__drawn_at__gte=since)
    if item_ids is not None:
        visits = visits.filter(task__items__item_id__in=item_ids)
    return objects_among(visits.values("inspection_object_id"), drawn=drawn)


# The base table's own name is its alias in the pool's query (no join renames it).
_PK_IN_LIST = '"directory_inspectionobject"."id" IN (SELECT unnest(string_to_array(%s, \',\')::bigint[]))'


def objects_among(object_ids: QuerySet, *, drawn: DrawnSets = _ALL_VISITS) -> Q:
    """Objects whose pk ``object_ids`` (a one-column values() queryset of visits'
    ``inspection_object_id``) gives.

    "pk IN (subquery)", not a correlated EXISTS: inside the verdict's CASE, PostgreSQL runs an
    EXISTS once per object (10^7 times for a province) but an IN list once, as a hash table.
    Once per statement, though, and a pool read in parallel is read by one statement per range
    of codes: ``materialise`` reads the ids once, here, and hands each range the list, which
    PostgreSQL hashes (a hashed subplan) instead of recomputing a year of draws."""
    if drawn.within is not None:
        object_ids = object_ids.filter(inspection_object_id__in=drawn.within.values("pk"))
    if not drawn.materialise:
        return Q(pk__in=object_ids)
    statement, params = object_ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '1GB'")  # a year of draws, grouped in memory (transaction-local)
        cursor.execute(statement, params)
        ids = ",".join(str(pk) for (pk,) in cursor.fetchall())
    # One text, not a list: 10^6 ids as an array parameter cost more to send than to use.
    return Q(RawSQL(_PK_IN_LIST, [ids], output_field=BooleanField()))  # noqa: S611 (a constant; the ids are a parameter)


def filter_q(flt: Mapping[str, Any], now: dt.datetime, *, drawn: DrawnSets = _ALL_VISITS) -> Q:
    """An (already validated) object filter as a database condition on InspectionObject, with the
    draws' sets of drawn objects (``drawn``: how they are read)."""
    return object_filter_q(flt, now=now, drawn_since=partial(_drawn_since, drawn=drawn))


@dataclass
class BuiltPool:
    """A frozen pool: its strata (stored as FrozenStratum rows by ``freeze_pool``) with their
    counts and digests, the groups of excluded objects, the roster and the matching
    exclusions."""

    task: Task
    strata: list[tuple[str, int, str]]  # (name, count, stratum digest), in the task's order
    excluded: list[tuple[str, str, bytes]]  # (reason, detail, packed pks: PoolExclusionGroup)
    roster: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    slots: list[dict[str, Any]] = field(default_factory=list)
    _members: dict[str, IdList] | None = None

    @property
    def member_count(self) -> int:
        return sum(count for _name, count, _digest in self.strata)

    @property
    def members(self) -> dict[str, IdList]:
        """Stratum name → ids, read back from the stored strata when first asked for."""
        if self._members is None:
            self._members = FrozenStratum.id_lists(self.task.pk)
        return self._members

    def is_member(self, public_id: str) -> bool:
        # Each stratum's ids are sorted: a binary search, not a set of 10^7 strings.
        for ids in self.members.values():
            k = bisect_left(ids, public_id)
            if k < len(ids) and ids[k] == public_id:
                return True
        return False


class Verdicts:
    """The verdicts of one freeze. A verdict is a number: a stratum's position (0, 1, …) or,
    below zero, one kind of exclusion — a reason and its detail (-1 the first kind added, -2
    the next …). Numbers, not text: the database compares a province's 10^7 verdicts several
    times each."""

    def __init__(self) -> None:
        self.kinds: list[tuple[str, str]] = []  # (reason, detail) of verdict -1, -2, …

    def exclude(self, reason: str, detail: str = "") -> Value:
        self.kinds.append((reason, str(detail)))
        return Value(-len(self.kinds))


_EVERYTHING = Q(pk__isnull=False)


def _verdict(
    task: Task,
    now: dt.datetime,
    versions: list,
    item_ids: list[int],
    strata: list,
    yearly_cap: int | None,
    verdicts: Verdicts,
    drawn: DrawnSets,
    onsite_caps: Sequence[tuple[Any, int]] = (),
) -> Case:
    """Each object's fate as one SQL expression, first rule that applies wins (see the module
    docstring): the database decides for every object in one pass, however many there are.
    ``drawn``: how the sets of drawn objects are read (``DrawnSets``)."""
    Status = InspectionObject.Status
    # Not 存续 (with the status as the detail), else retired (停用). Asked after one test that
    # nearly every object passes (存续 and not retired), not before the rules below.
    inactive = [
        When(status=value, then=verdicts.exclude(Reason.INACTIVE, label))
        for value, label in Status.choices
        if value != Status.ACTIVE
    ]
    retired = verdicts.exclude(Reason.INACTIVE, _("已停用"))
    whens = []
    item_scopes = [object_filter_q(validate_scope(v.scope), resolve=True) for v in versions]
    # An item whose scope does not restrict takes in everything; no item takes in nothing.
    if not item_scopes:
        whens.append(When(_EVERYTHING, then=verdicts.exclude(Reason.OUT_OF_SCOPE)))
    elif all(item_scopes):
        whens.append(When(~reduce(or_, item_scopes), then=verdicts.exclude(Reason.OUT_OF_SCOPE)))
    if pool_q := filter_q(task.pool_filter, now, drawn=drawn):
        whens.append(When(~pool_q, then=verdicts.exclude(Reason.FILTERED)))
    if task.frequency_cap_days and item_ids:
        capped = _drawn_since(now - dt.timedelta(days=task.frequency_cap_days), item_ids, drawn=drawn)
        detail = _("%(days)s 天内") % {"days": task.frequency_cap_days}
        whens.append(When(capped, then=verdicts.exclude(Reason.FREQUENCY_CAP, detail)))
    if yearly_cap:
        at_cap = objects_among(frequency.objects_at_yearly_cap(yearly_cap, now), drawn=drawn)
        detail = _("近 365 天内已被抽中 %(n)s 次及以上") % {"n": yearly_cap}
        whens.append(When(at_cap, then=verdicts.exclude(Reason.YEARLY_CAP, detail)))
    for department, cap in onsite_caps:
        at_cap = objects_among(onsite.objects_at_onsite_cap(department.pk, cap, now), drawn=drawn)
        detail = _("%(department)s：近 365 天内现场检查 %(n)s 次及以上") % {
            "department": department.short_name,
            "n": cap,
        }
        whens.append(When(at_cap, then=verdicts.exclude(Reason.ONSITE_CAP, detail)))
    for position, stratum in enumerate(strata):
        whens.append(When(filter_q(stratum.filter, now, drawn=drawn) or _EVERYTHING, then=Value(position)))
    judged = Case(*whens, default=verdicts.exclude(Reason.NO_STRATUM), output_field=IntegerField())
    return Case(
        When(Q(status=Status.ACTIVE, retired_at__isnull=True), then=judged),
        *inactive,
        default=retired,  # 存续 but retired: the one case left
        output_field=IntegerField(),
    )


def _yearly_cap(task: Task) -> int | None:
    rule = frequency.rule_for(task.lead_department.region_id)
    return rule.max_draws_per_year if rule is not None else None


def _onsite_caps(task: Task) -> list[tuple[Any, int]]:
    """(department, cap) of each department of the task that has a cap on on-site inspections:
    a department not on the task is not asked."""
    departments = onsite.task_departments(task)
    caps = onsite.caps_for(d.pk for d in departments)
    return [(d, caps[d.pk]) for d in departments if caps[d.pk] is not None]


def _groups(verdicts: Verdicts, blobs: Sequence[bytes | memoryview | None]) -> list[tuple[str, str, bytes]]:
    """(reason, detail, packed pks) of each kind of exclusion that left objects out; ``blobs``
    in the order of the kinds (verdict -1, -2, …)."""
    return [(reason, detail, bytes(blob)) for (reason, detail), blob in zip(verdicts.kinds, blobs, strict=True) if blob]


def _freeze_in_python(task: Task, judged, strata: list, verdicts: Verdicts) -> BuiltPool:
    """SQLite (a county at most): one row per object, sorted and hashed here."""
    by_verdict: dict[int, list[str]] = {}
    excluded: dict[int, list[tuple[bytes, int]]] = {}
    for verdict, public_id, pk in judged.values_list("verdict", "public_code", "id"):
        if verdict >= 0:
            by_verdict.setdefault(verdict, []).append(public_id)
        else:
            excluded.setdefault(verdict, []).append((public_id.encode(), pk))
    summaries, rows, members = [], [], {}
    for position, stratum in enumerate(strata):
        ids = engine.sort_ids(by_verdict.get(position, []))
        summaries.append((stratum.name, len(ids), engine.stratum_digest(stratum.name, ids)))
        members[stratum.name] = IdList.of(ids)
        rows.append(FrozenStratum(task=task, position=position, name=stratum.name, count=len(ids), ids="\n".join(ids)))
    FrozenStratum.objects.bulk_create(rows)
    blobs = [
        PoolExclusionGroup.pack(pk for _code, pk in sorted(excluded.get(-1 - k, [])))
        for k in range(len(verdicts.kinds))
    ]
    return BuiltPool(task=task, strata=summaries, excluded=_groups(verdicts, blobs), _members=members)


_FREEZE_SQL = """
WITH gathered AS (
    SELECT {columns} FROM ({judged}) AS s
), stored AS (
    INSERT INTO draws_frozenstratum (task_id, position, name, part, count, ids)
    SELECT %s, v.position, v.name, 0, v.count, coalesce(v.ids, '')
      FROM gathered, LATERAL (VALUES {values}) AS v (position, name, count, ids)
    RETURNING position, count,
              encode(sha256(convert_to('SC-POOL-1' || E'\\n' || name || E'\\n' || ids
                                       || CASE WHEN count > 0 THEN E'\\n' ELSE '' END, 'UTF8')), 'hex') AS digest
)
SELECT (SELECT array_agg(ARRAY[position, count]::text[] || digest ORDER BY position) FROM stored), {excluded}
  FROM gathered
"""


def _freeze_in_postgresql(task: Task, judged, strata: list, verdicts: Verdicts, workers: int) -> BuiltPool:
    """PostgreSQL (a province: 10^7 objects): one statement reads the objects in byte order
    (an index-only scan of ``object_code_bytes_idx``, directory migration 0008), gathers each
    stratum's ids into one text and each kind of exclusion's pks into one value
    (``pool_parallel.gather_columns``), stores the strata and returns their counts and
    SC-POOL-1 digests — no row per object crosses to Python. A large pool is read over
    ``workers`` connections instead (``_freeze_in_parallel``) when there are. The public codes
    are canonical strings (the directory refuses others on every write: ``canonical_text``),
    so they are not checked again here."""
    if workers and (parallel := _freeze_in_parallel(task, judged, strata, verdicts, workers)):
        return parallel
    sql, params = (
        judged.values_list("verdict", "public_code", "id").order_by(Collate("public_code", "C")).query.sql_with_params()
    )
    values = ", ".join(f"({p}, %s::text, c{p}, i{p})" for p in range(len(strata)))
    columns = pool_parallel.gather_columns(len(strata), len(verdicts.kinds))
    excluded = ", ".join(f"x{k}" for k in range(len(verdicts.kinds)))
    statement = _FREEZE_SQL.format(columns=columns, judged=sql, values=values, excluded=excluded)
    with connection.cursor() as cursor:
        # The gathered texts stay in memory (transaction-local).
        cursor.execute("SET LOCAL work_mem = '1GB'")
        cursor.execute(statement, [*params, task.pk, *(stratum.name for stratum in strata)])
        stored, *blobs = cursor.fetchone()
    summaries = [(strata[int(position)].name, int(count), digest) for position, count, digest in stored]
    return BuiltPool(task=task, strata=summaries, excluded=_groups(verdicts, blobs))


def _parallel_workers(scoped) -> int:
    """How many connections read the pool of ``scoped`` (the objects in a task's scope): 0 for
    one statement. A large scope is read by several at once (``pool_parallel``), never inside
    a savepoint: a snapshot cannot be exported from a subtransaction."""
    workers = settings.SPOTCHECK_FREEZE_WORKERS
    if connection.vendor != "postgresql" or workers < 2 or connection.savepoint_ids or not connection.in_atomic_block:
        return 0
    # The scope's size, not the directory's: a county's pool in a province's directory is
    # quicker from the region index in one statement than from ranges of the whole code index.
    if pool_parallel.estimated_rows(scoped) < settings.SPOTCHECK_FREEZE_PARALLEL_ROWS:
        return 0
    return workers


def _freeze_in_parallel(task: Task, judged, strata: list, verdicts: Verdicts, workers: int) -> BuiltPool | None:
    frozen = pool_parallel.freeze_in_parallel(task.pk, judged, strata, len(verdicts.kinds), workers)
    if frozen is None:
        return None
    counted, blobs = frozen
    summaries = [(stratum.name, count, digest) for stratum, (count, digest) in zip(strata, counted, strict=True)]
    return BuiltPool(task=task, strata=summaries, excluded=_groups(verdicts, blobs))


def scope_size(task: Task) -> int:
    """About how many objects ``task``'s scope holds: PostgreSQL's planner estimate (nothing is
    read, so it costs the same for a province), a count elsewhere."""
    in_scope = InspectionObject.objects.filter(object_filter_q(validate_scope(task.scope), resolve=True))
    if connection.vendor == "postgresql":
        return pool_parallel.estimated_rows(in_scope)
    return in_scope.count()


def freeze_pool(task: Task, now: dt.datetime) -> BuiltPool:
    """Judge every object of ``task``'s scope as of ``now``, store the strata (FrozenStratum)
    and return them with the groups of excluded objects, the roster and the matching
    exclusions."""
    versions = list(task.items.select_related("item"))
    item_ids = sorted({v.item_id for v in versions})
    strata = list(task.strata.order_by("position"))
    yearly_cap = _yearly_cap(task)
    scoped = InspectionObject.objects.filter(object_filter_q(validate_scope(task.scope), resolve=True))
    workers = _parallel_workers(scoped)
    verdicts = Verdicts()
    # A large pool's ranges take the drawn sets as lists; a small one reads the visits of its
    # own scope only.
    drawn = DrawnSets(materialise=True) if workers else DrawnSets(within=scoped)
    onsite_caps = _onsite_caps(task)
    judged = scoped.annotate(
        verdict=_verdict(task, now, versions, item_ids, strata, yearly_cap, verdicts, drawn, onsite_caps)
    )
    if connection.vendor == "postgresql":
        built = _freeze_in_postgresql(task, judged, strata, verdicts, workers)
    else:
        built = _freeze_in_python(task, judged, strata, verdicts)
    _build_roster(task, built, item_ids)
    return built


def engine_slots(slots: Sequence[Mapping[str, Any]], lead_slot: str) -> list[dict[str, Any]]:
    """A task's slots as the engine takes them: the lead slot also asks for LEAD_QUAL."""
    return [
        {
            "name": s["name"],
            "dept": s["dept"],
            "quals": sorted([*s["quals"], *([LEAD_QUAL] if s["name"] == lead_slot else [])]),
        }
        for s in slots
    ]


def roster_on(department_codes: Sequence[str], day: dt.date) -> tuple[QuerySet, dict[int, str], list[dict[str, Any]]]:
    """The inspectors of the departments matchable on ``day``: their queryset, pk → public code,
    and the engine's roster (id order; LEAD_QUAL for those who may lead)."""
    # Plain rows, not model instances: a province's roster is thousands of inspectors.
    inspectors = Inspector.objects.filter(Inspector.matchable_q(day), department__code__in=list(department_codes))
    people = list(inspectors.order_by("code").values_list("pk", "code", "department__code", "can_lead"))
    quals_of: dict[int, set[str]] = {}
    for pk, code in Inspector.qualifications.through.objects.filter(inspector__in=inspectors).values_list(
        "inspector_id", "qualification__code"
    ):
        quals_of.setdefault(pk, set()).add(code)
    roster = [
        {"id": code, "dept": dept, "quals": sorted(quals_of.get(pk, set()) | ({LEAD_QUAL} if can_lead else set()))}
        for pk, code, dept, can_lead in people
    ]
    return inspectors, {pk: code for pk, code, _dept, _lead in people}, roster


def _about_how_many(objects: QuerySet) -> int:
    """A count, or for a pool too large to count on a page view (a background job's size) the
    PostgreSQL planner's estimate."""
    if connection.vendor == "postgresql":
        estimate = pool_parallel.estimated_rows(objects)
        if estimate >= settings.SPOTCHECK_CEREMONY_JOB_OBJECTS:
            return estimate
    return objects.count()


def estimated_targets(scope: Mapping[str, Any], strata: Sequence[Mapping[str, Any]], now: dt.datetime) -> int:
    """About how many targets strata (``filter``, ``ratio``, ``minimum``, ``maximum``) draw from
    the 存续 objects of ``scope``, each object in the first stratum it matches. An upper
    estimate: the frequency caps and item scopes the freeze applies are left out."""
    in_scope = InspectionObject.objects.filter(
        object_filter_q(validate_scope(scope), resolve=True), status=InspectionObject.Status.ACTIVE
    )
    earlier: list[Q] = []
    total = 0
    for stratum in strata:
        condition = filter_q(stratum.get("filter") or {}, now)
        members = in_scope.filter(condition)
        if earlier:
            members = members.exclude(reduce(or_, earlier))
        earlier.append(condition)
        count = _about_how_many(members)
        total += engine.sample_size(count, stratum["ratio"], stratum.get("minimum"), stratum.get("maximum"))
    return total


def proposed_cap(
    *,
    scope: Mapping[str, Any],
    strata: Sequence[Mapping[str, Any]],
    slots: Sequence[Mapping[str, Any]],
    lead_slot: str,
    day: dt.date,
    now: dt.datetime,
    item_ids: Sequence[int] = (),
) -> int:
    """The 每名检查人员的任务上限 a new task's form proposes: the smallest cap with which the
    teams can be filled whatever the seed (engine.match_feasibility), for the estimated number
    of targets and today's roster. The freeze checks it again with the frozen pool, roster and
    exclusions. When no cap helps (too few inspectors) the number of targets, which never binds."""
    targets = estimated_targets(scope, strata, now)
    inspectors, by_pk, roster = roster_on(sorted({s["dept"] for s in slots}), day)
    # The exclusions the freeze will find by default (recusals, the last visit's team; no
    # 所所交叉), for every object rather than the pool's: more pairs can only raise the cap, so
    # the frozen task is feasible with it (a proposal blind to them fell one short in the demo).
    pairs = exclusion_pairs(
        inspectors, by_pk, lambda _code: True, item_ids, exclude_last_inspector=True, cross_office=False
    )
    try:
        check = engine.match_feasibility(targets, engine_slots(slots, lead_slot), roster, sorted(pairs), 1)
    except engine.DrawInputError:  # slots the user will correct: any cap will do for now
        return max(targets, 1)
    return check["suggested_cap"] or max(targets, 1)


def _build_roster(task: Task, built: BuiltPool, item_ids: list[int]) -> None:
    built.slots = engine_slots(task.slots, task.lead_slot)
    inspectors, by_pk, built.roster = roster_on(sorted({s["dept"] for s in task.slots}), task.window_start)
    built.pairs = sorted(
        exclusion_pairs(
            inspectors,
            by_pk,
            built.is_member,
            item_ids,
            exclude_last_inspector=task.exclude_last_inspector,
            cross_office=task.cross_office,
        )
    )


def exclusion_pairs(
    inspectors: QuerySet,
    by_pk: Mapping[int, str],
    is_member: Callable[[str], bool],
    item_ids: Sequence[int],
    *,
    exclude_last_inspector: bool,
    cross_office: bool,
) -> set[tuple[str, str]]:
    """The (object, inspector) pairs the match must avoid, for the objects ``is_member`` keeps:
    recusals, the team of the object's last drawn visit for one of the same items, and under
    所所交叉 the inspectors of the object's region. ``by_pk``: roster_on's pk → public code."""
    pairs: set[tuple[str, str]] = set()
    # Membership is looked up in the sorted pool, not with an IN list of the pool's ids (10^5
    # of them are past SQLite's limits, 10^7 past anybody's).
    recusals = Recusal.objects.filter(ended_at__isnull=True, inspector_id__in=list(by_pk)).values_list(
        "inspection_object__public_code", "inspector_id"
    )
    pairs.update((o, by_pk[i]) for o, i in recusals if is_member(o))
    if exclude_last_inspector and item_ids:
        # The team of each object's most recent drawn visit for one of the same items.
        last_visit: dict[str, int] = {}
        visits = (
            Visit.objects.filter(task__status=Task.Status.DRAWN, task__items__item_id__in=list(item_ids))
            .order_by("inspection_object_id", "-task__draw__drawn_at", "-pk")
            .values_list("public_id", "pk")
        )
        for public_id, visit_id in visits:
            if is_member(public_id):
                last_visit.setdefault(public_id, visit_id)
        members = VisitMember.objects.filter(visit_id__in=list(last_visit.values())).values_list(
            "visit__public_id", "inspector_id"
        )
        pairs.update((o, by_pk[i]) for o, i in members if i in by_pk)
    if cross_office:
        by_region: dict[int, list[str]] = {}
        for pk, region in Inspector.jurisdictions.through.objects.filter(inspector__in=inspectors).values_list(
            "inspector_id", "region_id"
        ):
            by_region.setdefault(region, []).append(by_pk[pk])
        if by_region:
            regions = InspectionObject.objects.filter(region_id__in=list(by_region)).values_list(
                "public_code", "region_id"
            )
            pairs.update((o, code) for o, region in regions if is_member(o) for code in by_region[region])
    return pairs
