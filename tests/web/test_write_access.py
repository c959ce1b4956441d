"""Every staff page that accepts a POST refuses whoever may not write there, and every other page
refuses a POST: generated from the URLconf, so that a new page fails the suite until it is
entered in one of the two tables below (issue 10, point 7).

A write view is probed by a POST from: an anonymous visitor (→ the login page), a user without a
role (→ 404), a read-only role of the department that owns the row (→ 403), the auditor (reads
everything, writes nothing: → 403), another department's admin (→ 404: the row's existence is
not revealed) and, on the pages only the joint office's coordinator writes, the owning
department's admin (→ 403). In every case nothing changed: the audit trail has no new entry and
the rows the page writes are as they were. What an allowed user does on each page is tested per
app (tests/<app>/test_views.py); the staff API has its own generated test (test_api_access.py).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone
from PIL import Image

from spotcheck.accounts.api_tokens import api_token_issue
from spotcheck.accounts.models import ApiToken
from spotcheck.audit.models import AuditEntry
from spotcheck.catalog import services as catalog
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.directory.models import InspectionObject, LevelChange, LicenceKind, ObjectLicence, Penalty
from spotcheck.draws import services as draws
from spotcheck.draws.models import (
    CeremonyJob,
    DepartmentOnSiteCap,
    Draw,
    DrawFrequencyRule,
    OnSiteInspection,
    Task,
    WitnessInput,
)
from spotcheck.evidence import services as evidence_services
from spotcheck.evidence.models import Evidence
from spotcheck.followups import services as followups
from spotcheck.followups.models import FollowUp, ReCheck
from spotcheck.imports.models import ExportJob, ImportJob
from spotcheck.inspections import services as inspections
from spotcheck.inspections.models import EmergencyStart, MergeDecline, MergedVisit, VisitApproval, VisitCheckIn
from spotcheck.inspectors import services as inspectors
from spotcheck.inspectors.models import Inspector, Recusal
from spotcheck.notices.models import Notice
from spotcheck.notices.services import NoticeDraft, notices_send
from spotcheck.planning import services as planning
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.workdays.models import HolidayYear
from tests.factories import (
    OBJECT_HEADER,
    InspectionObjectFactory,
    InspectorFactory,
    ObjectLicenceFactory,
    RecusalFactory,
    entry_kwargs,
    make_item,
    pair,
)
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------------------ out of scope

# Route prefixes whose pages are tested elsewhere or are not ours.
OUT_OF_SCOPE_PREFIXES = {
    "admin/": "Django's admin: its own permission system (is_staff and model permissions)",
    "api/": "the staff API (api/v1/) and api/'s redirect to its docs: tests/web/test_api_access.py",
    "i18n/": "Django's set_language: CSRF-protected, sets the visitor's language, holds no data",
}
# Single URLs (by name, or by route when unnamed).
OUT_OF_SCOPE_URLS = {
    "accounts:login": "authentication itself (tests/accounts/test_auth.py)",
    "accounts:logout": "authentication itself",
    "accounts:password_change": "authentication itself: a user changes their own password",
    "accounts:password_done": "authentication itself",
    "tasks/merges/": "Django's RedirectView sending old links on to inspections:merges (no view of ours)",
    # 检查码 (i13-code)
    "portal:check_code": "the public 检查码 page: an enterprise's anonymous rating/complaint by design, CSRF-protected "
    "and rate-limited (tests/inspections/test_feedback.py)",
    # voice14
    "portal:reply": "the public form of 企业说明/异议: anonymous by design, proved by the visit's 检查码, "
    "CSRF-protected and rate-limited (tests/replies/test_replies.py)",
}

# ---------------------------------------------------------------------------------- probes

LOGIN = "login"  # the expected answer to an anonymous POST: the login page, with ?next=

# Who sends each probe's POST (None: nobody logged in), unless a view says otherwise.
PROBES = {
    "anonymous": None,
    "no_role": "nobody",
    "read_only": "scjg_inspector",
    "auditor": "auditor",
    "other_department": "wsjk_admin",
    # Only on the pages that the joint office's coordinator alone writes.
    "department_admin": "scjg_admin",
}

# A row of one department (the owner is 市场监管 in every table entry below).
DEPARTMENT_ROW = {"anonymous": LOGIN, "no_role": 404, "read_only": 403, "auditor": 403, "other_department": 404}
# A decision of the joint office's coordinator (filing, merges, the yearly cap).
COORDINATOR_ONLY = DEPARTMENT_ROW | {"department_admin": 403}
# A form that creates a row: there is no row to hide; the form offers only the departments the
# user writes, so another department's is a form error and nothing is created.
NEW_ROW = DEPARTMENT_ROW | {"other_department": 200}


@dataclass(frozen=True)
class Target:
    """What a probe posts to: the URL's kwargs, the form data (valid for an allowed user where
    that is cheap) and what must not change: rows (compared field by field) and models (counted)."""

    kwargs: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    watch: tuple[Model | type[Model], ...] = ()


Fixtures = Callable[[str], Any]  # request.getfixturevalue


@dataclass(frozen=True)
class Write:
    owner: str  # who writes the row, in words
    target: Callable[[Fixtures], Target]
    expect: Mapping[str, int | str]  # probe → status code (or LOGIN); a probe left out does not apply
    personas: Mapping[str, str] = field(default_factory=dict)  # probe → persona, where not PROBES'
    form_error: str | None = None  # the field a create form refuses another department on


def _refuses(response, name: str) -> bool:
    """Whether the page's form (or, on the imports page, one of its forms) has an error on ``name``."""
    forms = [response.context.get("form"), *(k["form"] for k in response.context.get("kinds") or ())]
    return any(form is not None and name in form.errors for form in forms)


