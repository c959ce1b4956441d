"""What the public reads of the results (一公开): the result notices and the published versions
in them, nothing else. Every field comes from the public record kept whole at publication
(``publication.public_record``), so a result's working data never reaches the portal; labels are
looked up here in the visitor's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from spotcheck.core import counting
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task
from spotcheck.portal import selectors_search
from spotcheck.publication.models import PublishedResult, ResultNotice
from spotcheck.results.codes import Method, NotCarriedOut, ResultCode
from spotcheck.results.models import VisitResult

SHOWN = (PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def public_result_notices() -> QuerySet[ResultNotice]:
    """Notices with at least one result shown (current or withdrawn), the latest update first."""
    shown = PublishedResult.objects.filter(notice=OuterRef("pk"), state__in=SHOWN)
    return (
        ResultNotice.objects.filter(Exists(shown)).select_related("department", "task").order_by("-updated_at", "-pk")
    )


def public_result_notice(pk: int) -> ResultNotice:
    notice = public_result_notices().filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@dataclass(frozen=True)
class PublicItem:
    name: str
    department: str
    checked: bool
    method: str
    result: str
    problem_found: bool


@dataclass(frozen=True)
class PublicResult:
    pk: int
    name: str
    public_code: str
    uscc: str
    completed_on: str
    outcome: str
    items: list[PublicItem]
    version: int
    published_at: Any
    due_on: Any
    on_time: bool
    correction_reason: str
    withdrawn: bool
    withdrawn_at: Any
    withdrawal_reason: str
    task_code: str
    task_title: str
    task_kind: str
    department: str
    notice_id: int


def _item(row: dict[str, Any]) -> PublicItem:
    codes = row.get("codes") or []
    return PublicItem(
        name=row["name"],
        department=row["department"]["name"],
        checked=row["checked"],
        method=_label(Method, row["method"]) if row.get("method") else "",
        result="；".join(f"{_label(ResultCode, c)}" for c in codes),
        problem_found=row["problem_found"],
    )


def public_result(row: PublishedResult) -> PublicResult:
    record = row.record
    withdrawn = row.state == PublishedResult.State.WITHDRAWN
    if record["outcome"] == VisitResult.Outcome.NOT_CARRIED_OUT:
        outcome = _label(NotCarriedOut, record["not_carried_out_reason"])
    else:
        outcome = str(VisitResult.Outcome.CARRIED_OUT.label)
    return PublicResult(
        pk=row.pk,
        name=record["object"]["name"],
        public_code=record["object"]["public_code"],
        uscc=record["object"]["uscc"],
        completed_on=record["completed_on"],
        outcome=outcome,
        # A withdrawn result shows that it was taken down, when and why: not its content.
        items=[] if withdrawn else [_item(i) for i in record["items"]],
        version=row.version,
        published_at=row.published_at,
        due_on=row.due_on,
        on_time=row.on_time,
        correction_reason=row.correction_reason,
        withdrawn=withdrawn,
        withdrawn_at=row.withdrawn_at,
        withdrawal_reason=row.withdrawal_reason,
        task_code=record["task"]["code"],
        task_title=record["task"]["title"],
        task_kind=_label(Task.Kind, record["task"]["kind"]),
        department=record["department"]["name"],
        notice_id=row.notice_id,
    )


def notice_results(notice: ResultNotice) -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(notice=notice, state__in=SHOWN).order_by("completed_on", "pk")


def object_results(obj: InspectionObject) -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(inspection_object=obj, state__in=SHOWN).order_by("-completed_on", "-pk")


# ------------------------------------------------------------------ an enterprise's page


def public_object(public_code: str) -> InspectionObject:
    """The object whose page is asked for: only one with a result shown on the portal (the
    directory itself is not published through this page)."""
    code = (public_code or "").strip()[:32]
    if "\x00" in code:  # PostgreSQL refuses a NUL in a query's text (open14)
        raise Http404
    shown = PublishedResult.objects.filter(inspection_object=OuterRef("pk"), state__in=SHOWN)
    obj = InspectionObject.objects.filter(public_code=code).filter(Exists(shown)).first()
    if obj is None:
        raise Http404
    return obj


@dataclass(frozen=True)
class PublicFollowUp:
    kind: str
    status: str
    closed_on: Any
    kind_code: str = ""  # open14: the codes beside the labels, for the open data
    status_code: str = ""


def public_followups(rows: list[PublishedResult]) -> dict[int, list[PublicFollowUp]]:
    """后续处置 where public: the kind and whether it is finished (完结 and its date) of each
    follow-up of the current versions in ``rows`` (not withdrawn ones; never the notes, the case
    number or the department notified)."""
    from spotcheck.followups.models import FollowUp

    current = {row.visit_result_id: row.pk for row in rows if row.state == PublishedResult.State.CURRENT}
    found: dict[int, list[PublicFollowUp]] = {}
    followups = (
        FollowUp.objects.filter(item_result__visit_result_id__in=current)
        .exclude(status=FollowUp.Status.WITHDRAWN)
        .values("item_result__visit_result_id", "kind", "status", "closed_on")
        .order_by("created_at", "pk")
    )
    for f in followups:
        found.setdefault(current[f["item_result__visit_result_id"]], []).append(
            PublicFollowUp(
                kind=_label(FollowUp.Kind, f["kind"]),
                status=_label(FollowUp.Status, f["status"]),
                closed_on=f["closed_on"],
                kind_code=f["kind"],
                status_code=f["status"],
            )
        )
    return found


# ----------------------------------------------------- open data: bulk files and feeds (bulk14)


def current_published_results() -> QuerySet[PublishedResult]:
    """The results shown as published now (current versions; withdrawn ones are not data)."""
    return PublishedResult.objects.filter(state=PublishedResult.State.CURRENT).select_related("notice__department")


def public_followup_codes(rows: list[PublishedResult]) -> dict[int, list[dict[str, Any]]]:
    """As ``public_followups``, with codes instead of labels (for machine-readable files): kind,
    status and the date it was finished — never the notes, case number or department notified."""
    from spotcheck.followups.models import FollowUp

    current = {row.visit_result_id: row.pk for row in rows if row.state == PublishedResult.State.CURRENT}
    found: dict[int, list[dict[str, Any]]] = {}
    followups = (
        FollowUp.objects.filter(item_result__visit_result_id__in=current)
        .exclude(status=FollowUp.Status.WITHDRAWN)
        .values("item_result__visit_result_id", "item_result__item_version__item__code", "kind", "status", "closed_on")
        .order_by("created_at", "pk")
    )
    for f in followups:
        found.setdefault(current[f["item_result__visit_result_id"]], []).append(
            {
                "item_code": f["item_result__item_version__item__code"],
                "kind": f["kind"],
                "status": f["status"],
                "closed_on": f["closed_on"].isoformat() if f["closed_on"] else "",
            }
        )
    return found


def shown_results() -> QuerySet[PublishedResult]:
    """Every result version the portal shows (current or withdrawn), newest event first: the
    feeds' entries (a correction is a new version; a withdrawal updates its row)."""
    return (
        PublishedResult.objects.filter(state__in=SHOWN)
        .select_related("notice__department")
        .order_by("-published_at", "-pk")
    )


