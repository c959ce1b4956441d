"""What the public portal reads: published plans, announced tasks and their public records.

Read-only, no user: every query here returns only what has been published. The draw record
itself always comes from ``spotcheck.draws.selectors.record_for(task, public=True)``, which
decides what of a ceremony is public at each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from spotcheck.accounts.models import Department, Region
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
    if "\x00" in code:  # PostgreSQL refuses a NUL in a query's text (open14)
        raise Http404
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
        # The strata by their task too (load14): a visit's stratum is always of its task, and
        # said so PostgreSQL joins the task's few strata instead of hashing every task's
        # (7 ms a page at 10^4 tasks, 1 ms).
        Visit.objects.filter(task=task, stratum__task=task)
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


# ------------------------------------------------------------------------------------- open14
# The open data API (spotcheck/opendata) reads through these: each turns published rows into the
# public shape (plain JSON values), so that what may leave the platform is decided here, beside
# the portal's pages, and nowhere in the API.


def _department(dept: Any) -> dict[str, str] | None:
    return {"code": dept.code, "name": dept.name} if dept is not None else None


def _choice(choices: Any, value: str) -> dict[str, str]:
    """A code with its label in the active language (unknown codes keep the code as label)."""
    try:
        label = str(choices(value).label)
    except ValueError:
        label = value
    return {"code": value, "label": label}


def public_departments() -> QuerySet[Department]:
    """Departments by code: the bodies named on every public notice."""
    return Department.objects.select_related("region").order_by("region__code", "sort_order", "code")


def public_regions() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def region_subtree_ids(code: str) -> list[int] | None:
    """Ids of the region with ``code`` and of every region below it; None if there is none.
    The region table is small (a province's towns: a few thousand rows), read whole."""
    rows = list(Region.objects.values_list("pk", "parent_id", "code"))
    root = next((pk for pk, _parent, c in rows if c == code), None)
    if root is None:
        return None
    children: dict[int | None, list[int]] = {}
    for pk, parent, _c in rows:
        children.setdefault(parent, []).append(pk)
    found, todo = [], [root]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


def published_item_versions() -> QuerySet[ItemVersion]:
    """抽查事项清单: every version of an item that was filed and published (the current one and
    the ones it superseded, of retired items too, flagged); drafts, versions under review and
    returned ones never. (``public_item_versions`` above is the list in force, for the bulk files.)"""
    return (
        ItemVersion.objects.filter(status__in=ItemVersion.PUBLISHED_STATUSES, published_at__isnull=False)
        .select_related("item__department__region")
        .prefetch_related("joint_departments", "questions")
        .order_by("item__department__region__code", "item__department__sort_order", "item__code", "-number")
    )


def public_item_row(version: ItemVersion) -> dict[str, Any]:
    """A published item version as the open data gives it: the item list's public columns (no
    drafter, no reviewer, no review notes)."""
    item = version.item
    return {
        "code": item.code,
        "version": version.number,
        "current": item.current_version_id == version.pk,
        "name": version.name,
        "department": _department(item.department),
        "category": _choice(ItemVersion.Category, version.category),
        "sub_items": [str(s) for s in version.sub_items or []],
        "legal_basis": version.legal_basis,
        "implementing_body": version.implementing_body,
        "scope_description": version.scope_description,
        "default_ratio": str(version.default_ratio),
        "times_per_year": version.times_per_year,
        "methods": [_choice(ItemVersion.Method, m) for m in version.methods or []],
        "joint_departments": [_department(d) for d in version.joint_departments.all()],
        "inspection_basis": version.inspection_basis,
        "inspection_content": version.inspection_content,
        "inspection_procedure": version.inspection_procedure,
        "approval_authority": version.approval_authority,
        "disclosure_procedure": version.disclosure_procedure,
        "archiving_method": version.archiving_method,
        # 检查表: the questions an inspector answers, with their basis (published with the item).
        "checklist": [{"text": q.text, "basis": q.basis} for q in version.questions.all()],
        "published_at": version.published_at,
        "retired_at": item.retired_at,
    }


def public_plan_row(plan: AnnualPlan, *, entries: bool = False) -> dict[str, Any]:
    """A published plan; with ``entries`` its entries in force (what the plan page lists)."""
    row: dict[str, Any] = {
        "id": plan.pk,
        "year": plan.year,
        "kind": _choice(AnnualPlan.Kind, plan.kind),
        "title": plan.title,
        "department": _department(plan.department) if plan.department_id else None,
        "region": {"code": plan.region.code, "name": plan.region.name},
        "revision": plan.revision,
        "published_at": plan.published_at,
    }
    if entries:
        row["entries"] = [
            {
                "code": e.code,
                "name": e.name,
                "kind": _choice(PlanEntry.Kind, e.kind),
                "lead_department": _department(e.lead_department),
                "participating_departments": [_department(d) for d in e.participating_departments.all()],
                "items": [i.code for i in e.items.all()],
                "window_start": e.window_start,
                "window_end": e.window_end,
            }
            for e in PlanEntry.objects.filter(plan=plan, retired_at__isnull=True)
            .select_related("lead_department")
            .prefetch_related("participating_departments", "items")
            .order_by("position", "pk")
        ]
        row["history"] = [
            {"action": _choice(PlanEvent.Action, ev.action), "reason": ev.reason, "at": ev.created_at}
            for ev in public_plan_history(plan)
        ]
    return row


def plans_last_update(plans: QuerySet[AnnualPlan]) -> Any:
    """The latest publication or adjustment among ``plans``."""
    published = plans.order_by().aggregate(m=Max("published_at"))["m"]
    adjusted = (
        PlanEvent.objects.filter(plan__in=plans.order_by().values("pk"), action__in=PUBLIC_PLAN_ACTIONS)
        .order_by()
        .aggregate(m=Max("created_at"))["m"]
    )
    return max((t for t in (published, adjusted) if t is not None), default=None)


def public_task_list() -> QuerySet[Task]:
    """Announced tasks with what the open data's list shows (the draw's small fields only)."""
    return (
        public_tasks()
        .filter(draw__isnull=False)
        .exclude(draw__commitment="")
        .select_related("draw", "replaces")
        .only(
            "code",
            "title",
            "kind",
            "status",
            "window_start",
            "window_end",
            "announced_at",
            "list_published_at",
            "cancelled_at",
            "cancelled_reason",
            "replaces__code",
            "lead_department__code",
            "lead_department__name",
            "draw__drawn_at",
            "draw__commitment",
        )
        .prefetch_related("participating_departments")
    )


def tasks_last_update(tasks: QuerySet[Task]) -> Any:
    times = tasks.order_by().aggregate(
        a=Max("announced_at"), d=Max("draw__drawn_at"), p=Max("list_published_at"), c=Max("cancelled_at")
    )
    return max((t for t in times.values() if t is not None), default=None)


def public_task_row(task: Task) -> dict[str, Any]:
    """An announced task: the notice's fields; after the draw, the record once it is public."""
    drawn = task.draw.drawn_at is not None
    return {
        "code": task.code,
        "title": task.title,
        "kind": _choice(Task.Kind, task.kind),
        "lead_department": _department(task.lead_department),
        "participating_departments": [_department(d) for d in task.participating_departments.all()],
        "window_start": task.window_start,
        "window_end": task.window_end,
        "announced_at": task.announced_at,
        "drawn_at": task.draw.drawn_at,
        "list_published_at": task.list_published_at if drawn else None,
        "cancelled_at": task.cancelled_at,
        "cancelled_reason": task.cancelled_reason if task.cancelled_at else "",
        "replaces": task.replaces.code if task.replaces_id else None,
        "commitment": task.draw.commitment,
    }


def public_task_detail(task: Task) -> dict[str, Any]:
    """``public_task_row`` of a task from ``public_task`` plus its notice: items, strata with the
    sample size each gives, digests and, once the list is public, the secret, witnesses' inputs
    (not their names) and seed; and the tasks that drew it again."""
    record = public_page_record(task)
    row = public_task_row(task)
    row |= {
        "items": [
            {"code": v.item.code, "version": v.number, "name": v.name}
            for v in sorted(task.items.all(), key=lambda v: (v.item.code, v.number))
        ],
        "strata": [s.__dict__ for s in notice_strata(record)],
        "input_digest": record["input_digest"],
        "pool_digest": record["pool_digest"],
        "list_public": list_is_public(task),
        "server_secret": record.get("server_secret", ""),
        "seed": record.get("seed", ""),
        "witness_inputs": [
            {"position": w.position, "value": w.value, "department": _department(w.department)}
            for w in task.witness_inputs.all()
        ]
        if task.draw.is_drawn
        else [],
        "replaced_by": [t.code for t in public_replacements(task)],
    }
    return row


def search_item_versions(
    *,
    department: str = "",
    region_ids: list[int] | None = None,
    year: int | None = None,
    date_from: Any = None,
    date_to: Any = None,
    name: str = "",
    category: str = "",
    method: str = "",
    current: bool | None = None,
) -> QuerySet[ItemVersion]:
    """``published_item_versions`` narrowed: the owning department (or its region), the year and
    dates of publication, a fragment of the name, the category, a method, current or not."""
    qs = published_item_versions()
    if department:
        qs = qs.filter(item__department__code=department)
    if region_ids is not None:
        qs = qs.filter(item__department__region_id__in=region_ids)
    if year:
        qs = qs.filter(published_at__year=year)
    if date_from:
        qs = qs.filter(published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    if name:
        qs = qs.filter(name__icontains=name)
    if category:
        qs = qs.filter(category=category)
    if method:
        # A JSON list of codes: its text holds the code in quotes on both databases.
        qs = qs.filter(methods__icontains=f'"{method}"')
    if current is not None:
        qs = qs.filter(status=ItemVersion.Status.PUBLISHED if current else ItemVersion.Status.SUPERSEDED)
    return qs


def items_last_update(versions: QuerySet[ItemVersion]) -> Any:
    return versions.order_by().aggregate(m=Max("published_at"))["m"]


def search_plans(
    *,
    department: str = "",
    region_ids: list[int] | None = None,
    year: int | None = None,
    date_from: Any = None,
    date_to: Any = None,
    name: str = "",
    kind: str = "",
) -> QuerySet[AnnualPlan]:
    """``published_plans`` narrowed: the department (a joint plan has none: find it by region),
    the plan's region, its year, the dates of publication, a fragment of the title, its kind."""
    qs = published_plans()
    if department:
        qs = qs.filter(department__code=department)
    if region_ids is not None:
        qs = qs.filter(region_id__in=region_ids)
    if year:
        qs = qs.filter(year=year)
    if date_from:
        qs = qs.filter(published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    if name:
        qs = qs.filter(title__icontains=name)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def search_tasks(
    *,
    department: str = "",
    region_ids: list[int] | None = None,
    year: int | None = None,
    date_from: Any = None,
    date_to: Any = None,
    name: str = "",
    kind: str = "",
    drawn: bool | None = None,
) -> QuerySet[Task]:
    """``public_task_list`` narrowed: a department leading or taking part, the lead department's
    region, the year the window starts in, the dates of the announcement, a fragment of the
    title, the kind, drawn or not."""
    qs = public_task_list()
    if department:
        joins = Task.participating_departments.through.objects.filter(task=OuterRef("pk"), department__code=department)
        qs = qs.filter(Q(lead_department__code=department) | Exists(joins))
    if region_ids is not None:
        qs = qs.filter(lead_department__region_id__in=region_ids)
    if year:
        qs = qs.filter(window_start__year=year)
    if date_from:
        qs = qs.filter(announced_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(announced_at__date__lte=date_to)
    if name:
        qs = qs.filter(title__icontains=name)
    if kind:
        qs = qs.filter(kind=kind)
    if drawn is not None:
        qs = qs.filter(draw__drawn_at__isnull=not drawn)
    return qs


def public_item_versions_of(code: str) -> list[ItemVersion]:
    """Every published version of the item with ``code``, newest first; 404 when it has none."""
    if "\x00" in code:
        raise Http404
    versions = list(published_item_versions().filter(item__code=code[:32]))
    if not versions:
        raise Http404
    return versions