Data = Mapping[str, Any] | Callable[[Fixtures], Mapping[str, Any]]


def _data(data: Data | None, get: Fixtures) -> Mapping[str, Any]:
    return data(get) if callable(data) else data or {}


def on(row: Callable[[Fixtures], Model], data: Data | None = None, *also: type[Model]):
    """A page of one row (its pk in the URL): ``data`` (or ``data(get)``) is posted; neither the
    row nor the number of rows of the ``also`` models may change."""

    def target(get: Fixtures) -> Target:
        obj = row(get)
        return Target({"pk": obj.pk}, _data(data, get), (obj, *also))

    return target


def new(data: Data, *watch: type[Model]):
    """A page with no row in its URL: ``data`` (or ``data(get)``) is posted; the number of rows
    of the ``watch`` models may not change."""
    return lambda get: Target({}, _data(data, get), watch)


def fixture(name: str) -> Callable[[Fixtures], Any]:
    return lambda get: get(name)


# ------------------------------------------------------------------ the rows the probes hit


def _draft_version(get) -> ItemVersion:
    item = make_item(actor=get("scjg_admin"), department=get("scjg"), code="SCJG-WRITE")
    return item.versions.get()


def _submitted_version(get) -> ItemVersion:
    return catalog.version_submit(actor=get("scjg_admin"), version=_draft_version(get))


def _retired_item(get) -> InspectionItem:
    return catalog.item_retire(actor=get("scjg_admin"), item=get("scjg_item"), reason="法规废止")


def _retired_object(get) -> InspectionObject:
    return InspectionObjectFactory(owner_department=get("scjg"), retired_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))


def _licence_target(get) -> Target:
    licence = ObjectLicenceFactory(inspection_object=get("obj"))
    return Target({"pk": licence.inspection_object_id, "licence_pk": licence.pk}, REASON, (licence,))


def _inspector(get) -> Inspector:
    return InspectorFactory(department=get("scjg"), name="张执法")


def _retired_inspector(get) -> Inspector:
    return inspectors.inspector_retire(actor=get("scjg_admin"), inspector=_inspector(get), reason="调出")


def _recusal(get) -> Recusal:
    return RecusalFactory(inspector=_inspector(get), inspection_object=get("obj"), created_by=get("scjg_admin"))


def _plan(*steps: str) -> Callable[[Fixtures], AnnualPlan]:
    """市场监管's draft plan, moved on by ``steps`` (submit, approve, file) through the services."""
    actors = {"submit": "scjg_admin", "approve": "scjg_approver", "file": "coordinator"}

    def plan(get) -> AnnualPlan:
        plan = get("draft_plan")
        for step in steps:
            plan = getattr(planning, f"plan_{step}")(actor=get(actors[step]), plan=plan)
        return plan

    return plan


def _entry(get) -> PlanEntry:
    return get("draft_plan").entries.get()


def _entry_without_strata(get) -> PlanEntry:
    plan = get("draft_plan")
    kwargs = entry_kwargs(plan, [get("scjg_item")], get("scjg"), code="E2")
    return planning.entry_add(actor=get("scjg_admin"), plan=plan, **kwargs)


def _stratum(get) -> PlanStratum:
    return PlanStratum.objects.filter(entry=_entry(get)).first()


def _task(*steps: str, **overrides) -> Callable[[Fixtures], Task]:
    """市场监管's task (2026 windows: the clock is in spring 2026) taken through the ceremony's
    ``steps``: "frozen", "announced" (no witness input yet), "ready" (two inputs), "drawn"."""

    def task(get) -> Task:
        get("spring_2026")
        task = get("make_task")(**overrides)
        actor = get("scjg_admin")
        if "frozen" in steps or "announced" in steps:
            draws.task_freeze(actor=actor, task=task)
        if "announced" in steps:
            draws.task_announce(actor=actor, task=task)
        if "ready" in steps or "drawn" in steps:
            task = get("run_ceremony")(task, draw="drawn" in steps)
        return Task.objects.get(pk=task.pk)

    return task


def _redraw(get) -> Task:
    """市场监管's redraw of a drawn and cancelled task, waiting for the joint office."""
    cancelled = draws.task_cancel(actor=get("scjg_admin"), task=_task("drawn")(get), reason="名单有误")
    return get("make_task")(replaces=cancelled, redraw_reason="重新抽取")


def _proposal(get) -> list[int]:
    """The two visits (市场监管's, 卫健's) of one object that the merge page proposes to merge."""
    get("spring_2026")
    return [visit.pk for visit in pair(get("scjg_task"), get("wsjk_task"))]


def _merged_visit(get) -> MergedVisit:
    get("spring_2026")
    return get("merged")[0]


def _approval_target(get) -> Target:
    """审批 of 市场监管's drawn task: the one-click approval of all its visits."""
    get("spring_2026")
    task = get("scjg_task")
    return Target({"task_pk": task.pk}, {"scope": "all"}, (VisitApproval,))


def _approved_visit_target(get) -> Target:
    get("spring_2026")
    task = get("scjg_task")
    approval = inspections.visits_approve(actor=get("scjg_approver"), task=task)[0]
    return Target({"task_pk": task.pk}, {"visit": approval.visit_id} | REASON, (approval,))


