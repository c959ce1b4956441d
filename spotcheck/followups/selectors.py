"""Reads of 后续处置: the lists (open, overdue, 完结, 待处置), the inbox of 抄告, an item's
follow-ups and the visit's rows for the 检查结果告知. Each takes the reader's scope (and user,
for the teams they are on) and returns rows with what the pages show already joined."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from spotcheck.accounts.scope import Scope
from spotcheck.followups.access import inbox_departments, visible_condition
from spotcheck.followups.models import FollowUp, ReCheck
from spotcheck.results.models import ItemResult, VisitResult

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

Kind = FollowUp.Kind
Status = FollowUp.Status
FINAL = (VisitResult.Status.CONFIRMED, VisitResult.Status.APPROVED)

_ITEM = (
    "item_version__item",
    "department",
    "visit_result__visit__task",
    "visit_result__visit__inspection_object",
)
_FOLLOWUP = ("department", "target_department", *(f"item_result__{r}" for r in _ITEM))


def overdue_days() -> int:
    return settings.SPOTCHECK_FOLLOWUP_OVERDUE_DAYS


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Open follow-ups that are overdue: a 责令改正 past its due date (a re-check either closes
    it or sets a new date, so a past date means none came), or any open one older than
    ``SPOTCHECK_FOLLOWUP_OVERDUE_DAYS``."""
    now = now or timezone.now()
    too_old = Q(created_at__lt=now - dt.timedelta(days=overdue_days()))
    past_due = Q(kind=Kind.RECTIFY, due_on__lt=timezone.localdate(now))
    return Q(status=Status.OPEN) & (too_old | past_due)


def _visible(qs: QuerySet, scope: Scope, user: User, prefix: str) -> QuerySet:
    condition = visible_condition(scope, user, prefix)
    return qs if condition is None else qs.filter(condition)


def followups_for(
    scope: Scope, user: User, *, state: str = "open", department_id: int | None = None
) -> QuerySet[FollowUp]:
    """The follow-ups the reader sees in ``state`` — open, overdue, closed (完结), withdrawn or
    all — optionally of one department; the rows carry the item, visit, task and object."""
    qs = _visible(FollowUp.objects.select_related(*_FOLLOWUP), scope, user, "item_result__")
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if state == "overdue":
        qs = qs.filter(overdue_q()).order_by("due_on", "created_at", "id")
    elif state in (Status.OPEN, Status.CLOSED, Status.WITHDRAWN):
        qs = qs.filter(status=state)
    return qs


def pending_items(scope: Scope, user: User, *, department_id: int | None = None) -> QuerySet[ItemResult]:
    """待处置: problem items of final results with no standing follow-up (none, or all
    withdrawn), the oldest result first."""
    standing = FollowUp.objects.filter(item_result_id=OuterRef("pk")).exclude(status=Status.WITHDRAWN)
    qs = (
        ItemResult.objects.filter(problem_found=True, visit_result__status__in=FINAL)
        .filter(~Exists(standing))
        .select_related(*_ITEM)
        .order_by("visit_result__completed_on", "pk")
    )
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return _visible(qs, scope, user, "")


def inbox_for(scope: Scope, *, department_id: int | None = None) -> QuerySet[FollowUp]:
    """抄告 addressed to the departments whose inbox the reader reads, the newest first
    (withdrawn ones too, marked: the target may already have acted on them)."""
    qs = FollowUp.objects.filter(kind=Kind.NOTIFY).select_related(*_FOLLOWUP, "notice_read_by", "notice_handled_by")
    departments = inbox_departments(scope)
    if departments is not None:
        qs = qs.filter(target_department_id__in=departments)
    if department_id is not None:
        qs = qs.filter(target_department_id=department_id)
    return qs.order_by("-created_at", "-id")


def unread_notice_count(scope: Scope) -> int:
    return inbox_for(scope).filter(notice_read_at__isnull=True).exclude(status=Status.WITHDRAWN).count()


def item_followups(item: ItemResult) -> list[FollowUp]:
    """An item's follow-ups, the oldest first, with their re-checks and officers."""
    rechecks = ReCheck.objects.prefetch_related("officers").select_related("recorded_by").order_by("checked_on", "id")
    return list(
        FollowUp.objects.filter(item_result=item)
        .select_related("target_department", "created_by", "closed_by", "withdrawn_by")
        .prefetch_related(Prefetch("rechecks", queryset=rechecks))
        .order_by("created_at", "id")
    )


def notice_items(visit_result: VisitResult) -> list[ItemResult]:
    """The items of a result for the 检查结果告知, each with its standing follow-ups."""
    standing = FollowUp.objects.exclude(status=Status.WITHDRAWN).order_by("created_at", "id")
    return list(
        visit_result.items.select_related("item_version__item", "department").prefetch_related(
            Prefetch("followups", queryset=standing, to_attr="standing_followups")
        )
    )
