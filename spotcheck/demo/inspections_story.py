"""The demo's inspections (issue 13, item 14): after the draws, a drawn task that 市场监管 leads or
joins (the first with room for the story's visits) lives its inspections, every step through
the services with the demo accounts as actors and on a day of ``clock.InspectionDays``
(``clock_at``), so pages show each state:

approved → checked in (with a generated evidence photo) → results entered → confirmed by two
officers (one corrected with a reason and confirmed anew) → follow-ups: one 责令改正 whose
deadline has passed (overdue), one open with a deadline ahead, one closed; the enterprise's
rating of one visit.

The days are counted back from the load day so that on it the deadline dashboard (/deadlines/)
lists results overdue for publication and results due within the warning working days (the
windows that end just before and just after it are the tasks', ``plans_and_draws.Windows``).
They come after the story's last step
(``Story.rule``), so the audit trail still reads in time order.

The demo's ``scjg_inspector`` username is first given to the login of the roster inspector of
市场监管 on the most of those teams (swapped with the username that login had), so 我的检查
is not empty and the account's name is that inspector's.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from PIL import Image, ImageDraw

from spotcheck.accounts.models import User
from spotcheck.accounts.services import reference_save
from spotcheck.demo.clock import InspectionDays, add_working_days, at, clock_at, working_day_on_or_after
from spotcheck.draws.models import Task, Visit, VisitMember
from spotcheck.evidence.services import evidence_upload
from spotcheck.followups.models import FollowUp
from spotcheck.followups.services import followup_close, followup_open
from spotcheck.inspections.check_in import visit_check_in
from spotcheck.inspections.feedback import visit_feedback_submit
from spotcheck.inspections.services import visits_approve
from spotcheck.inspectors.models import Inspector
from spotcheck.results.models import ItemResult, VisitResult
from spotcheck.results.selectors import entry_items
from spotcheck.results.services import result_confirm, result_save

DEMO_DEPARTMENT = "SCJG"
DEMO_INSPECTOR = "scjg_inspector"
# Visits the story takes through its steps (the team's two officers must both have logins).
VISITS_CHECKED_IN = 6
SYSADMIN = "sysadmin"
# Working days the open 责令改正 leaves the enterprise after the load day; the overdue one had
# this many after it was opened.
OPEN_RECTIFY_WORKING_DAYS = 10
OVERDUE_RECTIFY_WORKING_DAYS = 3
# The results confirmed first (overdue for publication on the load day); the others of the
# confirmed ones come due within the warning days.
EARLY_CONFIRMED = (0, 1, 3)
RATING = 5


@dataclass
class _Visit:
    visit: Visit
    users: list[User]  # the team's officers' logins, the demo inspector first


def _takeable(task: Task, day: dt.date) -> Counter[int]:
    """Per 市场监管 inspector, the visits of ``task`` the story can take with them: every officer
    of the team with a login and a certificate valid on ``day`` (both confirm the result)."""
    takeable: Counter[int] = Counter()
    members = (
        VisitMember.objects.filter(visit__task=task)
        .select_related("inspector__department")
        .order_by("visit_id", "position")
    )
    for _visit_id, rows in itertools.groupby(members, key=lambda m: m.visit_id):
        officers = [m.inspector for m in rows if m.inspector.user_id and m.inspector.certificate_valid_on(day)]
        if len(officers) >= 2:
            takeable.update(i.pk for i in officers if i.department.code == DEMO_DEPARTMENT)
    return takeable


def _story_task(day: dt.date) -> Task | None:
    """The drawn task 市场监管 leads or joins where one of its inspectors can take the story's
    visits (``VISITS_CHECKED_IN``, else the most), the earliest drawn among equals."""
    joined = Q(lead_department__code=DEMO_DEPARTMENT) | Q(participating_departments__code=DEMO_DEPARTMENT)
    tasks = (
        Task.objects.filter(joined, status=Task.Status.DRAWN)
        .select_related("draw", "lead_department")
        .order_by("draw__drawn_at", "pk")
        .distinct()
    )
    best, most = None, 0
    for task in tasks:
        room = min(max(_takeable(task, day).values(), default=0), VISITS_CHECKED_IN)
        if room > most:
            best, most = task, room
    return best


def _link_demo_inspector(*, sysadmin: User, task: Task, moments: _Moments, day: dt.date) -> Inspector | None:
    """Give the username ``scjg_inspector`` to the login of the certified 市场监管 inspector on
    the most teams of ``task`` the story can take, and that login's username to the account that had it (the
    system admin renames both through ``reference_save``, as in /admin/). Each person keeps
    their own account, name and phone: the header, 我的检查 and the teams name the same one."""
    user = User.objects.filter(username=DEMO_INSPECTOR).first()
    if user is None:
        return None
    # The inspector with the most visits the story can take, fewest pk first among equals.
    takeable = _takeable(task, day)
    if not takeable:
        return None
    best = min(takeable, key=lambda pk: (-takeable[pk], pk))
    target = Inspector.objects.select_related("user").get(pk=best)
    their_login = target.user
    if their_login.pk == user.pk:
        return target
    their_username = their_login.username
    # Usernames are unique: the demo account steps aside first.
    for login, username in ((user, f"{DEMO_INSPECTOR}-swap"), (their_login, DEMO_INSPECTOR), (user, their_username)):
        with clock_at(moments.on(day)):
            login.username = username
            reference_save(actor=sysadmin, instance=login, is_new=False)
    target.user = their_login
    return target


class _Moments:
    """Moments on the story's days (which only go forward): from 09:30 on a new day, ``STEP``
    after the one before on the same day."""

    STEP = dt.timedelta(minutes=3)

    def __init__(self) -> None:
        self.moment: dt.datetime | None = None

    def on(self, day: dt.date) -> dt.datetime:
        first = at(day, 9, 30)
        self.moment = first if self.moment is None or self.moment < first else self.moment + self.STEP
        return self.moment


def _story_visits(task: Task, inspector: Inspector, day: dt.date) -> list[_Visit]:
    """The demo inspector's visits of ``task`` whose every officer has a login and a valid
    certificate (both confirm), the first ``VISITS_CHECKED_IN``."""
    chosen = []
    visits = list(
        Visit.objects.filter(task=task, members__inspector=inspector)
        .order_by("rank", "pk")
        .select_related("task", "inspection_object")
    )
    # gaps14: the objects another department's draw took too come last, so the portal's story
    # (portal_story) finds one still open to publish the results of both departments.
    shared = set(
        Visit.objects.filter(inspection_object_id__in=[v.inspection_object_id for v in visits])
        .exclude(task__lead_department_id=task.lead_department_id)
        .exclude(task__status=Task.Status.CANCELLED)
        .values_list("inspection_object_id", flat=True)
    )
    visits.sort(key=lambda v: v.inspection_object_id in shared)
    for visit in visits:
        members = [m.inspector for m in visit.members.select_related("inspector__user").order_by("position")]
        officers = [i for i in members if i.user_id is not None and i.certificate_valid_on(day)]
        if len(officers) < 2 or inspector not in officers:
            continue
        users = [inspector.user] + [i.user for i in officers if i.pk != inspector.pk]
        chosen.append(_Visit(visit, users[:2]))
        if len(chosen) == VISITS_CHECKED_IN:
            break
    return chosen


def _result_data(visit: Visit, day: dt.date, *, problem: bool, note: str = "") -> dict[str, Any]:
    items = {}
    for entry in entry_items(visit):
        answer = "nonconforming" if problem else "conforms"
        items[str(entry.version.pk)] = {
            "checked": True,
            "method": "1",
            "adopted_from": "",
            "codes": ["A", "B"] if problem else ["1"],
            "answers": {str(q.pk): {"answer": answer, "note": ""} for q in entry.questions},
            "note": note or ("未按规定公示年度报告信息。" if problem else "现场检查情况良好。"),
            "checked_on": "",
        }
    return {"outcome": "carried_out", "completed_on": day.isoformat(), "items": items}


def _photo(visit: Visit) -> io.BytesIO:
    """A generated evidence photo (JPEG): a shop front in flat colours with the visit's id."""
    image = Image.new("RGB", (800, 600), (186, 205, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 180, 680, 560), fill=(226, 214, 190), outline=(90, 80, 70), width=6)
    draw.rectangle((160, 220, 640, 290), fill=(170, 40, 40))
    draw.rectangle((330, 360, 470, 560), fill=(110, 80, 60))
    draw.text((180, 240), visit.public_id, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    out.seek(0)
    out.name = f"{visit.public_id}.jpg"
    return out


def _confirm_by_both(result: VisitResult, users: list[User]) -> None:
    for user in users:
        result_confirm(actor=user, visit_result=result, revision=result.revision)


def create_inspections(*, users: dict[str, int], days: InspectionDays) -> dict[str, int]:
    """The inspections of a drawn task 市场监管 takes part in (``_story_task``), each step on its
    day of ``days`` (see the module's docstring). Returns counts."""
    task = _story_task(days.start)
    if task is None:
        return {}
    actors = User.objects.in_bulk(list(users.values()))
    actors = {name: actors[pk] for name, pk in users.items()}
    approver = actors[f"{task.lead_department.code.lower()}_approver"]
    moments = _Moments()
    start = days.start

    inspector = _link_demo_inspector(sysadmin=actors[SYSADMIN], task=task, moments=moments, day=start)
    if inspector is None:
        return {}
    with clock_at(moments.on(start)):
        approvals = visits_approve(actor=approver, task=task)
    story = _story_visits(task, inspector, start)
    counts = {"visits_approved": len(approvals), "visits_checked_in": 0}
    for row in story:
        with clock_at(moments.on(start)):
            visit_check_in(actor=row.users[0], visit=row.visit)
        counts["visits_checked_in"] += 1
    if not story:
        return counts
    with clock_at(moments.on(start)):
        evidence_upload(actor=story[0].users[0], visit=story[0].visit, file=_photo(story[0].visit), caption="门店外观")
    counts["evidence"] = 1
    # Results: the first three with a problem (for the follow-ups), the fourth without one and
    # then corrected, the fifth confirmed without a problem, the sixth entered only. The first,
    # second and fourth are confirmed early enough to be overdue for publication on the load
    # day, the others so that their deadline falls within the warning days.
    results: list[VisitResult] = []
    for n, row in enumerate(story):
        with clock_at(moments.on(start)):
            data = _result_data(row.visit, start, problem=n < 3)
            results.append(result_save(actor=row.users[0], visit=row.visit, data=data, base_revision=None))
    confirmed = len(story) - 1 if len(story) > 1 else 1
    early = [n for n in range(confirmed) if n in EARLY_CONFIRMED]
    for n in early:
        with clock_at(moments.on(days.overdue_confirmed)):
            _confirm_by_both(results[n], story[n].users)
    # The enterprise rates the first visit.
    with clock_at(moments.on(days.overdue_confirmed)):
        visit_feedback_submit(visit=story[0].visit, rating=RATING)
    counts["feedback"] = 1
    if 3 in early:
        # A correction of the fourth result with its reason, confirmed again by both officers.
        row = story[3]
        with clock_at(moments.on(days.corrected)):
            result = result_save(
                actor=row.users[0],
                visit=row.visit,
                data=_result_data(row.visit, start, problem=False, note="现场检查情况良好，经营场所与登记住所一致。"),
                base_revision=VisitResult.objects.get(pk=results[3].pk).revision,
                reason="补充检查情况说明：漏记经营场所核对情况。",
            )
            _confirm_by_both(result, row.users)
        counts["results_corrected"] = 1
    for n in range(confirmed):
        if n not in early:
            with clock_at(moments.on(days.due_confirmed)):
                _confirm_by_both(results[n], story[n].users)
    counts["results_confirmed"] = confirmed
    # Follow-ups need a confirmed result.
    counts.update(_followups(story, results[: min(3, confirmed)], moments, days))
    return counts


def _problem_item(result: VisitResult) -> ItemResult | None:
    return result.items.filter(problem_found=True).order_by("pk").first()


def _followups(
    story: list[_Visit], results: list[VisitResult], moments: _Moments, days: InspectionDays
) -> dict[str, int]:
    """One 责令改正 whose deadline passed before the load day (overdue), one 反馈日常监管 closed a
    few days after it was opened, one 责令改正 opened the day before the load day with its
    deadline ahead."""
    counts = {"followups_open": 0, "followups_overdue": 0, "followups_closed": 0}
    items = [_problem_item(r) for r in results]
    if len(items) < 3 or None in items:
        return counts
    with clock_at(moments.on(days.followups)):
        followup_open(
            actor=story[0].users[0],
            item_result=items[0],
            kind=FollowUp.Kind.RECTIFY,
            due_on=add_working_days(days.followups, OVERDUE_RECTIFY_WORKING_DAYS),
            note="责令限期补报年度报告。",
        )
    counts["followups_overdue"] += 1
    with clock_at(moments.on(days.followups)):
        routine = followup_open(
            actor=story[2].users[0], item_result=items[2], kind=FollowUp.Kind.ROUTINE, note="纳入日常监管。"
        )
    with clock_at(moments.on(days.closed)):
        followup_close(actor=story[2].users[0], followup=routine, closed_on=days.closed, note="日常监管中已核实整改。")
    counts["followups_closed"] += 1
    with clock_at(moments.on(days.last)):
        followup_open(
            actor=story[1].users[0],
            item_result=items[1],
            kind=FollowUp.Kind.RECTIFY,
            due_on=add_working_days(working_day_on_or_after(days.today), OPEN_RECTIFY_WORKING_DAYS),
            note="责令限期补报年度报告并公示。",
        )
    counts["followups_open"] += 1
    return counts