def _emergency_target(get) -> Target:
    get("spring_2026")
    visit = get("scjg_task").visits.order_by("pk").first()
    return Target({"visit_pk": visit.pk}, REASON, (EmergencyStart,))


def _check_in_target(get) -> Target:
    """到场登记 (i13-code) of an approved visit of 市场监管's task."""
    get("spring_2026")
    approval = inspections.visits_approve(actor=get("scjg_approver"), task=get("scjg_task"))[0]
    return Target({"pk": approval.visit_id}, {}, (VisitCheckIn,))


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("对象.csv", (",".join(OBJECT_HEADER) + "\n").encode(), content_type="text/csv")


def _notice(get) -> Notice:
    """An unread notice of 市场监管's admin (i13-deadlines)."""
    user = get("scjg_admin")
    return notices_send([NoticeDraft(user.pk, Notice.Kind.VISIT_WINDOW, "k", "提醒", "", "/tasks/")])[0]


# 后续处置 (i13-followups): 市场监管's confirmed result with a problem, made in the database as
# tests/fixtures/results.py does; a follow-up of ``kind`` on its item.
ITEM_READER = {"read_only": "scjg_approver"}
NOTICE_READERS = {"read_only": "coordinator", "other_department": "jtys_admin"}


def _problem_item(get):
    get("spring_2026")
    return get("problem_item")


def _followup(kind: str) -> Callable[[Fixtures], FollowUp]:
    def followup(get) -> FollowUp:
        item = _problem_item(get)
        extra = {
            "rectify": {"due_on": dt.date(2026, 3, 1)},
            "notify": {"target_department": get("wsjk")},
        }.get(kind, {})
        return followups.followup_open(actor=get("scjg_admin"), item_result=item, kind=kind, **extra)

    return followup


REASON = {"reason": "检查写权限"}
PLAN_READER = {"read_only": "scjg_approver"}  # approvers are the read-only role around plans
JTYS = {"other_department": "jtys_admin"}  # 交通运输 has no task in the merges

# 证据材料 (i13-evidence): an approved visit of 市场监管's task, its team's photo.
EVIDENCE_READER = {"read_only": "scjg_approver"}


def _evidence_visit(get):
    get("spring_2026")
    visit = get("scjg_task").visits.order_by("pk").first()
    inspections.visits_approve(actor=get("scjg_approver"), task=visit.task, visits=[visit.pk])
    return visit


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def _evidence_upload_target(get) -> Target:
    return Target({"visit_pk": _evidence_visit(get).pk}, {"file": _photo()}, (Evidence,))


def _evidence(get) -> Evidence:
    visit = _evidence_visit(get)
    user = get("scjg_inspector")
    link_inspector(user, visit.members.first().inspector)
    return evidence_services.evidence_upload(actor=user, visit=visit, file=_photo())


# ------------------------------------------------------------------------ the write views


def _api_token(get) -> ApiToken:
    return api_token_issue(actor=get("scjg_admin"), name="许可系统", department=get("scjg"), role="inspector").token


def _onsite_row(over_cap: bool = False) -> Callable[[Fixtures], OnSiteInspection]:
    """An on-site inspection of 市场监管 (i13-onsite): a 专项 of its own, flagged or not."""

    def row(get: Fixtures) -> OnSiteInspection:
        return OnSiteInspection.objects.create(
            inspection_object=get("obj"),
            department=get("scjg"),
            kind=OnSiteInspection.Kind.SPECIAL,
            trigger=OnSiteInspection.Trigger.OWN,
            inspected_at=timezone.now(),
            recorded_by=get("scjg_admin"),
            recorded_at=timezone.now(),
            over_cap=over_cap,
            over_cap_reason="复查" if over_cap else "",
        )

    return row


# The system administrators' (lifting a login lockout): every other role is refused.
SYSADMIN_ONLY = DEPARTMENT_ROW | {"other_department": 403, "department_admin": 403}

