"""Reads of the enterprise's replies and of the complaints' answers: the staff lists and their
待办 counts, and the only public reads (``accepted_replies`` for the portal's result pages,
``replies_of_code`` and ``answers_of_visit`` for the pages an enterprise opens with its 检查码).
No public read returns the contact name, the reviewer or a rejected reply's text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.accounts.scope import Scope
from spotcheck.inspections.models import VisitFeedback
from spotcheck.publication.models import PublishedResult
from spotcheck.replies import access
from spotcheck.replies.models import ComplaintAnswer, EnterpriseReply

Status = EnterpriseReply.Status


class ReplyFilter:
    STATES = ("pending", "accepted", "rejected", "all")


class ComplaintFilter:
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    ALL = "all"
    STATES = (UNANSWERED, ANSWERED, ALL)


def staff_replies(scope: Scope, state: str = "pending") -> QuerySet[EnterpriseReply]:
    replies = access.replies_for_scope(scope)
    if state in Status.values:
        replies = replies.filter(status=state)
    return replies.select_related(
        "department",
        "published_result",
        "visit_result__visit__inspection_object",
        "visit_result__visit__task",
    ).order_by("-submitted_at", "-pk")


def staff_complaints(scope: Scope, state: str = ComplaintFilter.UNANSWERED) -> QuerySet[VisitFeedback]:
    complaints = access.complaints_for_departments(access.read_departments(scope))
    if state == ComplaintFilter.UNANSWERED:
        complaints = complaints.filter(answer__isnull=True)
    elif state == ComplaintFilter.ANSWERED:
        complaints = complaints.filter(answer__isnull=False)
    return complaints.select_related(
        "visit__inspection_object", "visit__task__lead_department", "answer__answered_by"
    ).order_by("-created_at", "-pk")


def pending_reply_count(scope: Scope) -> int:
    """Replies waiting for the user's decision (their 待办)."""
    departments = access.review_departments(scope)
    if not departments:
        return 0
    return EnterpriseReply.objects.filter(department_id__in=departments, status=Status.PENDING).count()


def unanswered_complaint_count(scope: Scope) -> int:
    """Complaints about the visits of tasks the user's departments lead, not yet answered."""
    departments = access.review_departments(scope)
    if not departments:
        return 0
    return (
        VisitFeedback.objects.exclude(complaint="")
        .filter(visit__task__lead_department_id__in=departments, answer__isnull=True)
        .count()
    )


# ------------------------------------------------------------------ public reads


@dataclass(frozen=True)
class PublicReply:
    """An accepted reply as the portal shows it beside the result."""

    kind: str
    kind_label: str
    text: str
    accepted_on: dt.date
    version: int  # the published version it answered


def accepted_replies(rows: Iterable[PublishedResult]) -> dict[int, list[PublicReply]]:
    """The accepted replies of the results of ``rows`` (published versions shown on a page),
    keyed by the row's pk: a reply stays beside its result after a correction. Withdrawn rows
    show nothing but that they were withdrawn."""
    by_result = {row.visit_result_id: row.pk for row in rows if row.state == PublishedResult.State.CURRENT}
    found: dict[int, list[PublicReply]] = {}
    if not by_result:
        return found
    replies = (
        EnterpriseReply.objects.filter(visit_result_id__in=by_result, status=Status.ACCEPTED)
        .values("visit_result_id", "kind", "text", "decided_at", "published_result__version")
        .order_by("decided_at", "pk")
    )

    for r in replies:
        found.setdefault(by_result[r["visit_result_id"]], []).append(
            PublicReply(
                kind=r["kind"],
                kind_label=str(EnterpriseReply.Kind(r["kind"]).label),
                text=r["text"],
                accepted_on=timezone.localdate(r["decided_at"]),
                version=r["published_result__version"],
            )
        )
    return found


@dataclass(frozen=True)
class ReplyStatus:
    """A reply as its enterprise reads it back with the code: the decision and its reason."""

    kind_label: str
    text: str
    submitted_at: dt.datetime
    status: str
    status_label: str
    decided_at: dt.datetime | None
    rejection_reason: str
    notice_id: int
    task_code: str


def replies_of_visit(visit_id: int) -> list[ReplyStatus]:
    """Every reply to the results of one visit (the visit of the code typed), newest first."""
    rows = (
        EnterpriseReply.objects.filter(visit_result__visit_id=visit_id)
        .select_related("published_result__notice__task")
        .order_by("-submitted_at", "-pk")
    )
    return [
        ReplyStatus(
            kind_label=r.get_kind_display(),
            text=r.text,
            submitted_at=r.submitted_at,
            status=r.status,
            status_label=r.get_status_display(),
            decided_at=r.decided_at,
            rejection_reason=r.rejection_reason,
            notice_id=r.published_result.notice_id,
            task_code=r.published_result.notice.task.code,
        )
        for r in rows
    ]


def current_publication_of_visit(visit_id: int) -> PublishedResult | None:
    """The version of the visit's result on the portal now, if any (for the 检查码 page's link
    to the reply form)."""
    return (
        PublishedResult.objects.filter(visit_result__visit_id=visit_id, state=PublishedResult.State.CURRENT)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class PublicAnswer:
    """A complaint's answer on the 检查码 page: the complaint's time, never its text (the code
    may have been seen by others than the enterprise)."""

    submitted_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


def answers_of_visit(visit_id: int) -> list[PublicAnswer]:
    """The complaints about one visit and the department's answers, for the 检查码 page only."""
    complaints = VisitFeedback.objects.filter(visit_id=visit_id).exclude(complaint="").order_by("-created_at", "-pk")
    answers = {a.feedback_id: a for a in ComplaintAnswer.objects.filter(feedback__in=complaints)}
    return [
        PublicAnswer(
            submitted_at=f.created_at,
            answer=answers[f.pk].text if f.pk in answers else None,
            answered_at=answers[f.pk].answered_at if f.pk in answers else None,
        )
        for f in complaints
    ]


def current_published(pk: int) -> PublishedResult | None:
    """A published version the public may reply to: shown now and not withdrawn."""
    return (
        PublishedResult.objects.filter(pk=pk, state=PublishedResult.State.CURRENT)
        .select_related("notice", "visit_result")
        .first()
    )
