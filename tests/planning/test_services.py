import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from spotcheck.audit.models import AuditEntry
from spotcheck.planning import services
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent, PlanStratum
from spotcheck.planning.strata import default_credit_strata, describe_stratum_filters
from tests.clock import clock_at
from tests.factories import entry_kwargs, make_item

S = AnnualPlan.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def field_errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_happy_path_department_plan(draft_plan, scjg_admin, scjg_approver, coordinator):
    with clock_at(dt.date(2027, 1, 20)):  # before the filing deadline of the 2027 plan
        plan = services.plan_submit(actor=scjg_admin, plan=draft_plan)
        assert plan.status == S.SUBMITTED and plan.submitted_by == scjg_admin
        plan = services.plan_approve(actor=scjg_approver, plan=plan)
        assert plan.status == S.FILING and plan.approved_by == scjg_approver
        plan = services.plan_file(actor=coordinator, plan=plan)
        assert plan.status == S.FILED and not plan.filed_late
        plan = services.plan_publish(actor=coordinator, plan=plan)
    assert plan.status == S.PUBLISHED and plan.published_at is not None
    actions = list(plan.events.values_list("action", flat=True))
    assert actions == ["created", "submitted", "approved", "filed", "published"]
    assert AuditEntry.objects.filter(action="planning.plan.publish", target_id=str(plan.pk)).exists()
    # Each event keeps the whole plan as it stood.
    snap = plan.events.get(action="published").snapshot
    assert snap["status"] == "published"
    assert [s["name"] for s in snap["entries"][0]["strata"]] == [b["name"] for b in default_credit_strata()]


def test_history_loaded_with_the_times_it_happened(scjg_admin, scjg_approver, coordinator, scjg, scjg_item):
    """Each workflow step takes ``at`` (loading an earlier year's plan): the plan's fields and
    its history carry those times, in order; the audit trail records when they were written."""
    times = [dt.datetime(2026, 1, d, 9, tzinfo=SHANGHAI) for d in (5, 10, 15, 20, 25)]
    plan = services.plan_create(actor=scjg_admin, year=2026, title="2026年度计划", department=scjg, at=times[0])
    entry = services.entry_add(actor=scjg_admin, plan=plan, **entry_kwargs(plan, [scjg_item], scjg))
    services.entry_add_default_strata(actor=scjg_admin, entry=entry)
    plan = services.plan_submit(actor=scjg_admin, plan=plan, at=times[1])
    plan = services.plan_approve(actor=scjg_approver, plan=plan, at=times[2])
    plan = services.plan_file(actor=coordinator, plan=plan, at=times[3])
    plan = services.plan_publish(actor=coordinator, plan=plan, at=times[4])
    assert (plan.submitted_at, plan.approved_at, plan.filed_at, plan.published_at) == tuple(times[1:])
    events = list(plan.events.order_by("created_at", "pk").values_list("action", "created_at"))
    assert events == list(zip(["created", "submitted", "approved", "filed", "published"], times, strict=True))
    audit = AuditEntry.objects.get(action="planning.plan.publish", target_id=str(plan.pk))
    assert audit.created_at > times[-1]


def test_default_credit_strata_bands():
    bands = {b["filter"]["credit_levels"][0]: b["ratio"] for b in default_credit_strata()}
    assert bands == {"A": "0.05", "B": "0.2", "C": "0.6", "D": "1"}


def test_filing_deadline_and_late_flag_around_31_january(draft_plan, scjg_admin, scjg_approver, coordinator):
    assert draft_plan.filing_deadline == dt.date(2027, 1, 31)
    # 23:59 on 31 January in Shanghai is 15:59 UTC: still on time.
    assert not services.is_late(draft_plan, dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=SHANGHAI))
    # 00:00:30 on 1 February in Shanghai is still 31 January in UTC: late all the same.
    assert services.is_late(draft_plan, dt.datetime(2027, 1, 31, 16, 0, 30, tzinfo=dt.UTC))
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    plan = services.plan_file(actor=coordinator, plan=draft_plan, at=dt.datetime(2027, 2, 1, 0, 0, 30, tzinfo=SHANGHAI))
    assert plan.filed_late
    assert "逾期" in plan.events.get(action="filed").reason


def test_on_time_filing_on_the_deadline(draft_plan, scjg_admin, scjg_approver, coordinator):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    plan = services.plan_file(actor=coordinator, plan=draft_plan, at=dt.datetime(2027, 1, 31, 23, 59, tzinfo=SHANGHAI))
    assert not plan.filed_late