WRITE_VIEWS: dict[str, Write] = {
    # --- accounts: API tokens of departments' systems, login lockouts
    "accounts:api_tokens": Write(
        "department (its admin)",
        new(lambda get: {"name": "X", "department": get("scjg").pk, "role": "inspector"}, ApiToken),
        NEW_ROW,
        form_error="department",
    ),
    "accounts:api_token_revoke": Write("department (its admin)", on(_api_token), DEPARTMENT_ROW),
    "accounts:lockout_lift": Write("the system administrators", new({"username": "scjg_admin"}), SYSADMIN_ONLY),
    # --- audit
    # POST because it is an action (an htmx button); it reads the chain and writes nothing. The
    # trail is the auditors': anyone else gets a 404 that does not hint it is there.
    "audit:verify": Write(
        "the auditors",
        new({}),
        DEPARTMENT_ROW | {"read_only": 404, "auditor": 200, "department_admin": 404},
    ),
    # --- catalog: items and their filing (备案)
    "catalog:create": Write(
        "department",
        new(lambda get: {"department": get("scjg").pk, "code": "X-1", "name": "X"}, InspectionItem),
        NEW_ROW,
        form_error="department",
    ),
    # A published item is read by every department and written by its own only.
    "catalog:version_new": Write(
        "department", on(fixture("scjg_item"), {"change_note": "修订"}, ItemVersion), DEPARTMENT_ROW
    ),
    "catalog:retire": Write("department", on(fixture("scjg_item"), REASON), DEPARTMENT_ROW),
    "catalog:restore": Write("department", on(_retired_item, REASON), DEPARTMENT_ROW),
    "catalog:version_edit": Write("department", on(_draft_version, {"name": "改名"}), DEPARTMENT_ROW),
    "catalog:version_submit": Write("department", on(_draft_version), DEPARTMENT_ROW),
    "catalog:version_accept": Write(
        "coordinator (filing)", on(_submitted_version, {"note": "同意"}, InspectionItem), COORDINATOR_ONLY
    ),
    "catalog:version_return": Write("coordinator (filing)", on(_submitted_version, REASON), COORDINATOR_ONLY),
    # --- directory: inspection objects
    "directory:create": Write(
        "department",
        new(lambda get: {"owner_department": get("scjg").pk, "name": "X"}, InspectionObject),
        NEW_ROW,
        form_error="owner_department",
    ),
    "directory:edit": Write("department", on(fixture("obj"), {"name": "改名"}), DEPARTMENT_ROW),
    "directory:retire": Write("department", on(fixture("obj"), REASON), DEPARTMENT_ROW),
    "directory:restore": Write("department", on(_retired_object, REASON), DEPARTMENT_ROW),
    "directory:level": Write(
        "department",
        on(
            fixture("obj"),
            {
                "field": "credit_level",
                "new_value": "A",
                "effective_on": "2026-01-05",
                "reason": "修复",
                "source": "评定",
            },
            LevelChange,
        ),
        DEPARTMENT_ROW,
    ),
    "directory:licence_add": Write(
        "department",
        on(
            fixture("obj"),
            lambda get: {"kind": LicenceKind.objects.get(code="food_business").pk, "number": "JY1"},
            ObjectLicence,
        ),
        DEPARTMENT_ROW,
    ),
    "directory:licence_retire": Write("department", _licence_target, DEPARTMENT_ROW),
    "directory:penalty_add": Write(
        "department",
        on(
            fixture("obj"),
            lambda get: (
                {"department": get("scjg").pk, "decision_number": "罚1号", "decided_on": "2026-01-05"}
                | {"summary": "无证经营"}
            ),
            Penalty,
        ),
        DEPARTMENT_ROW,
    ),
    # --- draws: tasks and their ceremony, each in the state its step starts from
    "draws:create": Write(
        "department (the plan entry's lead)",
        new(lambda get: {"entry": get("published_plan").entries.get().pk, "title": "X"}, Task),
        DEPARTMENT_ROW,
    ),
    "draws:freeze": Write("department (the task's lead)", on(_task(), {}, CeremonyJob), DEPARTMENT_ROW),
    "draws:announce": Write("department (the task's lead)", on(_task("frozen")), DEPARTMENT_ROW),
    "draws:edit": Write(
        "department (the task's lead)", on(_task("frozen"), {"max_visits_per_inspector": "9"}, Draw), DEPARTMENT_ROW
    ),
    "draws:unfreeze": Write("department (the task's lead)", on(_task("frozen"), {}, Draw), DEPARTMENT_ROW),
    "draws:witness_add": Write(
        "department (the task's lead), and the witnesses",
        on(_task("announced"), {"value": "1 2 3"}, WitnessInput),
        DEPARTMENT_ROW,
    ),
    "draws:draw": Write("department (the task's lead)", on(_task("ready"), {}, Draw, CeremonyJob), DEPARTMENT_ROW),
    "draws:cancel": Write("department (the task's lead)", on(_task(), REASON), DEPARTMENT_ROW),
    # A redraw is decided by the joint office's coordinator (not its requester).
    "draws:redraw_approve": Write("coordinator", on(_redraw), COORDINATOR_ONLY),
    "draws:redraw_refuse": Write("coordinator", on(_redraw, REASON), COORDINATOR_ONLY),
    "draws:publish_list": Write(
        "department (the task's lead)",
        on(_task("drawn", list_publication=Task.ListPublication.AFTER_VISITS)),
        DEPARTMENT_ROW,
    ),
    # The region's yearly cap: no department's row to hide, so no other-department probe.
    "draws:frequency_rule": Write(
        "coordinator",
        new({"max_draws_per_year": "1"}, DrawFrequencyRule),
        {k: v for k, v in COORDINATOR_ONLY.items() if k != "other_department"},
    ),
    # --- imports
    "imports:create": Write(
        "department",
        new(lambda get: {"kind": "objects", "objects-department": get("scjg").pk, "objects-file": _csv()}, ImportJob),
        NEW_ROW | {"other_department": 400},
        form_error="department",
    ),
    # An export of the rows the asker maintains: no department's row to hide from another
    # department's admin (who exports its own), so no other-department probe.
    "imports:export": Write(
        "department",
        lambda get: Target({"kind": "objects"}, {"format": "xlsx"}, (ExportJob,)),
        {k: v for k, v in DEPARTMENT_ROW.items() if k != "other_department"},
    ),
    # --- inspections: 合并检查 of 市场监管's and 卫健's visits
    "inspections:merge_confirm": Write(
        "coordinator",
        new(lambda get: {"visits": _proposal(get), "note": "一起去"}, MergedVisit),
        COORDINATOR_ONLY,
        personas=JTYS,
    ),
    "inspections:merge_decline": Write(
        "coordinator",
        new(lambda get: {"visits": _proposal(get)} | REASON, MergeDecline),
        COORDINATOR_ONLY,
        personas=JTYS,
    ),
    "inspections:merge_decide": Write(
        "coordinator",
        new(lambda get: {"proposal": ["-".join(map(str, sorted(_proposal(get))))], "decision": "confirm"}, MergedVisit),
        COORDINATOR_ONLY,
        personas=JTYS,
    ),
    "inspections:merged_visit_dissolve": Write(
        "coordinator", on(_merged_visit, REASON), COORDINATOR_ONLY, personas=JTYS
    ),
    # --- inspections: 审批 by 市场监管's approver (its admin may not approve: 403)
    "inspections:approval_approve": Write("the lead department's approver", _approval_target, COORDINATOR_ONLY),
    "inspections:approval_withdraw": Write("the lead department's approver", _approved_visit_target, COORDINATOR_ONLY),
    # A team member or the lead department's admin (who may: no department-admin probe).
    "inspections:emergency_start": Write("a team member or the department admin", _emergency_target, DEPARTMENT_ROW),
    # --- inspectors
    "inspectors:create": Write(
        "department",
        new(lambda get: {"department": get("scjg").pk, "name": "X"}, Inspector),
        NEW_ROW,
        form_error="department",
    ),
    "inspectors:edit": Write("department", on(_inspector, {"name": "改名"}), DEPARTMENT_ROW),
    "inspectors:retire": Write("department", on(_inspector, REASON), DEPARTMENT_ROW),
    "inspectors:restore": Write("department", on(_retired_inspector, REASON), DEPARTMENT_ROW),
    "inspectors:availability": Write(
        "department", on(_inspector, {"availability": "on_leave"} | REASON), DEPARTMENT_ROW
    ),
    "inspectors:recusal_create": Write(
        "department",
        on(_inspector, lambda get: {"object_code": get("obj").public_code} | REASON, Recusal),
        DEPARTMENT_ROW,
    ),
    "inspectors:recusal_end": Write("department", on(_recusal, REASON), DEPARTMENT_ROW),
    # --- planning: annual plans, each in the state its step starts from
    "planning:create": Write(
        "department",
        new(lambda get: {"year": 2028, "title": "X", "department": get("scjg").pk}, AnnualPlan),
        NEW_ROW,
        personas=PLAN_READER,
        form_error="department",
    ),
    "planning:edit": Write("department", on(_plan(), {"title": "改名"}), DEPARTMENT_ROW, personas=PLAN_READER),
    "planning:submit": Write("department", on(_plan()), DEPARTMENT_ROW, personas=PLAN_READER),
    # Approving is the department's approver's (or the coordinator's), not its admin's.
    "planning:approve": Write("the department's approver", on(_plan("submit")), COORDINATOR_ONLY),
    # Returning an approved plan is refusing its filing: the coordinator's.
    "planning:return": Write(
        "coordinator (filing)", on(_plan("submit", "approve"), REASON), COORDINATOR_ONLY, personas=PLAN_READER
    ),
    "planning:file": Write(
        "coordinator (filing)", on(_plan("submit", "approve")), COORDINATOR_ONLY, personas=PLAN_READER
    ),
    # The joint office publishes what it filed (four eyes, issue 11 item 3).
    "planning:publish": Write(
        "coordinator (publishing)", on(_plan("submit", "approve", "file")), COORDINATOR_ONLY, personas=PLAN_READER
    ),
    "planning:entry_create": Write(
        "department", on(_plan(), {"code": "E2", "name": "X"}, PlanEntry), DEPARTMENT_ROW, personas=PLAN_READER
    ),
    "planning:entry_edit": Write(
        "department", on(_entry, {"code": "E1", "name": "改名"}), DEPARTMENT_ROW, personas=PLAN_READER
    ),
    "planning:entry_remove": Write("department", on(_entry, REASON), DEPARTMENT_ROW, personas=PLAN_READER),
    "planning:entry_default_strata": Write(
        "department", on(_entry_without_strata, {}, PlanStratum), DEPARTMENT_ROW, personas=PLAN_READER
    ),
    "planning:stratum_create": Write(
        "department", on(_entry, {"name": "X", "ratio": "10"}, PlanStratum), DEPARTMENT_ROW, personas=PLAN_READER
    ),
    "planning:stratum_edit": Write("department", on(_stratum, {"name": "改名"}), DEPARTMENT_ROW, personas=PLAN_READER),
    "planning:stratum_remove": Write("department", on(_stratum, REASON), DEPARTMENT_ROW, personas=PLAN_READER),
    # --- evidence (i13-evidence): the team uploads, the uploader or the lead department's admin
    # withdraws; the approver reads the visit and does neither (the read-only probe)
    "evidence:upload": Write("the visit's team", _evidence_upload_target, DEPARTMENT_ROW, personas=EVIDENCE_READER),
    "evidence:withdraw": Write(
        "the uploader or the department admin", on(_evidence, REASON), DEPARTMENT_ROW, personas=EVIDENCE_READER
    ),
    # --- i13-deadlines: the calendar page (system admin; coordinator and auditor read), notices
    "deadlines:calendar": Write(
        "the system administrators",
        new(
            lambda get: {
                "year": "2027",
                "notice": "通知",
                "file": SimpleUploadedFile("2027.csv", b"date,kind,name\n2027-01-01,holiday,\n", "text/csv"),
            },
            HolidayYear,
        ),
        # A department's people do not read the calendar page (404); the coordinator reads it.
        {"anonymous": LOGIN, "no_role": 404, "read_only": 403, "auditor": 403, "department_admin": 404},
        personas={"read_only": "coordinator"},
    ),
    # A notice is its recipient's (市场监管's admin): everyone else gets a 404.
    "notices:open": Write(
        "its recipient",
        on(_notice),
        {"anonymous": LOGIN, "no_role": 404, "read_only": 404, "auditor": 404, "other_department": 404},
    ),
    # Marks the poster's own notices only: another user's stay unread.
    "notices:read_all": Write(
        "each user, their own",
        lambda get: Target({}, {}, (_notice(get),)),
        {"anonymous": LOGIN, "no_role": 404, "read_only": 302, "auditor": 302, "other_department": 302},
    ),
    # --- inspections: 到场登记 (i13-code) by a member of the visit's team; a reader of the visit
    # who is not on it (the department's approver) gets a 403, the department's other inspectors
    # do not see the visit (404, tests/inspections/test_check_in.py).
    "inspections:check_in": Write(
        "a member of the visit's team", _check_in_target, DEPARTMENT_ROW, personas={"read_only": "scjg_approver"}
    ),
    # --- i13-onsite: 无事不扰 per body. A department's cap is the coordinator's; the caps are no
    # department's secret (the rules page shows them to all staff): another department gets 403.
    "draws:onsite_cap": Write(
        "coordinator",
        lambda get: Target(
            {"department_id": get("scjg").pk}, {"mode": "own", "max_per_year": "1"}, (DepartmentOnSiteCap,)
        ),
        COORDINATOR_ONLY | {"other_department": 403},
    ),
    "draws:onsite_withdraw": Write("department (its admin)", on(_onsite_row(), REASON), DEPARTMENT_ROW),
    "draws:onsite_review": Write("coordinator", on(_onsite_row(over_cap=True)), COORDINATOR_ONLY),
    # --- followups: 后续处置 of 市场监管's problem item — its team and its admin write; the
    # department's approver reads (403); 抄告 marks are the notified 卫健's admin's (i13-followups)
    "followups:open": Write(
        "the visit's team or the item's department admin",
        lambda get: Target({"pk": _problem_item(get).pk}, {"kind": "routine"}, (FollowUp,)),
        DEPARTMENT_ROW,
        personas=ITEM_READER,
    ),
    "followups:close": Write(
        "the visit's team or the item's department admin",
        on(_followup("routine"), {"closed_on": "2026-02-16", "note": "x"}),
        DEPARTMENT_ROW,
        personas=ITEM_READER,
    ),
    "followups:withdraw": Write(
        "the visit's team or the item's department admin",
        on(_followup("routine"), REASON),
        DEPARTMENT_ROW,
        personas=ITEM_READER,
    ),
    "followups:recheck": Write(
        "the visit's team or the item's department admin",
        on(_followup("rectify"), {"checked_on": "2026-02-16", "outcome": "corrected"}, ReCheck),
        DEPARTMENT_ROW,
        personas=ITEM_READER,
    ),
    "followups:notice_read": Write(
        "the notified department's admin", on(_followup("notify")), DEPARTMENT_ROW, personas=NOTICE_READERS
    ),
    "followups:notice_handled": Write(
        "the notified department's admin", on(_followup("notify")), DEPARTMENT_ROW, personas=NOTICE_READERS
    ),
}