# ------------------------------------------------------------------------------------- open14
# The open data API's results (spotcheck/opendata): the same published rows as the pages, in the
# public shape with codes and labels. A withdrawn version shows that it was taken down, when and
# why — never its content — so no filter on content (result codes) matches it either.


def _coded(choices, value: str) -> dict[str, str]:
    return {"code": value, "label": _label(choices, value)}


def public_results() -> QuerySet[PublishedResult]:
    """Every version shown on the portal (current or withdrawn), the latest completion first."""
    return (
        PublishedResult.objects.filter(state__in=SHOWN)
        .select_related("notice__department")
        .order_by("-completed_on", "-pk")
    )


def results_with_code(rows: QuerySet[PublishedResult], code: str) -> QuerySet[PublishedResult]:
    """Current versions with ``code`` on one of their items. JSON containment is PostgreSQL's
    (jsonb @>, served by its index where there is one); SQLite walks the arrays with json_each."""
    rows = rows.filter(state=PublishedResult.State.CURRENT)
    if connection.vendor == "postgresql":
        return rows.filter(record__items__contains=[{"codes": [code]}])
    table = PublishedResult._meta.db_table
    # The code is a parameter; the table is the model's own name.
    has_code = RawSQL(  # noqa: S611
        f"EXISTS (SELECT 1 FROM json_each({table}.record, '$.items') AS i, "  # noqa: S608
        "json_each(i.value, '$.codes') AS c WHERE c.value = %s)",
        [code],
        output_field=BooleanField(),
    )
    return rows.alias(has_code=has_code).filter(has_code=True)


