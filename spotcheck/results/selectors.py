"""检查结果 reads: the items a visit's result covers, the result page, the revisions as readable
rows (and what changed between two), what counts as final, and the states 我的检查 can show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Membership
from spotcheck.catalog.models import ChecklistQuestion, ItemVersion
from spotcheck.draws.models import Task, Visit
from spotcheck.results import access
from spotcheck.results.codes import OFF_SITE_METHODS, Method, NotCarriedOut, ResultCode
from spotcheck.results.content import EntryItem
from spotcheck.results.models import ItemResult, ResultConfirmation, ResultDraft, ResultRevision, VisitResult

Status = VisitResult.Status


@dataclass
class EntryGroup:
    """The items of one department in the visit's result (a joint task: each department's)."""

    department: Department
    items: list[EntryItem]


def entry_groups(visit: Visit) -> list[EntryGroup]:
    """The items of the visit's own task with their questions, grouped by the item's department
    in the departments' order (for a merged visit, the other visits' teams enter theirs)."""
    versions = (
        ItemVersion.objects.filter(tasks=visit.task_id)
        .select_related("item__department")
        .prefetch_related(Prefetch("questions", queryset=ChecklistQuestion.objects.order_by("position", "pk")))
        .order_by("item__department__sort_order", "item__department_id", "item__code")
    )
    groups: dict[int, EntryGroup] = {}
    for version in versions:
        department = version.item.department
        groups.setdefault(department.pk, EntryGroup(department, [])).items.append(
            EntryItem(version, list(version.questions.all()))
        )
    return list(groups.values())


def entry_items(visit: Visit) -> list[EntryItem]:
    return [item for group in entry_groups(visit) for item in group.items]


def result_of(visit: Visit | int) -> VisitResult | None:
    pk = visit if isinstance(visit, int) else visit.pk
    return VisitResult.objects.select_related("entered_by", "updated_by", "approved_by").filter(visit_id=pk).first()


def draft_of(visit: Visit, user: Any) -> ResultDraft | None:
    return ResultDraft.objects.filter(visit=visit, user_id=user.pk).first()


# ---------------------------------------------------------------------------- readable rows


@dataclass
class Row:
    """One value of a result as a reader sees it: ``key`` compares two versions."""

    key: str
    section: str
    label: str
    value: str


def _labels(items: Iterable[EntryItem]) -> tuple[dict[int, EntryItem], dict[int, str]]:
    by_version = {entry.version.pk: entry for entry in items}
    questions = {q.pk: q.text for entry in by_version.values() for q in entry.questions}
    return by_version, questions


def revision_rows(data: Mapping[str, Any], items: Iterable[EntryItem]) -> list[Row]:
    """A saved (canonical) result as rows, in checklist order."""
    by_version, questions = _labels(items)
    answers = dict(ItemResult.Answer.choices)
    visit_section = str(_("本次检查"))
    rows = [
        Row(
            "outcome", visit_section, _("检查情况"), str(dict(VisitResult.Outcome.choices).get(data.get("outcome"), ""))
        ),
        Row("completed_on", visit_section, _("抽查完成日期"), data.get("completed_on") or ""),
    ]
    if data.get("outcome") == VisitResult.Outcome.NOT_CARRIED_OUT:
        reason = dict(NotCarriedOut.choices).get(data.get("not_carried_out_reason"), "")
        rows.append(Row("reason", visit_section, _("未能检查原因"), str(reason)))
        rows.append(Row("reason_note", visit_section, _("未能检查说明"), data.get("not_carried_out_note", "")))
        return rows
    for item in data.get("items", []):
        entry = by_version.get(item["item_version"])
        section = entry.label if entry else f"#{item['item_version']}"
        k = f"i{item['item_version']}"
        rows.append(Row(f"{k}-checked", section, _("是否检查"), str(_("是") if item["checked"] else _("否"))))
        if item["checked"]:
            method = str(Method(item["method"]).label) if item["method"] in Method.values else item["method"]
            if item.get("adopted_from"):
                method = f"{method}（{item['adopted_from']}）"
            rows.append(Row(f"{k}-method", section, _("核查方式"), method))
            codes = "、".join(
                f"{c} {ResultCode(c).label}" if c in ResultCode.values else c for c in item.get("codes", [])
            )
            rows.append(Row(f"{k}-codes", section, _("检查结果"), codes))
            for answer in item.get("answers", []):
                text = str(answers.get(answer["answer"], answer["answer"]))
                if answer.get("note"):
                    text = f"{text}：{answer['note']}"
                rows.append(Row(f"{k}-q{answer['question']}", section, questions.get(answer["question"], "?"), text))
            rows.append(Row(f"{k}-checked_on", section, _("检查日期"), item.get("checked_on") or ""))
        if item.get("note"):
            rows.append(Row(f"{k}-note", section, _("检查情况说明"), item["note"]))
    return rows


@dataclass
class ComparedRow:
    section: str
    label: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right


def compare_rows(left: list[Row], right: list[Row]) -> list[ComparedRow]:
    """Two versions side by side, row by row (a value only one side has shows blank on the other)."""
    right_by_key = {row.key: row for row in right}
    seen = set()
    compared = []
    for row in left:
        other = right_by_key.get(row.key)
        compared.append(ComparedRow(row.section, row.label, row.value, other.value if other else ""))
        seen.add(row.key)
    compared += [ComparedRow(r.section, r.label, "", r.value) for r in right if r.key not in seen]
    return compared


@dataclass
class RevisionView:
    revision: ResultRevision
    rows: list[Row]
    # What changed from the revision before it (empty for the first).
    changes: list[ComparedRow] = field(default_factory=list)


def revision_history(visit_result: VisitResult, items: list[EntryItem]) -> list[RevisionView]:
    """Every revision, newest first, each with what changed from the one before."""
    revisions = list(visit_result.revisions.select_related("saved_by__api_token", "entered_for").order_by("number"))
    views: list[RevisionView] = []
    previous: list[Row] | None = None
    for revision in revisions:
        rows = revision_rows(revision.data, items)
        changes = [c for c in compare_rows(previous, rows) if c.changed] if previous is not None else []
        views.append(RevisionView(revision, rows, changes))
        previous = rows
    return list(reversed(views))


# ---------------------------------------------------------------------------- the result page


@dataclass
class ResultPage:
    visit: Visit
    result: VisitResult | None
    groups: list[EntryGroup]
    # Per item version id, its ItemResult.
    item_results: dict[int, ItemResult]
    # The confirmations of the current revision, oldest first.
    confirmations: list[ResultConfirmation]
    saved_by_id: int | None
    needs_approval: bool
    # The officer the current revision counts as saved by (the one a system entered for, or the
    # saver's own team inspector): their confirmation carries the 录入人 badge.
    saver_inspector_id: int | None = None
    # "由 {系统} 代 {姓名} 录入" or the person's name, of the first and of the current revision.
    entered_by_label: str = ""
    updated_by_label: str = ""

    @property
    def confirmations_needed(self) -> int:
        return settings.SPOTCHECK_RESULT_CONFIRMATIONS

    @property
    def grouped(self) -> list[tuple[Department, list[tuple[EntryItem, ItemResult | None]]]]:
        return [
            (group.department, [(entry, self.item_results.get(entry.version.pk)) for entry in group.items])
            for group in self.groups
        ]


def result_page(visit: Visit) -> ResultPage:
    """What the result page shows (``visit`` fetched through access, with its task's lead
    department)."""
    result = result_of(visit)
    groups = entry_groups(visit)
    item_results: dict[int, ItemResult] = {}
    confirmations: list[ResultConfirmation] = []
    saved_by_id = saver_inspector = None
    labels = {"entered_by_label": "", "updated_by_label": ""}
    if result is not None:
        item_results = {row.item_version_id: row for row in result.items.all()}
        confirmations = list(
            result.confirmations.filter(revision=result.revision)
            .select_related("inspector", "user__api_token")
            .order_by("confirmed_at")
        )
        revisions = {
            r.number: r
            for r in result.revisions.filter(number__in={1, result.revision}).select_related(
                "saved_by__api_token", "entered_for"
            )
        }
        first, current = revisions.get(1), revisions.get(result.revision)
        labels = {
            "entered_by_label": first.saved_by_label if first else result.entered_by.display_name,
            "updated_by_label": current.saved_by_label if current else result.updated_by.display_name,
        }
        if current is not None:
            saved_by_id = current.saved_by_id
            saver_inspector = access.saver_inspector_id(visit, current.saved_by_id, current.entered_for_id)
    return ResultPage(
        visit,
        result,
        groups,
        item_results,
        confirmations,
        saved_by_id,
        visit.task.lead_department.results_need_approval,
        saver_inspector,
        **labels,
    )


# ---------------------------------------------------------------------------- final results


def final_results_q(prefix: str = "") -> Q:
    """The results that count as final (for publication, task completion, statistics): approved,
    or confirmed where the task's lead department does not ask for approval. ``prefix`` is the
    path to a VisitResult from the queried model (``"result__"`` from a Visit)."""
    return Q(**{f"{prefix}status": Status.APPROVED}) | Q(
        **{f"{prefix}status": Status.CONFIRMED, f"{prefix}visit__task__lead_department__results_need_approval": False}
    )


def is_final(visit_result: VisitResult) -> bool:
    if visit_result.status == Status.APPROVED:
        return True
    return visit_result.status == Status.CONFIRMED and not visit_result.visit.task.lead_department.results_need_approval


def final_results() -> QuerySet[VisitResult]:
    return VisitResult.objects.filter(final_results_q())


# ---------------------------------------------------------------------------- approval page


def results_for_approval(task: Task) -> QuerySet[VisitResult]:
    """The task's results in the order of its visits, with their object."""
    return (
        VisitResult.objects.filter(visit__task=task)
        .select_related("visit__inspection_object", "visit__stratum", "approved_by")
        .order_by("visit__stratum__name", "visit__rank")
    )


