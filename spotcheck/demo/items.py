"""The demo's item list (一单): items with versions in every filing state and their history.

The content of each item is checked with the catalog's own ``clean_version_content`` (the
same rules as the edit form and the import), then written as a data load with a back-dated
filing history: drafted and filed by the department admin, reviewed by the coordinator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from spotcheck.catalog.models import ChecklistQuestion, FilingEvent, InspectionItem, ItemVersion
from spotcheck.catalog.services import clean_version_content
from spotcheck.demo.data.catalogue import FILING_PLANS, ITEMS, DemoItem
from spotcheck.demo.random_tools import demo_rng
from spotcheck.demo.references import DemoDataError, Frame, ReferenceIds

Status = ItemVersion.Status
Action = FilingEvent.Action

PROCEDURE = (
    "1. 按年度抽查计划制定抽查工作方案，通过平台随机抽取检查对象、随机选派执法检查人员；\n"
    "2. 检查人员不少于两名，现场出示执法证件，告知检查事项和依据；\n"
    "3. 对照检查表逐项检查，如实记录检查情况，必要时拍照、摄像、抽样；\n"
    "4. 检查结果由被检查对象签字确认，拒绝签字的注明情况；\n"
    "5. 发现违法违规行为的，依法责令改正或移交立案查处，需其他部门处理的及时移送。"
)
DISCLOSURE = (
    "抽查检查结果自形成之日起 20 个工作日内，通过国家企业信用信息公示系统（江苏）和溧阳市"
    "“双随机、一公开”监管平台向社会公示，接受社会监督。"
)
ARCHIVING = "检查记录、影像资料、检查结果等按“一户一档”电子化归档，保存期限不少于五年。"
RETURN_NOTE = "抽查依据请写明具体条款，检查表第 2 条请补充检查依据，修改后重新提交备案。"
REVISION_NOTE = "依据 2025 年修订的法规和 溧政办发〔2020〕27号 的要求完善检查表。"
REVISION_QUESTION = ("上一轮抽查发现的问题是否已按要求整改到位", "溧政办发〔2020〕27号")


def _content(item: DemoItem, department_name: str, short_name: str, *, revision: bool) -> dict[str, Any]:
    questions = [{"text": text, "basis": basis} for text, basis in item.questions]
    if revision:
        questions.append({"text": REVISION_QUESTION[0], "basis": REVISION_QUESTION[1]})
    joint = "联合抽查由发起部门分管领导审批，报联席会议办公室备案。" if item.joint else ""
    raw = {
        "name": item.name,
        "legal_basis": item.basis,
        "implementing_body": department_name,
        "category": ItemVersion.Category.KEY if item.key else ItemVersion.Category.GENERAL,
        "sub_items": list(item.subs),
        "scope": item.scope,
        "scope_description": item.scope_description,
        "default_ratio": item.ratio,
        "times_per_year": item.times,
        "methods": list(item.methods),
        "checklist": questions,
        "inspection_basis": item.basis,
        "inspection_content": "；".join(item.subs or [text for text, _ in item.questions]),
        "inspection_procedure": PROCEDURE,
        "approval_authority": f"抽查计划和抽查结果由{short_name}分管领导审批。{joint}",
        "disclosure_procedure": DISCLOSURE,
        "archiving_method": ARCHIVING,
        "change_note": REVISION_NOTE if revision else "",
    }
    try:
        return clean_version_content(raw)
    except ValidationError as exc:
        raise DemoDataError(f"演示事项 {item.code} 的内容不合规：{'；'.join(exc.messages)}") from exc


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def create_items(
    *, seed: object, frame: Frame, refs: ReferenceIds, users: dict[str, int], anchor: dt.date
) -> dict[str, int]:
    rng = demo_rng(seed, "items")
    coordinator = users["coordinator"]
    counts = {"items": 0, "versions": 0, "questions": 0, "filing_events": 0}
    questions: list[ChecklistQuestion] = []
    events: list[FilingEvent] = []
    for spec in ITEMS:
        department = frame.departments[spec.department]
        admin = users.get(f"{spec.department.lower()}_admin")
        item = InspectionItem.objects.create(department=department, code=spec.code)
        plan = FILING_PLANS.get(spec.code, ("published",))
        first_day = anchor - dt.timedelta(days=300 + int(rng.random() * 60))
        current = previous = None
        for number, status in enumerate(plan, start=1):
            revision = number > 1
            content = _content(spec, department.name, department.short_name, revision=revision)
            checklist = content.pop("checklist")
            created = first_day if not revision else anchor - dt.timedelta(days=20 + int(rng.random() * 40))
            if status == Status.DRAFT:
                created = anchor - dt.timedelta(days=3 + int(rng.random() * 10))
            version = ItemVersion(item=item, number=number, status=status, created_by_id=admin, **content)
            history = [(Action.CREATED, admin, "", _at(created, 9))]
            if status != Status.DRAFT:
                version.submitted_at = _at(created + dt.timedelta(days=2), 10)
                history.append((Action.SUBMITTED, admin, "", version.submitted_at))
            if status in (Status.PUBLISHED, Status.SUPERSEDED, Status.RETURNED):
                version.reviewed_by_id = coordinator
                version.reviewed_at = _at(created + dt.timedelta(days=6), 15)
                if status == Status.RETURNED:
                    version.review_note = RETURN_NOTE
                    history.append((Action.RETURNED, coordinator, RETURN_NOTE, version.reviewed_at))
                else:
                    version.published_at = version.reviewed_at
                    history.append((Action.ACCEPTED, coordinator, "", version.reviewed_at))
            version.save()
            # created_at is auto_now_add: back-date it to the drafting day.
            ItemVersion.objects.filter(pk=version.pk).update(created_at=_at(created, 9))
            version.required_qualifications.set([refs.qualifications[c] for c in spec.qualifications])
            version.joint_departments.set([frame.departments[c] for c in spec.joint])
            questions.extend(
                ChecklistQuestion(version=version, position=n, text=q["text"], basis=q["basis"])
                for n, q in enumerate(checklist, start=1)
            )
            events.extend(
                FilingEvent(version=version, action=action, actor_id=actor, note=note, created_at=at)
                for action, actor, note, at in history
            )
            if status == Status.PUBLISHED:
                if previous is not None and previous.status == Status.SUPERSEDED:
                    events.append(
                        FilingEvent(
                            version=previous,
                            action=Action.SUPERSEDED,
                            actor_id=coordinator,
                            note=f"由 v{number} 替代",
                            created_at=version.reviewed_at,
                        )
                    )
                current = version
            previous = version
            counts["versions"] += 1
        if current is not None:
            item.current_version = current
            item.save(update_fields=["current_version"])
        counts["items"] += 1
    ChecklistQuestion.objects.bulk_create(questions)
    FilingEvent.objects.bulk_create(events)
    counts["questions"] = len(questions)
    counts["filing_events"] = len(events)
    return counts
