"""What the public reads of the results (一公开): the result notices and the published versions
in them, nothing else. Every field comes from the public record kept whole at publication
(``publication.public_record``), so a result's working data never reaches the portal; labels are
looked up here in the visitor's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task
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
            )
        )
    return found