def task_result_counts(task: Task) -> dict[str, int]:
    visits = Visit.objects.filter(task=task).count()
    counts = {s: 0 for s in Status.values}
    for status in VisitResult.objects.filter(visit__task=task).values_list("status", flat=True):
        counts[status] += 1
    return counts | {"visits": visits, "missing": visits - sum(counts.values())}


# ---------------------------------------------------------------------------- 我的检查


def result_states(visit_ids: Iterable[int]) -> dict[int, str]:
    """The result status of each visit that has a result (one query), for list badges."""
    return dict(VisitResult.objects.filter(visit_id__in=list(visit_ids)).values_list("visit_id", "status"))


# ---------------------------------------------------------------------------- for other pages


def tasks_with_results_to_approve(scope: Any) -> QuerySet[Task]:
    """The approver's 待办 (for the lead to wire into the home page): drawn tasks led by a
    department where the scope approves and that asks for result approval, with a confirmed
    result not yet approved."""
    departments = scope.departments_with_role(Membership.Role.APPROVER)
    waiting = VisitResult.objects.filter(visit__task=OuterRef("pk"), status=Status.CONFIRMED)
    return Task.objects.filter(
        lead_department_id__in=departments,
        lead_department__results_need_approval=True,
        status=Task.Status.DRAWN,
    ).filter(Exists(waiting))


def on_site_results() -> QuerySet[VisitResult]:
    """Results of visits that went through the door (for the yearly cap and the statistics): the
    visit took place and at least one checked item was checked by a method that is not
    off-site (书面/采用/网络监测 are recorded as such and do not count)."""
    on_site_items = ItemResult.objects.filter(visit_result=OuterRef("pk"), checked=True).exclude(
        method__in=[str(m) for m in OFF_SITE_METHODS]
    )
    return VisitResult.objects.filter(outcome=VisitResult.Outcome.CARRIED_OUT).filter(Exists(on_site_items))