@pytest.mark.parametrize("step", ["approve", "file", "publish"])
def test_steps_out_of_order_are_refused(draft_plan, coordinator, step):
    action = {"approve": services.plan_approve, "file": services.plan_file, "publish": services.plan_publish}[step]
    with pytest.raises(ValidationError):
        action(actor=coordinator, plan=draft_plan)
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.DRAFT


def test_forbidden_transitions_later(draft_plan, scjg_admin, scjg_approver, coordinator):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_submit(actor=scjg_admin, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_file(actor=coordinator, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_publish(actor=coordinator, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_approve(actor=scjg_approver, plan=draft_plan)
    with pytest.raises(PermissionDenied):  # an approved plan is returned only at filing, by the coordinator
        services.plan_return(actor=scjg_approver, plan=draft_plan, reason="再议")
    services.plan_file(actor=coordinator, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_return(actor=coordinator, plan=draft_plan, reason="晚了")
    with pytest.raises(ValidationError):
        services.plan_update(actor=scjg_admin, plan=draft_plan, title="改名")
    entry = draft_plan.entries.get()
    with pytest.raises(ValidationError):  # filed, not yet published: no edits, no adjustments
        services.entry_remove(actor=scjg_admin, entry=entry, reason="不做了")
    with pytest.raises(PermissionDenied):  # the joint office publishes, not the department
        services.plan_publish(actor=scjg_admin, plan=draft_plan)
    services.plan_publish(actor=coordinator, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_publish(actor=coordinator, plan=draft_plan)
    with pytest.raises(ValidationError):
        services.plan_retire(actor=scjg_admin, plan=draft_plan, reason="作废")


def test_return_and_resubmit(draft_plan, scjg_admin, scjg_approver):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    with pytest.raises(ValidationError) as exc:
        services.plan_return(actor=scjg_approver, plan=draft_plan, reason="  ")
    assert "reason" in field_errors(exc)
    plan = services.plan_return(actor=scjg_approver, plan=draft_plan, reason="比例偏低")
    assert plan.status == S.RETURNED and plan.return_reason == "比例偏低"
    plan = services.plan_update(actor=scjg_admin, plan=plan, title="2027年度抽查计划（修改稿）")
    assert plan.status == S.DRAFT
    assert services.plan_submit(actor=scjg_admin, plan=plan).status == S.SUBMITTED
    assert plan.events.get(action="returned").reason == "比例偏低"


def test_submit_needs_entries_and_strata(scjg_admin, scjg, scjg_item):
    plan = services.plan_create(actor=scjg_admin, year=2027, title="空计划", department=scjg)
    with pytest.raises(ValidationError, match="至少要有一个条目"):
        services.plan_submit(actor=scjg_admin, plan=plan)
    services.entry_add(actor=scjg_admin, plan=plan, **entry_kwargs(plan, [scjg_item], scjg))
    with pytest.raises(ValidationError, match="至少要有一个抽取分层"):
        services.plan_submit(actor=scjg_admin, plan=plan)


def test_permissions_of_the_workflow(draft_plan, wsjk_admin, scjg_inspector, scjg_approver, auditor, nobody):
    with pytest.raises(Http404):
        services.plan_submit(actor=wsjk_admin, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=scjg_inspector, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=scjg_approver, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=auditor, plan=draft_plan, title="x")
    with pytest.raises(Http404):
        services.plan_update(actor=nobody, plan=draft_plan, title="x")
    services.plan_submit(actor=draft_plan.created_by, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=scjg_inspector, plan=draft_plan)
    with pytest.raises(Http404):
        services.plan_approve(actor=wsjk_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_file(actor=draft_plan.created_by, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.plan_file(actor=auditor, plan=draft_plan)


def test_inspector_cannot_create_plan(scjg_inspector, scjg):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=scjg_inspector, year=2027, title="计划", department=scjg)


def test_one_plan_per_department_and_year(draft_plan, scjg_admin, scjg):
    with pytest.raises(ValidationError, match="已有年度抽查计划"):
        services.plan_create(actor=scjg_admin, year=2027, title="第二份", department=scjg)
    services.plan_retire(actor=scjg_admin, plan=draft_plan, reason="重新编制")
    again = services.plan_create(actor=scjg_admin, year=2027, title="重新编制", department=scjg)
    assert again.pk != draft_plan.pk


def test_entry_validation_names_the_field(scjg_admin, coordinator, scjg, wsjk, scjg_item, wsjk_item):
    plan = services.plan_create(actor=scjg_admin, year=2027, title="计划", department=scjg)
    draft_item = make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAFT")
    cases = [
        ({"items": [draft_item]}, "items"),
        ({"items": [wsjk_item]}, "items"),
        ({"items": []}, "items"),
        ({"window_start": dt.date(2026, 12, 1)}, "window_start"),
        ({"window_end": dt.date(2027, 2, 1), "window_start": dt.date(2027, 3, 1)}, "window_end"),
        ({"kind": "joint"}, "participating_departments"),
        ({"lead_department": wsjk, "items": [wsjk_item]}, "lead_department"),
        ({"code": " E1"}, "code"),
        ({"name": ""}, "name"),
        ({"scope": {"kinds": ["spaceship"]}}, "scope"),
        ({"frequency_cap_days": 0}, "frequency_cap_days"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.entry_add(actor=scjg_admin, plan=plan, **entry_kwargs(plan, [scjg_item], scjg, **overrides))
        assert field in field_errors(exc), (overrides, field_errors(exc))
    assert not PlanEntry.objects.filter(plan=plan).exists()
    # A joint entry of a department plan may name the participating department's items.
    entry = services.entry_add(
        actor=scjg_admin,
        plan=plan,
        **entry_kwargs(plan, [scjg_item, wsjk_item], scjg, kind="joint", participating_departments=[wsjk]),
    )
    assert set(entry.items.all()) == {scjg_item, wsjk_item}
    with pytest.raises(ValidationError) as exc:
        services.entry_add(actor=scjg_admin, plan=plan, **entry_kwargs(plan, [scjg_item], scjg))
    assert "code" in field_errors(exc)


def test_stratum_validation_names_the_field(draft_plan, scjg_admin):
    entry = draft_plan.entries.get()
    cases = [
        ({"name": "A类（信用风险低）", "ratio": "0.1"}, "name"),
        ({"name": "带空格 ", "ratio": "0.1"}, "name"),
        # The same name as read (issue 11, item 12): a zero-width space, full-width letters.
        ({"name": "A类\u200b（信用风险低）", "ratio": "0.1"}, "name"),
        ({"name": "Ａ类(信用风险低)", "ratio": "0.1"}, "name"),
        ({"name": "新层", "ratio": "5%"}, "ratio"),
        ({"name": "新层", "ratio": "1.5"}, "ratio"),
        ({"name": "新层", "ratio": "0.1", "filter": {"credit_levels": ["E"]}}, "filter"),
        ({"name": "新层", "ratio": "0.1", "filter": {"colour": ["red"]}}, "filter"),
        ({"name": "新层", "ratio": "0.1", "filter": {"regions": ["320481"]}}, "filter"),  # a scope key
        ({"name": "新层", "ratio": "0.1", "filter": {"flags": ["abnormal_list"]}}, "filter"),  # the old form
        ({"name": "新层", "ratio": "0.1", "min_count": 5, "max_count": 2}, "max_count"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.stratum_add(actor=scjg_admin, entry=entry, **kwargs)
        assert field in field_errors(exc), (kwargs, field_errors(exc))
    stratum = services.stratum_add(
        actor=scjg_admin,
        entry=entry,
        name="高风险",
        ratio="1",
        filter={
            "risk_levels": ["low", "high", "low"],
            "any_of": [{"penalised_within_days": 90}, {"abnormal_list": True}],
        },
    )
    assert stratum.filter == {
        "risk_levels": ["high", "low"],
        "any_of": [{"penalised_within_days": 90}, {"abnormal_list": True}],
    }
    with pytest.raises(ValidationError) as exc:
        services.stratum_add(actor=scjg_admin, entry=entry, name="新层", ratio="0.1", filter={"credit_levels": ["E"]})
    assert field_errors(exc)["filter"] == ["分层条件的信用等级（credit_levels）中，代码“E”不存在或已停用。"]


def test_stratum_filters_in_words(db):
    assert describe_stratum_filters(
        [{"credit_levels": ["A"]}, {}, {"any_of": [{"abnormal_list": True}, {"penalised_within_days": 30}]}]
    ) == [
        ["信用等级：A 类（信用风险低）"],
        ["不限（范围内全部对象）"],
        ["任一标记：列入经营异常名录、30 天内受过行政处罚"],
    ]


def test_draft_entry_removal_deletes_it(draft_plan, scjg_admin):
    entry = draft_plan.entries.get()
    services.entry_remove(actor=scjg_admin, entry=entry)
    assert not PlanEntry.objects.filter(pk=entry.pk).exists()
    assert not PlanStratum.objects.filter(entry_id=entry.pk).exists()


def test_adjustment_needs_reason_and_keeps_every_version(published_plan, scjg_admin, scjg, scjg_item):
    entry = published_plan.entries.get()
    kwargs = entry_kwargs(published_plan, [scjg_item], scjg, name="调整后的名称")
    with pytest.raises(ValidationError) as exc:
        services.entry_update(actor=scjg_admin, entry=entry, **kwargs)
    assert "reason" in field_errors(exc)
    services.entry_update(actor=scjg_admin, entry=entry, reason="按上级要求调整名称", **kwargs)
    stratum = entry.strata.get(name="A类（信用风险低）")
    services.stratum_update(
        actor=scjg_admin, stratum=stratum, name=stratum.name, ratio="0.03", filter=stratum.filter, reason="A 类降低比例"
    )
    services.stratum_remove(actor=scjg_admin, stratum=entry.strata.get(name="B类（信用风险一般）"), reason="合并")
    second = services.entry_add(
        actor=scjg_admin,
        plan=published_plan,
        reason="新增专项",
        **entry_kwargs(published_plan, [scjg_item], scjg, code="E2", kind="special"),
    )
    services.entry_remove(actor=scjg_admin, entry=second, reason="专项取消")

    plan = AnnualPlan.objects.get(pk=published_plan.pk)
    assert plan.status == S.PUBLISHED and plan.revision == 5
    adjustments = list(plan.events.filter(action=PlanEvent.Action.ADJUSTED).order_by("revision"))
    assert [e.revision for e in adjustments] == [1, 2, 3, 4, 5]
    assert [e.reason for e in adjustments] == ["按上级要求调整名称", "A 类降低比例", "合并", "新增专项", "专项取消"]
    published = plan.events.get(action="published").snapshot["entries"][0]
    assert published["name"] == "食品经营者日常监督抽查"
    assert adjustments[0].snapshot["entries"][0]["name"] == "调整后的名称"
    ratios = [{s["name"]: s["ratio"] for s in e.snapshot["entries"][0]["strata"]} for e in adjustments]
    assert ratios[0]["A类（信用风险低）"] == "0.05" and ratios[1]["A类（信用风险低）"] == "0.03"
    assert "B类（信用风险一般）" in ratios[1] and "B类（信用风险一般）" not in ratios[2]
    assert [e["code"] for e in adjustments[3].snapshot["entries"]] == ["E1", "E2"]
    assert [e["code"] for e in adjustments[4].snapshot["entries"]] == ["E1"]
    # Nothing published is deleted: the removed entry and stratum are retired.
    assert PlanEntry.objects.get(pk=second.pk).retired_reason == "专项取消"
    assert PlanStratum.objects.filter(entry=entry, retired_at__isnull=False).count() == 1


def test_joint_plan(coordinator, scjg_admin, scjg_approver, county, scjg, wsjk, scjg_item, wsjk_item, wsjk_admin):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=scjg_admin, year=2027, title="联合计划", region=county)
    plan = services.plan_create(actor=coordinator, year=2027, title="2027年度部门联合抽查计划", region=county)
    assert plan.is_joint and plan.department is None
    with pytest.raises(ValidationError, match="已有部门联合抽查计划"):
        services.plan_create(actor=coordinator, year=2027, title="又一份", region=county)
    with pytest.raises(ValidationError) as exc:
        services.entry_add(actor=coordinator, plan=plan, **entry_kwargs(plan, [scjg_item], scjg))
    assert "kind" in field_errors(exc)
    entry = services.entry_add(
        actor=coordinator,
        plan=plan,
        **entry_kwargs(plan, [scjg_item, wsjk_item], scjg, kind="joint", participating_departments=[wsjk]),
    )
    with pytest.raises(PermissionDenied):
        services.stratum_add(actor=wsjk_admin, entry=entry, name="全部", ratio="0.1")
    services.entry_add_default_strata(actor=coordinator, entry=entry)
    services.plan_submit(actor=coordinator, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=scjg_admin, plan=plan)
    with pytest.raises(PermissionDenied):  # the coordinator submitted it: another pair of eyes approves
        services.plan_approve(actor=coordinator, plan=plan)
    services.plan_approve(actor=scjg_approver, plan=plan)
    services.plan_file(actor=coordinator, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_publish(actor=scjg_admin, plan=plan)
    assert services.plan_publish(actor=coordinator, plan=plan).status == S.PUBLISHED


def test_default_strata_only_once(draft_plan, scjg_admin):
    with pytest.raises(ValidationError, match="已有分层"):
        services.entry_add_default_strata(actor=scjg_admin, entry=draft_plan.entries.get())