# --------------------------------------------------------------------- the read-only views

# They answer a POST with 405, before anything else: from the auditor (who reads every staff
# page) and, on the public portal, from anyone.
READ_ONLY_VIEWS = {
    "web:home",
    "web:favicon",
    "accounts:lockouts",
    "audit:list",
    "audit:detail",
    "catalog:list",
    "catalog:filings",
    "catalog:scope_count",
    "catalog:detail",
    "catalog:version_detail",
    "catalog:version_compare",
    "catalog:version_checklist",
    "directory:list",
    "directory:detail",
    "draws:list",
    "draws:verifier",
    "draws:detail",
    "draws:witnesses",
    "draws:job",
    "draws:record",
    "imports:list",
    "imports:job",
    "imports:job_file",
    "imports:template",
    "imports:export_job",
    "imports:export_file",
    "imports:task_visits_export",
    "inspections:merges",
    "inspections:approval",
    "inspections:approval_print",
    "inspections:approval_todo",
    "inspections:my_visits",
    "inspections:visit_detail",
    "inspectors:list",
    "inspectors:detail",
    "inspectors:recusals",
    "planning:list",
    "planning:detail",
    "portal:index",
    "portal:plan_list",
    "portal:plan_detail",
    "portal:task_list",
    "portal:task_detail",
    "portal:task_record",
    "portal:verifier",
    "portal:audit_anchors",
    "portal:audit_anchor_file",
    # i13-evidence
    "evidence:file",
    "evidence:thumbnail",
    # i13-deadlines
    "deadlines:dashboard",
    "deadlines:list",
    "deadlines:calendar_year",
    "notices:inbox",
    "notices:unread",
    # 检查码, 企业评价/投诉, print views (i13-code)
    "inspections:feedback",
    "inspections:print_checklist",
    "inspections:print_record",
    "portal:check_code_form",
    # i13-onsite
    "draws:onsite_list",
    "draws:onsite_over_cap",
    # followups (i13-followups)
    "followups:list",
    "followups:item",
    "followups:inbox",
    "followups:result_notice",
}

