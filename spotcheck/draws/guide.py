"""The ceremony as steps for the task page (issue 12, item 2): 冻结对象库 → 发布任务公告 → 见证人输入
→ 揭晓并抽取 → 公布名单, each done, current or to come, with who acts and what is still missing —
the same rules the services enforce (witness count and departments, redraw approval, the match
check), said in words before the user presses a button that would be refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.accounts.selectors import departments_of
from spotcheck.draws.models import Draw, Task, WitnessInput
from spotcheck.draws.services import independent_witnesses
from spotcheck.drawspec import engine

Status = Task.Status


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current" or "todo"
    actor: str
    missing: str = ""


def witnesses_missing(
    task: Task, witnesses: Sequence[WitnessInput], own_departments: Mapping[int, set[int]] | None = None
) -> str:
    """What the draw still needs of the witnesses ("" when nothing): the count, and for a joint
    task inputs from two departments (an operator typing for their own department does not count).
    ``own_departments``: the typists' departments, read once for many tasks."""
    need = max(engine.MIN_WITNESSES - len(witnesses), 0)
    if task.is_joint:
        departments = {w.department_id for w in independent_witnesses(witnesses, own_departments)}
        if len(departments) == 1:
            return _("还需 %(n)s 名见证人（须来自另一部门）") % {"n": max(need, 1)}
        if not departments:
            return _("还需 %(n)s 名见证人（须来自两个部门，本人登录录入或由其他部门代录）") % {"n": max(need, 2)}
    if need:
        return _("还需 %(n)s 名见证人") % {"n": need}
    return ""


def ceremony_steps(
    task: Task,
    *,
    draw: Draw | None,
    witnesses: Sequence[WitnessInput],
    departments: Sequence[Any],
    busy: bool,
) -> list[Step]:
    """The five steps of ``task``'s ceremony; ``departments`` are its participating ones (read
    by the page), ``busy`` whether a freeze or draw runs in the background."""
    lead = task.lead_department.short_name
    operator = _("%(dept)s管理员（或联席办）") % {"dept": lead}
    witness_departments = "、".join([lead, *(d.short_name for d in departments if d.pk != task.lead_department_id)])
    drawn = task.status == Status.DRAWN or (draw is not None and draw.is_drawn)
    announced = drawn or task.status == Status.ANNOUNCED
    frozen = announced or task.status == Status.FROZEN
    list_public = drawn and task.list_published_at is not None
    done = [frozen, announced, drawn, drawn, list_public]

    freeze_missing = ""
    freeze_actor = operator
    if task.redraw_status == Task.RedrawStatus.REQUESTED:
        freeze_missing, freeze_actor = _("重新抽取待联席办批准"), _("联席办（批准重新抽取）")
    elif task.redraw_status == Task.RedrawStatus.REFUSED:
        freeze_missing = _("联席办不同意重新抽取：本任务不能冻结，请作废")
    announce_missing = ""
    check = draw.match_check if draw is not None and task.status == Status.FROZEN else None
    if check and not check["feasible"]:
        if check.get("suggested_cap"):
            announce_missing = _("匹配检查未通过：建议上限 %(cap)s") % {"cap": check["suggested_cap"]}
        else:
            announce_missing = _("匹配检查未通过：提高上限也无法解决，请调整岗位或人员")
    witness_missing = witnesses_missing(task, witnesses) if announced and not drawn else ""
    draw_missing = ""
    if task.match_failed_at is not None and not drawn:
        draw_missing = _("匹配失败：请作废后重新创建任务")
    elif witness_missing:
        draw_missing = _("见证人输入未齐：%(missing)s") % {"missing": witness_missing}
    if task.list_publication == Task.ListPublication.WITH_NOTICE:
        list_actor, list_missing = _("抽取后自动公开（随任务公告公布）"), ""
    else:
        list_actor, list_missing = operator, _("检查结束后由发起部门公开")
    if busy:
        busy_note = _("后台处理中，完成后本页自动刷新")
        freeze_missing = freeze_missing or (busy_note if not frozen else "")
        draw_missing = busy_note if announced and not drawn else draw_missing

    rows = [
        ("freeze", _("冻结对象库"), freeze_actor, freeze_missing),
        ("announce", _("发布任务公告"), operator, announce_missing),
        (
            "witnesses",
            _("见证人输入"),
            _("见证人（%(depts)s），或由发起部门代为录入") % {"depts": witness_departments},
            witness_missing,
        ),
        ("draw", _("揭晓并抽取"), operator, draw_missing),
        ("publish", _("公布名单"), list_actor, list_missing),
    ]
    # The witness step and the draw are current together: inputs are taken until the draw.
    current = None if task.status == Status.CANCELLED else next((i for i, d in enumerate(done) if not d), None)
    steps = []
    for i, (key, label, actor, missing) in enumerate(rows):
        if done[i]:
            state = "done"
        elif current is not None and (i == current or (current == 2 and i == 3 and not witness_missing)):
            state = "current"
        else:
            state = "todo"
        steps.append(Step(key, label, state, actor, missing if not done[i] else ""))
    return steps