def results_last_update(rows: QuerySet[PublishedResult]) -> Any:
    """The latest publication or withdrawal among ``rows``: a MAX over them all, for a list
    that is small by construction (one enterprise's history)."""
    times = rows.order_by().aggregate(p=Max("published_at"), w=Max("withdrawn_at"))
    return max((t for t in times.values() if t is not None), default=None)


def publication_last_update() -> Any:
    """The latest publication, correction or withdrawal of any result, read from one row of
    an index whatever the number of results: each of them sets its notice's ``updated_at``
    (``publication.services``; ``result_notice_updated_idx``). No shown result changed after
    it, so it answers "has anything changed since?" for any list of results (scale14)."""
    return ResultNotice.objects.order_by("-updated_at", "-pk").values_list("updated_at", flat=True).first()


def public_result_rows(rows: list[PublishedResult]) -> list[dict[str, Any]]:
    """The public shape of ``rows`` (one query more, for the 后续处置 of the current ones)."""
    followups = public_followups(rows)
    out = []
    for row in rows:
        record = row.record
        withdrawn = row.state == PublishedResult.State.WITHDRAWN
        items = []
        if not withdrawn:
            items = [
                {
                    "code": i["code"],
                    "name": i["name"],
                    "department": i["department"],
                    "checked": i["checked"],
                    "method": _coded(Method, i["method"]) if i.get("method") else None,
                    "problem_found": i["problem_found"],
                    "results": [_coded(ResultCode, c) for c in i.get("codes") or []],
                }
                for i in record["items"]
            ]
        reason = record.get("not_carried_out_reason") or ""
        out.append(
            {
                "notice_id": row.notice_id,
                "notice_title": row.notice.title,
                "version": row.version,
                "state": _coded(PublishedResult.State, row.state),
                "object": {
                    "public_code": record["object"]["public_code"],
                    "uscc": record["object"]["uscc"],
                    "name": record["object"]["name"],
                    "kind": _coded(InspectionObject.Kind, record["object"]["kind"]),
                },
                "plan": record["plan"],
                "task": {
                    "code": record["task"]["code"],
                    "title": record["task"]["title"],
                    "kind": _coded(Task.Kind, record["task"]["kind"]),
                },
                "department": record["department"],
                "completed_on": record["completed_on"],
                "outcome": None if withdrawn else _coded(VisitResult.Outcome, record["outcome"]),
                "not_carried_out_reason": _coded(NotCarriedOut, reason) if reason and not withdrawn else None,
                "items": items,
                "followups": [
                    {
                        "kind": {"code": f.kind_code, "label": f.kind},
                        "status": {"code": f.status_code, "label": f.status},
                        "closed_on": f.closed_on,
                    }
                    for f in followups.get(row.pk, [])
                ],
                "published_at": row.published_at,
                "due_on": row.due_on,
                "on_time": row.on_time,
                "correction_reason": row.correction_reason,
                "withdrawn_at": row.withdrawn_at,
                "withdrawal_reason": row.withdrawal_reason,
            }
        )
    return out


def search_results(
    *,
    rows: QuerySet[PublishedResult] | None = None,
    department: str = "",
    region_ids: list[int] | None = None,
    year: int | None = None,
    date_from: Any = None,
    date_to: Any = None,
    name: str = "",
    uscc: str = "",
    result: str = "",
    task: str = "",
    notice: int | None = None,
    state: str = "",
) -> QuerySet[PublishedResult]:
    """``public_results`` (or ``rows``) narrowed: the body that published (the task's lead
    department), the region of the object, the year and dates of completion, a fragment of the
    enterprise's public name as last published (as the portal search and its page have it; masked
    for a 个体工商户: the operator's name finds nothing), its USCC,
    a result code, the task, the notice, the state."""
    qs = public_results() if rows is None else rows
    if department:
        # The result's own copy of its notice's department: read down its index (load14).
        qs = qs.filter(department__code=department)
    if region_ids is not None:
        qs = qs.filter(inspection_object__region_id__in=region_ids)
    if year:
        qs = qs.filter(completed_on__year=year)
    if date_from:
        qs = qs.filter(completed_on__gte=date_from)
    if date_to:
        qs = qs.filter(completed_on__lte=date_to)
    # The enterprise by its search row (scale14): the USCC through its b-tree, the name through
    # the portal search's own match (``_named``) — never a scan of the records' JSON.
    if uscc:
        qs = qs.filter(inspection_object_id__in=selectors_search.public_objects_with_uscc(uscc).values("pk"))
    if task:
        qs = qs.filter(notice__task__code=task)
    if notice is not None:
        qs = qs.filter(notice_id=notice)
    if state:
        qs = qs.filter(state=state)
    if result:
        qs = results_with_code(qs, result)
    if name:
        qs = _named(qs, name)
    return qs


