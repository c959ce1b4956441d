"""Reading tasks: what a user may see, the pool explanation and the published record."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from spotcheck.accounts.scope import Scope
from spotcheck.audit.models import AuditEntry
from spotcheck.draws import engine
from spotcheck.draws.idlist import IdList
from spotcheck.draws.models import PoolExclusion, Task, Visit, VisitMember, WitnessInput
from spotcheck.planning.models import AnnualPlan, PlanEntry


def tasks_for_scope(scope: Scope) -> QuerySet[Task]:
    """Tasks led or joined by a department the scope reads (joint tasks are visible to every
    participant)."""
    tasks = Task.objects.select_related("lead_department")
    if scope.reads_all:
        return tasks
    departments = scope.read_departments or frozenset()
    return tasks.filter(Q(lead_department_id__in=departments) | Q(participating_departments__in=departments)).distinct()


def pool_exclusions(task: Task) -> QuerySet[PoolExclusion]:
    """Every object left out of the task's pool, with its reason."""
    return (
        PoolExclusion.objects.filter(task=task)
        .select_related("inspection_object")
        .order_by("reason", "inspection_object__public_code")
    )


def stratum_members(task: Task) -> dict[str, IdList]:
    """Who is in each stratum of the frozen pool (public ids in byte order); {} before freezing."""
    frozen = getattr(task, "frozen_pool", None)
    return frozen.pool() if frozen is not None else {}


def notice_for(task: Task) -> dict[str, Any]:
    """抽查任务公告: what is public from the announcement on — the input (strata counts and
    digests, slots, cap, roster and exclusion digests), its digest, the pool digest and the
    server's commitment."""
    draw = task.draw
    return {
        "spec": engine.SPEC,
        "task": task.code,
        "input": draw.input,
        "input_digest": draw.input_digest,
        "pool_digest": draw.pool_digest,
        "commitment": draw.commitment,
    }


def full_record(task: Task) -> dict[str, Any]:
    """The SC-DRAW-1 record (§9) of a drawn task, exclusions included."""
    draw, frozen = task.draw, task.frozen_pool
    return {
        "spec": engine.SPEC,
        "input": draw.input,
        "input_digest": draw.input_digest,
        "pool_digest": draw.pool_digest,
        "commitment": draw.commitment,
        "server_secret": draw.server_secret,
        "witnesses": list(task.witness_inputs.order_by("position").values_list("value", flat=True)),
        "seed": draw.seed,
        "pool": {name: list(ids) for name, ids in frozen.pool().items()},
        "roster": frozen.roster,
        "exclusions": [list(pair) for pair in frozen.exclusion_pairs()],
        "result": draw.result,
    }


def record_for(task: Task, *, public: bool) -> dict[str, Any] | None:
    """The record as a reader gets it. Internal readers: the full record once drawn, else the
    notice. The public: nothing before the announcement; the notice until the task is drawn
    and its list published; then the record without the exclusions (who is conflicted with
    whom is not public). A cancelled task shows what it had reached."""
    draw = getattr(task, "draw", None)
    if draw is None:
        return None
    if not draw.commitment:  # frozen, not yet announced: only staff see the input
        return None if public else {"spec": engine.SPEC, "task": task.code, "input": draw.input}
    if not draw.is_drawn:
        return notice_for(task)
    if not public:
        return full_record(task)
    if task.list_published_at is None:
        return notice_for(task)
    return engine.public_copy(full_record(task))


def task_list(scope: Scope, *, status: str | None = None, year: int | None = None) -> QuerySet[Task]:
    """The list page: tasks the scope reads, with the pool size and number of targets."""
    tasks = tasks_for_scope(scope)
    if status:
        tasks = tasks.filter(status=status)
    if year:
        tasks = tasks.filter(window_start__year=year)
    return tasks.annotate(
        pool_count=F("frozen_pool__member_count"), target_count=Count("visits", distinct=True)
    ).order_by("-created_at", "-id")


def pool_exclusion_counts(task: Task) -> list[dict[str, Any]]:
    """How many objects each reason left out of the pool, in the order of the reasons."""
    counts = dict(PoolExclusion.objects.filter(task=task).values_list("reason").annotate(n=Count("id")))
    return [
        {"reason": value, "label": label, "count": counts[value]}
        for value, label in PoolExclusion.Reason.choices
        if counts.get(value)
    ]


def task_visits(task: Task) -> QuerySet[Visit]:
    """The drawn targets in list order (stratum name, rank) with their teams."""
    return (
        Visit.objects.filter(task=task)
        .select_related("inspection_object", "stratum")
        .prefetch_related(
            Prefetch("members", queryset=VisitMember.objects.select_related("inspector").order_by("position"))
        )
        .order_by("stratum__name", "rank")
    )


def witness_inputs(task: Task) -> QuerySet[WitnessInput]:
    return WitnessInput.objects.filter(task=task).select_related("department", "entered_by").order_by("position")


def match_failure(task: Task) -> dict[str, Any] | None:
    """The target, slot and suggested cap of the task's failed match (kept in its audit entry)."""
    if task.match_failed_at is None:
        return None
    entry = (
        AuditEntry.objects.filter(action="draws.task.match_failed", target_type="draws.task", target_id=str(task.pk))
        .order_by("-seq")
        .first()
    )
    return entry.after if entry is not None else {}


def entries_for_new_task(scope: Scope) -> QuerySet[PlanEntry]:
    """Live entries of published plans whose lead department the scope writes."""
    entries = PlanEntry.objects.filter(
        retired_at__isnull=True, plan__status=AnnualPlan.Status.PUBLISHED, plan__retired_at__isnull=True
    ).select_related("plan", "lead_department")
    if not scope.writes_all:
        entries = entries.filter(lead_department_id__in=scope.write_departments or frozenset())
    return entries.order_by("-plan__year", "plan_id", "position", "pk")


def visit_mismatches(task: Task, result: dict[str, Any]) -> list[str]:
    """Where the task's saved visits and teams differ from its draw result: each visit must be
    a drawn target (stratum, rank, id) whose object exists, each team the drawn team."""
    wanted = {(t["stratum"], t["rank"], t["id"]) for t in result["targets"]}
    # Inner joins: a visit whose object or stratum row is missing drops out and is reported.
    saved = set(
        Visit.objects.filter(task=task, inspection_object__public_code=F("public_id")).values_list(
            "stratum__name", "rank", "public_id"
        )
    )
    problems = [f"抽中的对象 {t[2]}（{t[0]} 第 {t[1]} 位）没有对应的检查" for t in sorted(wanted - saved)]
    problems += [f"检查 {t[2]}（{t[0]} 第 {t[1]} 位）不在抽取结果中" for t in sorted(saved - wanted)]
    teams: dict[str, list[tuple[str, str]]] = {}
    members = VisitMember.objects.filter(visit__task=task).order_by("visit_id", "position")
    for public_id, slot, code in members.values_list("visit__public_id", "slot", "inspector__code"):
        teams.setdefault(public_id, []).append((slot, code))
    for target, team in sorted(result["teams"].items()):
        if teams.get(target, []) != [(m["slot"], m["inspector"]) for m in team]:
            problems.append(f"对象 {target} 的检查组与抽取结果不一致")
    return problems