# --- results (issue 13, items 5, 7, 8; i13-results): a visit's result is written by its team
# (a reader of the visit who is not on it — the department's admin — gets 403); a task's
# results are approved by the lead department's approver.


def _result_target(get) -> Target:
    get("spring_2026")
    from spotcheck.results.models import ResultRevision, VisitResult

    return Target({"pk": get("result_approved").pk}, {"completed_on": "2026-02-16"}, (VisitResult, ResultRevision))


def _result_draft_target(get) -> Target:
    get("spring_2026")
    from spotcheck.results.models import ResultDraft

    return Target({"pk": get("result_approved").pk}, {"data": "{}"}, (ResultDraft,))


def _saved_result(get):
    from spotcheck.results import services as results
    from tests.fixtures.results import result_data

    get("spring_2026")
    visit, (first, _second) = get("result_approved"), get("result_officers")
    return results.result_save(actor=first, visit=visit, data=result_data(visit), base_revision=None)


def _result_confirm_target(get) -> Target:
    from spotcheck.results.models import ResultConfirmation

    result = _saved_result(get)
    return Target({"pk": result.visit_id}, {"revision": 1}, (result, ResultConfirmation))


def _results_approve_target(get) -> Target:
    from spotcheck.results import services as results

    result = _saved_result(get)
    for officer in get("result_officers"):
        results.result_confirm(actor=officer, visit_result=result, revision=1)
    department = get("scjg")
    department.results_need_approval = True
    department.save(update_fields=["results_need_approval"])
    result.refresh_from_db()
    return Target({"task_pk": result.visit.task_id}, {}, (result,))


