"""The daily reminders (提醒, issue 13 item 10): in-app notices (and e-mail where configured)
about the dashboard's lists, once per user, thing and day.

- a visit near its window's end and not done: to each of its team members who has a login,
  one notice per visit; to the lead department's admins, one per task;
- results due for publication soon, and overdue: to the lead department's admins, one per
  task and list.

Before that it recomputes the deadlines still provisional (a year entered, or a newer
chinesecalendar, may have settled them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.selectors import role_holders
from spotcheck.audit.services import audit_record
from spotcheck.deadlines.recompute import publication_deadlines_recompute
from spotcheck.deadlines.selectors import Board, Horizon, results_to_publish, visits_not_done
from spotcheck.draws.models import VisitMember
from spotcheck.notices.models import Notice
from spotcheck.notices.services import NoticeDraft, notices_send
from spotcheck.workdays.selectors import current_calendar


@dataclass(frozen=True)
class ReminderRun:
    day: dt.date
    recomputed: int
    sent: int


def _admins_of(department_ids: set[int]) -> dict[int, list[int]]:
    """Department → the user ids of its active department admins."""
    admins: dict[int, list[int]] = defaultdict(list)
    for membership in role_holders(Membership.Role.DEPT_ADMIN).filter(department_id__in=department_ids):
        admins[membership.department_id].append(membership.user_id)
    return admins


def _visit_drafts(horizon: Horizon) -> list[NoticeDraft]:
    day = horizon.today.isoformat()
    visits = visits_not_done(None, horizon, late=False)
    drafts: list[NoticeDraft] = []
    members = (
        VisitMember.objects.filter(visit__in=visits.order_by().values("pk"), inspector__user__isnull=False)
        .select_related("visit__task", "visit__inspection_object", "inspector")
        .order_by("visit_id", "position")
    )
    for member in members.iterator(chunk_size=2000):
        visit, task = member.visit, member.visit.task
        drafts.append(
            NoticeDraft(
                user_id=member.inspector.user_id,
                kind=Notice.Kind.VISIT_WINDOW,
                key=f"visit-window:{visit.pk}:{day}",
                title=_("检查将于 %(date)s 截止：%(object)s")
                % {"date": task.window_end.isoformat(), "object": visit.inspection_object.name},
                body=_("任务 %(code)s %(title)s 的这次检查还没有确认的检查结果。")
                % {"code": task.code, "title": task.title},
                link=reverse("inspections:visit_detail", args=[visit.pk]),
            )
        )
    per_task = (
        visits.order_by()
        .values("task_id", "task__code", "task__title", "task__window_end", "task__lead_department_id")
        .annotate(n=Count("pk"))
    )
    rows = list(per_task)
    admins = _admins_of({row["task__lead_department_id"] for row in rows})
    for row in rows:
        for user_id in admins.get(row["task__lead_department_id"], []):
            drafts.append(
                NoticeDraft(
                    user_id=user_id,
                    kind=Notice.Kind.VISIT_WINDOW,
                    key=f"task-visits-window:{row['task_id']}:{day}",
                    title=_("任务 %(code)s 有 %(n)d 个检查尚未完成，检查截止日期 %(date)s")
                    % {"code": row["task__code"], "n": row["n"], "date": row["task__window_end"].isoformat()},
                    body=row["task__title"],
                    link=reverse("deadlines:list", args=[Board.VISITS_SOON.value]),
                )
            )
    return drafts


def _result_drafts(horizon: Horizon, *, overdue: bool) -> list[NoticeDraft]:
    day = horizon.today.isoformat()
    board = Board.RESULTS_OVERDUE if overdue else Board.RESULTS_DUE
    rows = list(
        results_to_publish(None, horizon, overdue=overdue)
        .order_by()
        .values("visit__task_id", "visit__task__code", "visit__task__title", "visit__task__lead_department_id")
        .annotate(
            n=Count("pk"),
            first_due=Min("publication_due_on"),
            provisional=Count("pk", filter=Q(publication_due_provisional=True)),
        )
    )
    admins = _admins_of({row["visit__task__lead_department_id"] for row in rows})
    drafts = []
    for row in rows:
        date = row["first_due"].isoformat()
        if row["provisional"]:
            date = _("%(date)s，含暂定期限") % {"date": date}
        values = {"code": row["visit__task__code"], "n": row["n"], "date": date}
        if overdue:
            title = _("任务 %(code)s 有 %(n)d 条检查结果逾期未公示（最早期限 %(date)s）") % values
        else:
            title = _("任务 %(code)s 有 %(n)d 条检查结果即将到公示期限（最早 %(date)s）") % values
        for user_id in admins.get(row["visit__task__lead_department_id"], []):
            drafts.append(
                NoticeDraft(
                    user_id=user_id,
                    kind=Notice.Kind.PUBLICATION_OVERDUE if overdue else Notice.Kind.PUBLICATION_DUE,
                    key=f"{board.value}:{row['visit__task_id']}:{day}",
                    title=title,
                    body=row["visit__task__title"],
                    link=reverse("deadlines:list", args=[board.value]),
                )
            )
    return drafts


@transaction.atomic
def reminders_send(*, today: dt.date | None = None) -> ReminderRun:
    """The day's reminders (the job and ``manage.py send_reminders``): a run repeated on the
    same day sends nothing new. One audit entry per run that recomputed or sent anything."""
    today = today or timezone.localdate()
    recomputed = publication_deadlines_recompute(actor=None)
    horizon = Horizon.on(today, current_calendar())
    drafts = _visit_drafts(horizon) + _result_drafts(horizon, overdue=False) + _result_drafts(horizon, overdue=True)
    sent = notices_send(drafts)
    if sent:
        by_kind: dict[str, int] = defaultdict(int)
        for notice in sent:
            by_kind[notice.kind] += 1
        audit_record(
            actor=None,
            action="deadlines.reminders.send",
            target_type="notices.notice",
            target_repr=_("%(day)s 的提醒 %(n)d 条") % {"day": today.isoformat(), "n": len(sent)},
            after={"day": today, "count": len(sent), "by_kind": dict(by_kind), "users": len({n.user_id for n in sent})},
        )
    return ReminderRun(day=today, recomputed=recomputed, sent=len(sent))