# ------------------------------------------------------------------ tasks by step (the 待办)


class TaskStep(models.TextChoices):
    """Where a task waits in its ceremony, as the home page counts and the task list filters:
    the steps above, with the witness step split by whether the inputs are complete."""

    DRAFT = "draft", gettext_lazy("草稿，待冻结")
    REDRAW = "redraw", gettext_lazy("重新抽取，待联席办批准")
    FROZEN = "frozen", gettext_lazy("已冻结，待发布公告")
    WITNESSES = "witnesses", gettext_lazy("已公告，待见证人输入")
    READY = "ready", gettext_lazy("见证人输入已齐，待抽取")
    UNPUBLISHED = "unpublished", gettext_lazy("已抽取，待公布名单")


_STEP_FILTERS = {
    TaskStep.DRAFT: Q(status=Status.DRAFT) & ~Q(redraw_status=Task.RedrawStatus.REQUESTED),
    TaskStep.REDRAW: Q(status=Status.DRAFT, redraw_status=Task.RedrawStatus.REQUESTED),
    TaskStep.FROZEN: Q(status=Status.FROZEN),
    TaskStep.UNPUBLISHED: Q(status=Status.DRAWN, list_published_at__isnull=True),
}
_ANNOUNCED = Q(status=Status.ANNOUNCED, match_failed_at__isnull=True)


def _waiting_for_witnesses(tasks: QuerySet[Task]) -> tuple[set[int], set[int]]:
    """The announced tasks among ``tasks`` (the match not failed) whose witness inputs are
    missing, and those ready to draw: ``witnesses_missing`` for each, in three queries (the
    tasks, their inputs, the typists' departments). Announced tasks are few at any time."""
    announced = list(
        Task.objects.filter(pk__in=tasks.filter(_ANNOUNCED).values("pk"))
        .only("pk", "kind")
        .prefetch_related(Prefetch("witness_inputs", queryset=WitnessInput.objects.order_by("position")))
    )
    typists = departments_of({w.entered_by_id for t in announced for w in t.witness_inputs.all()})
    missing, ready = set(), set()
    for task in announced:
        (missing if witnesses_missing(task, list(task.witness_inputs.all()), typists) else ready).add(task.pk)
    return missing, ready


def tasks_at_step(tasks: QuerySet[Task], step: str) -> QuerySet[Task]:
    """``tasks`` narrowed to those waiting at ``step`` (a ``TaskStep``)."""
    if step in _STEP_FILTERS:
        return tasks.filter(_STEP_FILTERS[TaskStep(step)])
    missing, ready = _waiting_for_witnesses(tasks)
    return tasks.filter(pk__in=missing if step == TaskStep.WITNESSES else ready)


def step_counts(tasks: QuerySet[Task]) -> dict[str, int]:
    """How many of ``tasks`` wait at each step: one aggregate, and the announced ones read to
    tell whether their witness inputs are complete (three queries, none when there is none)."""
    ids = Task.objects.filter(pk__in=tasks.values("pk"))
    counts = ids.aggregate(
        **{step.value: Count("pk", filter=condition) for step, condition in _STEP_FILTERS.items()},
        announced=Count("pk", filter=_ANNOUNCED),
    )
    missing: set[int] = set()
    ready: set[int] = set()
    if counts.pop("announced"):
        missing, ready = _waiting_for_witnesses(tasks)
    counts[TaskStep.WITNESSES.value], counts[TaskStep.READY.value] = len(missing), len(ready)
    return {step.value: counts[step.value] for step in TaskStep}