RESULT_WRITER = {"read_only": "scjg_admin"}
WRITE_VIEWS |= {
    "results:edit": Write("the visit's team", _result_target, DEPARTMENT_ROW, personas=RESULT_WRITER),
    "results:draft": Write("the visit's team", _result_draft_target, DEPARTMENT_ROW, personas=RESULT_WRITER),
    "results:confirm": Write("the visit's team", _result_confirm_target, DEPARTMENT_ROW, personas=RESULT_WRITER),
    # The task's results are read by those who read every visit (not one team's inspector: 404).
    "results:task_approve": Write(
        "the lead department's approver", _results_approve_target, COORDINATOR_ONLY | {"read_only": 404}
    ),
}
READ_ONLY_VIEWS |= {"results:visit", "results:revisions", "results:task"}

# pub14: 检查结果公示 (issue 14, item 1). The lead department's admin or approver publishes; the
# page is read by those who read every visit (a team's inspector: 404).


def _final_result(get):
    from spotcheck.results import services as results

    result = _saved_result(get)
    for officer in get("result_officers"):
        results.result_confirm(actor=officer, visit_result=result, revision=1)
    result.refresh_from_db()
    return result


def _publish_target(get) -> Target:
    from spotcheck.publication.models import PublishedResult

    result = _final_result(get)
    return Target({"pk": result.visit.task_id}, {}, (result, PublishedResult))


def _published(get):
    from spotcheck.publication import services as publication

    [row] = publication.results_publish(actor=get("scjg_admin"), task=_final_result(get).visit.task)
    return row


def _correct_target(get) -> Target:
    from spotcheck.publication.models import PublishedResult
    from tests.publication.conftest import correct

    row = _published(get)
    corrected = correct(row.visit_result, get("result_officers"))
    return Target({"pk": corrected.pk}, {"reason": "更正"}, (row, PublishedResult))


def _withdraw_target(get) -> Target:
    from spotcheck.publication.models import PublishedResult

    row = _published(get)
    return Target({"pk": row.pk}, {"reason": "撤销"}, (row, PublishedResult))


WRITE_VIEWS |= {
    "publication:publish": Write(
        "the lead department's admin or approver", _publish_target, DEPARTMENT_ROW | {"read_only": 404}
    ),
    "publication:correct": Write(
        "the lead department's admin or approver", _correct_target, DEPARTMENT_ROW | {"read_only": 404}
    ),
    "publication:withdraw": Write(
        "the lead department's admin or approver", _withdraw_target, DEPARTMENT_ROW | {"read_only": 404}
    ),
}
READ_ONLY_VIEWS |= {
    "publication:index",
    "publication:task",
    "portal:result_notice_list",
    "portal:result_notice",
    "portal:enterprise",
    "portal:verify",  # verify14: the record is checked in the visitor's browser
}
# bulk14: open data (bulk files, manifest, data dictionary, Atom feeds)
READ_ONLY_VIEWS |= {
    "portal:bulkdata:index",
    "portal:bulkdata:dictionary",
    "portal:bulkdata:manifest",
    "portal:bulkdata:file",
    "portal:bulkdata:feed_notices",
    "portal:bulkdata:feed_department",
    "portal:bulkdata:feed_enterprise",
}

# voice14: 企业说明/异议 and 投诉答复 (issue 14, item 4). The lead department's admin or approver
# decides; the readers are the departments' admins, approvers and auditors (a team's inspector: 404).


def _reply(get):
    from spotcheck.inspections.models import VisitCode
    from spotcheck.replies import services as replies
    from tests.replies.conftest import publish_result

    row = publish_result(get("result_officers"), get("result_approved"), get("scjg_admin"))
    code = VisitCode.objects.get(visit=row.visit_result.visit).code
    return replies.reply_submit(published=row, code=code, kind="statement", text="说明")


def _complaint(get):
    from spotcheck.inspections.models import VisitFeedback

    return VisitFeedback.objects.get(visit=get("on_site_content"))


def _answers():
    from spotcheck.replies.models import ComplaintAnswer

    return ComplaintAnswer


