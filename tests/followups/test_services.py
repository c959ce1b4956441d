"""后续处置 services (issue 13, item 9): each kind's required field, the standing rules of
"无需后续处置", closing and withdrawing, re-check rules, 抄告 marks, and every refusal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.followups import services
from spotcheck.followups.models import FollowUp, ReCheck
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.followups import make_result
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")

Kind = FollowUp.Kind


def _open(actor, item, kind, **kwargs):
    return services.followup_open(actor=actor, item_result=item, kind=kind, **kwargs)


def _later(days):
    return timezone.localdate() + dt.timedelta(days=days)


# ------------------------------------------------------------------------------- opening


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        (Kind.RECTIFY, "due_on", "责令改正须填写整改期限。"),
        (Kind.REFER, "case_number", "移送办案机构须填写案件编号。"),
        (Kind.NOTIFY, "target_department", "抄告相关部门须选择被抄告的部门。"),
        (Kind.OTHER, "note", "选择“其他”时须填写处置说明。"),
        (Kind.NONE_NEEDED, "note", "无需后续处置时须说明理由。"),
    ],
)
def test_each_kind_requires_its_field(scjg_inspector, problem_item, kind, field, message):
    with pytest.raises(ValidationError) as exc:
        _open(scjg_inspector, problem_item, kind)
    assert exc.value.message_dict[field] == [message]
    assert not FollowUp.objects.exists()


def test_each_kind_opens_with_its_field(scjg_inspector, problem_item, wsjk):
    rectify = _open(scjg_inspector, problem_item, Kind.RECTIFY, due_on=_later(15).isoformat(), note="限期公示")
    refer = _open(scjg_inspector, problem_item, Kind.REFER, case_number="溧市监立字〔2026〕12号")
    notify = _open(scjg_inspector, problem_item, Kind.NOTIFY, target_department=wsjk)
    routine = _open(scjg_inspector, problem_item, Kind.ROUTINE)
    other = _open(scjg_inspector, problem_item, Kind.OTHER, note="约谈负责人")
    assert rectify.due_on == _later(15) and rectify.status == "open"
    assert refer.case_number == "溧市监立字〔2026〕12号"
    assert notify.target_department == wsjk and notify.department_id == problem_item.department_id
    assert {routine.status, other.status} == {"open"}
    entries = AuditEntry.objects.filter(action="followups.followup.open")
    assert entries.count() == 5
    assert entries.filter(target_id=str(notify.pk), after__target_department_id=wsjk.pk).exists()


def test_the_due_date_is_checked(scjg_inspector, problem_item):
    with pytest.raises(ValidationError) as exc:
        _open(scjg_inspector, problem_item, Kind.RECTIFY, due_on="2026-13-01")
    assert "整改期限“2026-13-01”不是有效日期" in exc.value.message_dict["due_on"][0]
    with pytest.raises(ValidationError) as exc:
        _open(scjg_inspector, problem_item, Kind.RECTIFY, due_on=_later(-1))
    assert exc.value.message_dict["due_on"] == ["整改期限不能早于今天。"]


def test_a_notice_goes_to_another_department(scjg_inspector, problem_item, scjg):
    with pytest.raises(ValidationError) as exc:
        _open(scjg_inspector, problem_item, Kind.NOTIFY, target_department=scjg)
    assert exc.value.message_dict["target_department"] == ["不能抄告本部门，请选择其他部门。"]


def test_no_follow_up_before_the_result_is_final(problem_visit, scjg_inspector):
    result = make_result(problem_visit, actor=scjg_inspector, confirm=False)
    with pytest.raises(ValidationError, match="检查结果确认后才能登记后续处置"):
        _open(scjg_inspector, result.items.get(), Kind.ROUTINE)


def test_no_follow_up_on_an_item_without_a_problem(problem_visit, scjg_inspector):
    result = make_result(problem_visit, actor=scjg_inspector, codes=["1"])
    with pytest.raises(ValidationError, match="该事项未发现问题"):
        _open(scjg_inspector, result.items.get(), Kind.ROUTINE)


def test_an_unknown_kind_is_refused(scjg_inspector, problem_item):
    with pytest.raises(ValidationError) as exc:
        _open(scjg_inspector, problem_item, "penalty")
    assert exc.value.message_dict["kind"] == ["请选择处置方式。"]


def test_none_needed_is_closed_at_once_and_stands_alone(scjg_inspector, problem_item):
    decision = _open(scjg_inspector, problem_item, Kind.NONE_NEEDED, note="已当场改正，情节轻微")
    assert decision.status == "closed" and decision.closed_on == timezone.localdate()
    with pytest.raises(ValidationError, match="已登记“无需后续处置”"):
        _open(scjg_inspector, problem_item, Kind.ROUTINE)
    services.followup_withdraw(actor=scjg_inspector, followup=decision, reason="判断有误")
    routine = _open(scjg_inspector, problem_item, Kind.ROUTINE)
    with pytest.raises(ValidationError, match="该事项已有后续处置"):
        _open(scjg_inspector, problem_item, Kind.NONE_NEEDED, note="x")
    assert routine.status == "open"


# --------------------------------------------------------------------------- permissions


def test_the_department_admin_may_record(scjg_admin, problem_item):
    assert _open(scjg_admin, problem_item, Kind.ROUTINE).created_by == scjg_admin


@pytest.mark.parametrize("persona", ["scjg_approver", "auditor", "coordinator"])
def test_readers_who_may_not_record_are_refused(request, problem_item, persona):
    with pytest.raises(PermissionDenied):
        _open(request.getfixturevalue(persona), problem_item, Kind.ROUTINE)


@pytest.mark.parametrize("persona", ["wsjk_admin", "nobody", "witness"])
def test_others_do_not_see_the_item(request, problem_item, persona):
    with pytest.raises(Http404):
        _open(request.getfixturevalue(persona), problem_item, Kind.ROUTINE)


def test_an_inspector_of_the_department_not_on_the_team_gets_a_404(problem_item, scjg):
    other = UserFactory(username="not_on_team")
    MembershipFactory(user=other, department=scjg, role="inspector")
    with pytest.raises(Http404):
        _open(other, problem_item, Kind.ROUTINE)


@pytest.fixture
def routine(scjg_inspector, problem_item):
    return _open(scjg_inspector, problem_item, Kind.ROUTINE)


def test_close_and_withdraw_are_refused_to_others(routine, scjg_approver, wsjk_admin):
    with pytest.raises(PermissionDenied):
        services.followup_close(actor=scjg_approver, followup=routine, closed_on=timezone.localdate(), note="x")
    with pytest.raises(Http404):
        services.followup_withdraw(actor=wsjk_admin, followup=routine, reason="x")
    routine.refresh_from_db()
    assert routine.status == "open"


# -------------------------------------------------------------------------- close / withdraw


def test_close_once(scjg_inspector, routine):
    today = timezone.localdate()
    services.followup_close(actor=scjg_inspector, followup=routine, closed_on=today, note="已纳入日常监管")
    routine.refresh_from_db()
    assert (routine.status, routine.closed_on, routine.close_note) == ("closed", timezone.localdate(), "已纳入日常监管")
    with pytest.raises(ValidationError, match="已完结，不能再次完结"):
        services.followup_close(actor=scjg_inspector, followup=routine, closed_on=timezone.localdate(), note="again")
    assert AuditEntry.objects.filter(action="followups.followup.close").count() == 1


def test_close_needs_a_date_and_a_note(scjg_inspector, routine):
    with pytest.raises(ValidationError) as exc:
        services.followup_close(actor=scjg_inspector, followup=routine, closed_on="", note=" ")
    assert exc.value.message_dict == {"closed_on": ["请填写完结日期。"], "note": ["请填写完结说明。"]}
    with pytest.raises(ValidationError) as exc:
        services.followup_close(actor=scjg_inspector, followup=routine, closed_on=_later(1), note="x")
    assert exc.value.message_dict["closed_on"] == ["完结日期不能晚于今天。"]
    with pytest.raises(ValidationError) as exc:
        services.followup_close(actor=scjg_inspector, followup=routine, closed_on=_later(-3), note="x")
    assert exc.value.message_dict["closed_on"] == ["完结日期不能早于登记后续处置的日期。"]


def test_a_rectification_closes_through_its_recheck(scjg_inspector, problem_item):
    rectify = _open(scjg_inspector, problem_item, Kind.RECTIFY, due_on=_later(10))
    with pytest.raises(ValidationError, match="请登记复查结果"):
        services.followup_close(actor=scjg_inspector, followup=rectify, closed_on=timezone.localdate(), note="x")


def test_withdraw_keeps_the_row_with_its_reason(scjg_inspector, routine):
    with pytest.raises(ValidationError) as exc:
        services.followup_withdraw(actor=scjg_inspector, followup=routine, reason="")
    assert exc.value.message_dict["reason"] == ["撤回时请填写原因。"]
    services.followup_withdraw(actor=scjg_inspector, followup=routine, reason="登记错了事项")
    routine.refresh_from_db()
    assert (routine.status, routine.withdrawn_reason) == ("withdrawn", "登记错了事项")
    assert routine.withdrawn_by == scjg_inspector
    with pytest.raises(ValidationError, match="已撤回"):
        services.followup_withdraw(actor=scjg_inspector, followup=routine, reason="again")
    with pytest.raises(ValidationError, match="已撤回"):
        services.followup_close(actor=scjg_inspector, followup=routine, closed_on=timezone.localdate(), note="x")
    assert FollowUp.objects.filter(pk=routine.pk).exists()


# ---------------------------------------------------------------------------------- re-check


@pytest.fixture
def rectify(scjg_inspector, problem_item):
    return _open(scjg_inspector, problem_item, Kind.RECTIFY, due_on=_later(10), note="限期 10 日内公示年报")


@pytest.fixture
def officers(scjg_inspectors):
    return scjg_inspectors[:2]


def _recheck(actor, followup, officers, outcome="corrected", **kwargs):
    kwargs.setdefault("checked_on", timezone.localdate())
    return services.recheck_record(actor=actor, followup=followup, officers=officers, outcome=outcome, **kwargs)


def test_recheck_corrected_closes_the_rectification(scjg_admin, rectify, officers):
    recheck = _recheck(scjg_admin, rectify, officers, note="已补报年报")
    rectify.refresh_from_db()
    assert rectify.status == "closed" and rectify.closed_on == recheck.checked_on
    assert "复查已改正" in rectify.close_note
    assert set(recheck.officers.all()) == set(officers)
    assert AuditEntry.objects.filter(action="followups.recheck.record", target_id=str(rectify.pk)).exists()
    with pytest.raises(ValidationError, match="不能再登记复查"):
        _recheck(scjg_admin, rectify, officers)


def test_recheck_needs_two_certified_officers_of_the_department(scjg_admin, rectify, scjg_inspectors, wsjk_inspectors):
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, scjg_inspectors[:1])
    assert "至少 2 名持有效执法证" in exc.value.message_dict["officers"][0]
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, [scjg_inspectors[0], wsjk_inspectors[0]])
    assert "卫健检查员0" in exc.value.message_dict["officers"][0]
    expired = scjg_inspectors[1]
    expired.certificate_expires_on = _later(-1)
    expired.save(update_fields=["certificate_expires_on"])
    with pytest.raises(ValidationError, match="现有 1 名"):
        _recheck(scjg_admin, rectify, [scjg_inspectors[0], expired])
    assert not ReCheck.objects.exists()


def test_the_minimum_is_a_setting(settings, scjg_admin, rectify, scjg_inspectors):
    settings.SPOTCHECK_RECHECK_MIN_OFFICERS = 3
    with pytest.raises(ValidationError, match="至少 3 名"):
        _recheck(scjg_admin, rectify, scjg_inspectors[:2])
    _recheck(scjg_admin, rectify, scjg_inspectors[:3])


def test_recheck_only_of_a_rectification(scjg_admin, routine, officers):
    with pytest.raises(ValidationError, match="只有责令改正需要复查"):
        _recheck(scjg_admin, routine, officers)


def test_not_corrected_needs_a_new_due_date_or_another_kind(scjg_admin, rectify, officers):
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, officers, outcome="not_corrected")
    assert exc.value.message_dict["new_due_on"] == ["未改正时须给出新的整改期限，或转为其他处置方式。"]
    old_due = rectify.due_on
    recheck = _recheck(scjg_admin, rectify, officers, outcome="not_corrected", new_due_on=_later(30))
    rectify.refresh_from_db()
    assert rectify.status == "open" and rectify.due_on == _later(30)
    assert (recheck.previous_due_on, recheck.new_due_on) == (old_due, _later(30))


def test_not_corrected_escalates_to_a_referral(scjg_admin, rectify, officers):
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, officers, outcome="not_corrected", escalate_kind="refer")
    assert exc.value.message_dict["case_number"] == ["移送办案机构须填写案件编号。"]
    assert not ReCheck.objects.exists()
    _recheck(scjg_admin, rectify, officers, outcome="not_corrected", escalate_kind="refer", case_number="立字12号")
    rectify.refresh_from_db()
    assert rectify.status == "closed" and "转为移送办案机构" in rectify.close_note
    referral = FollowUp.objects.get(escalated_from=rectify)
    assert (referral.kind, referral.case_number, referral.status) == ("refer", "立字12号", "open")


def test_a_recheck_is_recorded_by_the_team_or_the_admin_not_by_any_officer(rectify, officers, scjg):
    officer_user = UserFactory(username="recheck_officer")
    MembershipFactory(user=officer_user, department=scjg, role="inspector")
    fresh = link_inspector(officer_user, InspectorFactory(department=scjg, name="新到岗检查员"))
    # Named as an officer, but neither on the visit's team nor an admin: the item is not theirs.
    with pytest.raises(Http404):
        _recheck(officer_user, rectify, [fresh, officers[1]])


def test_recheck_refusals(rectify, officers, scjg_approver, wsjk_admin):
    with pytest.raises(PermissionDenied):
        _recheck(scjg_approver, rectify, officers)
    with pytest.raises(Http404):
        _recheck(wsjk_admin, rectify, officers)


def test_recheck_date_rules(scjg_admin, rectify, officers):
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, officers, checked_on=_later(1))
    assert exc.value.message_dict["checked_on"] == ["复查日期不能晚于今天。"]
    with pytest.raises(ValidationError) as exc:
        _recheck(scjg_admin, rectify, officers, checked_on="")
    assert exc.value.message_dict["checked_on"] == ["请填写复查日期。"]


# ------------------------------------------------------------------------------------ 抄告


@pytest.fixture
def notice(scjg_inspector, problem_item, wsjk):
    return _open(scjg_inspector, problem_item, Kind.NOTIFY, target_department=wsjk, note="涉及公共场所卫生")


def test_the_target_admin_marks_read_then_handled(wsjk_admin, notice):
    services.notice_mark_read(actor=wsjk_admin, followup=notice)
    with pytest.raises(ValidationError, match="已标记为已阅"):
        services.notice_mark_read(actor=wsjk_admin, followup=notice)
    services.notice_mark_handled(actor=wsjk_admin, followup=notice, note="已纳入本部门检查计划")
    notice.refresh_from_db()
    assert notice.notice_read_by == wsjk_admin and notice.notice_handled_note == "已纳入本部门检查计划"
    assert AuditEntry.objects.filter(action__startswith="followups.notice.").count() == 2
    with pytest.raises(ValidationError, match="已标记为已处理"):
        services.notice_mark_handled(actor=wsjk_admin, followup=notice)


def test_notice_marks_are_the_target_departments(notice, scjg_admin, coordinator, wsjk):
    with pytest.raises(Http404):
        services.notice_mark_read(actor=scjg_admin, followup=notice)
    with pytest.raises(PermissionDenied):
        services.notice_mark_read(actor=coordinator, followup=notice)
    reader = UserFactory(username="wsjk_approver")
    MembershipFactory(user=reader, department=wsjk, role="approver")
    with pytest.raises(PermissionDenied):
        services.notice_mark_handled(actor=reader, followup=notice)


def test_an_inspector_is_matched_only_by_certificate(scjg, scjg_admin, rectify, officers):
    # An expert without a certificate counts on top of the officers, never as one of them.
    expert = InspectorFactory(department=scjg, name="外聘专家", kind="expert", certificate_number="")
    with pytest.raises(ValidationError, match="现有 1 名"):
        _recheck(scjg_admin, rectify, [officers[0], expert])
