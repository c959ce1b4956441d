"""What the public portal reads: published plans, announced tasks and their public records.

Read-only, no user: every query here returns only what has been published. The draw record
itself always comes from ``spotcheck.draws.selectors.record_for(task, public=True)``, which
decides what of a ceremony is public at each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from spotcheck.audit.models import AuditAnchor
from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task, Visit, WitnessInput
from spotcheck.draws.selectors import RedrawCount, VisitPages, filter_visits, notice_for, record_for, redraw_counts
from spotcheck.drawspec import engine
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent
from spotcheck.planning.selectors import live_entries, published_plans
from spotcheck.publication.public_record import public_name

# Steps of a plan's history the public sees: the publication and every adjustment after it.
PUBLIC_PLAN_ACTIONS = (PlanEvent.Action.PUBLISHED, PlanEvent.Action.ADJUSTED)


# ------------------------------------------------------------------------------------- plans


def public_plan(pk: int) -> AnnualPlan:
    """A published plan, or 404 (drafts, plans under review and withdrawn plans alike)."""
    try:
        return published_plans().get(pk=pk)
    except AnnualPlan.DoesNotExist:
        raise Http404 from None


def public_plan_history(plan: AnnualPlan) -> QuerySet[PlanEvent]:
    """Publication and adjustments, without the staff who made them (no actor is loaded)."""
    return (
        PlanEvent.objects.filter(plan=plan, action__in=PUBLIC_PLAN_ACTIONS)
        .only("plan", "action", "reason", "revision", "created_at")
        .order_by("created_at", "pk")
    )


def withdrawn_public_entries(plan: AnnualPlan) -> QuerySet[PlanEntry]:
    """Entries withdrawn by an adjustment of the published plan (not those dropped while drafting)."""
    if plan.published_at is None:
        return PlanEntry.objects.none()
    return PlanEntry.objects.filter(plan=plan, retired_at__gte=plan.published_at).order_by("position", "pk")


# ------------------------------------------------------------------------------------- tasks


def public_tasks() -> QuerySet[Task]:
    """Tasks whose notice (抽查任务公告) has been published, newest notice first. A task
    cancelled before its announcement never was public and stays out."""
    return (
        Task.objects.filter(announced_at__isnull=False)
        .select_related("lead_department")
        .order_by("-announced_at", "-pk")
    )


def public_task(code: str) -> Task:
    """An announced task by its code, with what its notice page shows; 404 otherwise."""
    task = (
        public_tasks()
        .select_related("draw")
        # The result of a province's draw (10^5 targets and teams): only the download reads it.
        .defer("draw__result")
        .prefetch_related(
            "participating_departments",
            "items__item",
            "strata",
            Prefetch(
                "witness_inputs",
                queryset=WitnessInput.objects.select_related("department").order_by("position"),
            ),
        )
        .filter(code=code)
        .first()
    )
    if task is None or getattr(task, "draw", None) is None:
        raise Http404
    return task


def public_replaced_task(task: Task) -> Task | None:
    """The cancelled task a public redraw replaces (public itself: it was drawn, so announced)."""
    if task.replaces_id is None:
        return None
    return public_tasks().filter(pk=task.replaces_id).first()


def public_replacements(task: Task) -> list[Task]:
    """The public tasks that drew ``task`` again (重新抽取); an unannounced redraw stays internal."""
    return list(public_tasks().filter(replaces=task).order_by("announced_at", "pk"))


def public_redraw_counts() -> list[RedrawCount]:
    """Redraws per department and year among the public tasks."""
    return redraw_counts(public_tasks())


def public_record(task: Task) -> dict[str, Any]:
    """The task's record as the public gets it: the notice, or the record without the
    exclusions once drawn and the list is public."""
    record = record_for(task, public=True)
    if record is None:  # announced_at without a commitment: never published
        raise Http404
    return record


def list_is_public(task: Task) -> bool:
    """The drawn list (and the full public record with it) may be shown."""
    return task.draw.is_drawn and task.list_published_at is not None


@dataclass(frozen=True)
class StratumNotice:
    name: str
    count: int
    digest: str
    ratio: str
    minimum: int | None
    maximum: int | None
    sample_size: int


def notice_strata(record: dict[str, Any]) -> list[StratumNotice]:
    """The strata of the published input with the sample size each will give (§3)."""
    rows = []
    for s in record["input"]["strata"]:
        size = engine.sample_size(s["count"], s["ratio"], s["min"], s["max"])
        rows.append(StratumNotice(s["name"], s["count"], s["digest"], s["ratio"], s["min"], s["max"], size))
    return rows


def public_page_record(task: Task) -> dict[str, Any]:
    """What the task page shows of the public record, without building it: the notice (input,
    digests, commitment) and, once the list is public, the revealed secret and the seed. The
    record itself carries the whole pool (a province's 10^7 ids) and every target; the page
    reads the targets from the visits a page at a time (``public_targets``) and leaves the
    record to its download. Public at the same steps as ``public_record``."""
    draw = task.draw
    if not draw.commitment:  # announced_at without a commitment: never published
        raise Http404
    page = notice_for(task)
    if list_is_public(task):
        page |= {"server_secret": draw.server_secret, "seed": draw.seed}
    return page


class PublicTargetPages(VisitPages):
    """The drawn objects a page at a time, each with ``public_name``: the name as the result
    notices publish it (a 个体工商户's operator name masked, publication.public_record)."""

    def __getitem__(self, index: slice) -> list[Visit]:
        visits = super().__getitem__(index)
        for visit in visits:
            visit.public_name = public_name(visit.inspection_object)
        return visits


def public_targets(task: Task, *, stratum: str = "", query: str = "") -> VisitPages:
    """The drawn objects in target-list order (strata by name, then rank) with their public
    names, for ``Paginator``: one stratum or a search by code or name prefix, as on the staff
    page. Only once the list is public (``list_is_public``). A search by name never finds a
    个体工商户 through its operator's name (the name shown masks it)."""
    visits = (
        Visit.objects.filter(task=task)
        .select_related("stratum", "inspection_object")
        .only(
            "rank",
            "public_id",
            "stratum__name",
            "inspection_object__name",
            "inspection_object__kind",
            "inspection_object__legal_representative",
        )
        .order_by("stratum__name", "rank")
    )
    found = filter_visits(visits, stratum=stratum, query=query)
    if query.strip():
        found = found.exclude(
            inspection_object__kind=InspectionObject.Kind.INDIVIDUAL,
            inspection_object__legal_representative__contains=query.strip(),
        )
    return PublicTargetPages(found)


# ------------------------------------------------------------------------- audit anchors


def published_anchors() -> QuerySet[AuditAnchor]:
    """The audit chain's published heads, newest first (in the order they were published)."""
    return AuditAnchor.objects.order_by("-pk")


# ----------------------------------------------------- open data: bulk files and feeds (bulk14)


def public_item_versions() -> QuerySet[ItemVersion]:
    """The item list as published (抽查事项清单): each item's version in force once filed and
    published, of items not retired."""
    return (
        ItemVersion.objects.filter(status=ItemVersion.Status.PUBLISHED, item__retired_at__isnull=True)
        .select_related("item__department")
        .prefetch_related("joint_departments")
        .order_by("item__department__sort_order", "item__code", "pk")
    )


def public_plan_entries(plan: AnnualPlan) -> QuerySet[PlanEntry]:
    """The entries in force of a published plan, as its portal page shows them."""
    return live_entries(plan)


def public_drawn_tasks() -> QuerySet[Task]:
    """Public tasks whose drawn list is public (drawn, list published)."""
    return public_tasks().filter(draw__drawn_at__isnull=False, list_published_at__isnull=False)


def public_drawn_visits(task: Task) -> QuerySet[Visit]:
    """The drawn objects of a task whose list is public, in list order, with what masks a
    个体工商户's name (the operator's name is read only to hide it)."""
    return (
        Visit.objects.filter(task=task)
        .select_related("stratum", "inspection_object")
        .only(
            "rank",
            "public_id",
            "stratum__name",
            "inspection_object__name",
            "inspection_object__kind",
            "inspection_object__legal_representative",
            "inspection_object__uscc",
        )
        .order_by("stratum__name", "rank")
    )