WRITE_VIEWS |= {
    "replies:accept": Write("the lead department's admin or approver", on(_reply), DEPARTMENT_ROW | {"read_only": 404}),
    "replies:reject": Write(
        "the lead department's admin or approver", on(_reply, {"reason": "不成立"}), DEPARTMENT_ROW | {"read_only": 404}
    ),
    "replies:complaint_answer": Write(
        "the lead department's admin or approver",
        lambda get: Target({"pk": _complaint(get).pk}, {"text": "答复"}, (_answers(),)),
        DEPARTMENT_ROW | {"read_only": 404},
    ),
}
READ_ONLY_VIEWS |= {"replies:list", "replies:detail", "replies:complaints", "portal:reply_status"}

READ_ONLY_VIEWS |= {"portal:search"}  # the search of published results (search14)

# (portal14) the portal's index at `/`; the in-browser verifier's page (verify14) was missing
READ_ONLY_VIEWS |= {"portal_home"}

# (load14) the portal's language switch: a GET link that sets the visitor's own language cookie
READ_ONLY_VIEWS |= {"portal:language"}

# 开放数据 (issue 14, item 6; open14): the open data API is read-only for everyone (tests/opendata).
READ_ONLY_VIEWS |= {
    "opendata:schema",
    "opendata:docs",
    "opendata:codes",
    "opendata:items",
    "opendata:item",
    "opendata:plans",
    "opendata:plan",
    "opendata:tasks",
    "opendata:task",
    "opendata:task_record",
    "opendata:results",
    "opendata:notices",
    "opendata:enterprises",
    "opendata:enterprise_results",
}

# ---------------------------------------------------------------------------- the URLconf


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if any(route.startswith(p) for p in OUT_OF_SCOPE_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route, ":".join(filter(None, [namespace, pattern.namespace])))
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (name or route), pattern


def _in_scope() -> dict[str, Any]:
    """Every URL in scope: name (or route when unnamed) → pattern."""
    return {key: p for key, p in _walk(get_resolver().url_patterns) if key not in OUT_OF_SCOPE_URLS}


def test_every_url_is_in_one_table():
    urls = _in_scope()
    missing = sorted(set(urls) - set(WRITE_VIEWS) - READ_ONLY_VIEWS)
    assert not missing, (
        f"{missing}: add each to WRITE_VIEWS in tests/web/test_write_access.py (it accepts POST: whose row "
        "it writes, how to build it from fixtures and what each probe gets) or to READ_ONLY_VIEWS (it answers "
        "POST with 405), or say in OUT_OF_SCOPE_URLS why it is tested elsewhere; an unnamed URL needs a name"
    )
    gone = sorted((set(WRITE_VIEWS) | READ_ONLY_VIEWS) - set(urls))
    assert not gone, f"{gone}: no such URL any more; remove it from the tables"
    assert not set(WRITE_VIEWS) & READ_ONLY_VIEWS
    assert len(urls) > 80 and len(WRITE_VIEWS) > 45


@pytest.mark.parametrize("name", list(WRITE_VIEWS))
def test_every_write_view_meets_the_basic_probes(name):
    """A table entry may leave out the other-department probe (no department's row) and add the
    department admin's; the others apply to every page that writes."""
    view = WRITE_VIEWS[name]
    assert {"anonymous", "no_role", "read_only", "auditor"} <= set(view.expect) <= set(PROBES)
    assert set(view.personas) <= set(PROBES)


def test_out_of_scope_urls_exist():
    keys = {key for key, _ in _walk(get_resolver().url_patterns)}
    assert set(OUT_OF_SCOPE_URLS) <= keys
    assert {str(p.pattern) for p in get_resolver().url_patterns} >= {"admin/", "api/v1/", "i18n/"}


# ------------------------------------------------------------------------------ the probes


def _state(watch) -> list:
    """What must not change: each row's fields, each model's row count, the audit trail's length."""
    state = [AuditEntry.objects.count()]
    for thing in watch:
        if isinstance(thing, Model):
            state.append(type(thing).objects.filter(pk=thing.pk).values().get())
        else:
            state.append(thing.objects.count())
    return state


WRITE_PROBES = [(name, probe) for name, view in WRITE_VIEWS.items() for probe in PROBES if probe in view.expect]


@pytest.mark.parametrize(("name", "probe"), WRITE_PROBES, ids=[f"{n}-{p}" for n, p in WRITE_PROBES])
def test_write_access(request, client, name, probe):
    view = WRITE_VIEWS[name]
    target = view.target(request.getfixturevalue)
    persona = view.personas.get(probe, PROBES[probe])
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
    url = reverse(name, kwargs=target.kwargs)
    before = _state(target.watch)

    response = client.post(url, target.data)

    expected = view.expect[probe]
    who = persona or "an anonymous visitor"
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} answers {who} with {response.status_code}"
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == expected, f"{name} answers {who} with {response.status_code}"
    if probe == "other_department" and view.form_error:
        assert _refuses(response, view.form_error), f"the form does not refuse the {view.form_error}"
    assert _state(target.watch) == before, "a refused POST changed something"


def _dummy_kwargs(pattern) -> dict[str, Any]:
    converters = pattern.pattern.converters
    return {key: 1 if isinstance(c, IntConverter) else "x" for key, c in converters.items()}


@pytest.mark.parametrize("name", sorted(READ_ONLY_VIEWS))
def test_read_only_view_refuses_post(client, auditor, name):
    if not name.startswith("portal:"):
        client.force_login(auditor)
    url = reverse(name, kwargs=_dummy_kwargs(_in_scope()[name]))
    entries = AuditEntry.objects.count()

    response = client.post(url, {"reason": "x"})

    assert response.status_code == 405, f"{name} answers a POST with {response.status_code}"
    assert "POST" not in response["Allow"]
    assert AuditEntry.objects.count() == entries