# A name held by at most this many enterprises: their results are read by the enterprises' ids.
NAMED_OBJECTS = 5000
# Up to this many, their ids are held here while the results are read down the latest-first
# index; past it the name is checked on each chunk's enterprises.
NAMED_IDS_HELD = 50_000
# The results read down the latest-first index at a time.
WALK_CHUNK = 2000


def _named(qs: QuerySet[PublishedResult], name: str) -> QuerySet[PublishedResult]:
    """``qs`` narrowed to the enterprises whose public name holds ``name`` (the portal search's
    match, ``selectors_search.public_objects_named``), planned by how many there are.

    The planner cannot tell: its estimate of a fragment of three characters or more (several
    character pairs, then LIKE) is far below the truth for a common one (限公司: 25,055
    enterprises estimated at 1), and it then sorts every match. So the enterprises are
    counted first, up to ``NAMED_OBJECTS``: as many or fewer, their ids go into the query and
    their results are read by the object's index and sorted. More, and the matches are dense:
    the results are read down the latest-first index (the object and state from the index
    alone) until the capped list (``COUNT_CAP`` + 1) is full, each row's enterprise looked up
    among the named ones' ids (read once, up to ``NAMED_IDS_HELD``) or, for a name commoner
    still, checked for each chunk. The page and the capped count then read those ids alone."""
    ids = selectors_search.public_object_ids_named(name, NAMED_OBJECTS)
    if ids is not None:
        return qs.filter(inspection_object_id__in=ids)
    held = selectors_search.public_object_ids_named(name, NAMED_IDS_HELD)
    named = set(held) if held is not None else None
    wanted = counting.COUNT_CAP + 1
    ordered = qs.order_by("-completed_on", "-pk").values_list("completed_on", "pk", "inspection_object_id")
    found: list[int] = []
    chunk = list(ordered[:WALK_CHUNK])
    while chunk:
        among = named
        if among is None:
            objects = {object_id for _day, _pk, object_id in chunk}
            among = set(selectors_search.public_objects_named(name, objects).order_by().values_list("pk", flat=True))
        found.extend(pk for _day, pk, object_id in chunk if object_id in among)
        if len(found) >= wanted or len(chunk) < WALK_CHUNK:
            break
        day, last, _object_id = chunk[-1]
        # On from the last row read: the bound on the date starts the index scan there.
        after = ordered.filter(completed_on__lte=day).filter(Q(completed_on__lt=day) | Q(pk__lt=last))
        chunk = list(after[:WALK_CHUNK])
    return qs.filter(pk__in=found[:wanted])


def public_object_results(public_code: str) -> QuerySet[PublishedResult]:
    """An enterprise's result history (its page's rows), 404 for an object with none shown."""
    return object_results(public_object(public_code)).select_related("notice__department")


def search_result_notices(
    *,
    department: str = "",
    region_ids: list[int] | None = None,
    year: int | None = None,
    date_from: Any = None,
    date_to: Any = None,
    name: str = "",
) -> QuerySet[ResultNotice]:
    """``public_result_notices`` narrowed: the department that published, its region, the
    notice's year, the dates of its first publication, a fragment of the task's title."""
    qs = public_result_notices().select_related("department__region")
    if department:
        qs = qs.filter(department__code=department)
    if region_ids is not None:
        qs = qs.filter(department__region_id__in=region_ids)
    if year:
        qs = qs.filter(year=year)
    if date_from:
        qs = qs.filter(first_published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(first_published_at__date__lte=date_to)
    if name:
        qs = qs.filter(task__title__icontains=name)
    return qs


def result_notices_last_update(notices: QuerySet[ResultNotice]) -> Any:
    return notices.order_by().aggregate(m=Max("updated_at"))["m"]


def public_result_notice_row(notice: ResultNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "title": notice.title,
        "department": {"code": notice.department.code, "name": notice.department.name},
        "year": notice.year,
        "number": notice.number,
        "task": {"code": notice.task.code, "title": notice.task.title},
        "first_published_at": notice.first_published_at,
        "updated_at": notice.updated_at,
    }
