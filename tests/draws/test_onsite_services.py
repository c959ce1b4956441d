"""无事不扰 per body: counting on-site inspections, the cap per department, recording a visit's
check-in (one row per department of its task, a reason over the cap), withdrawal (i13-onsite)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import onsite, services
from spotcheck.draws.models import OnSiteInspection
from spotcheck.draws.onsite_selectors import department_caps, onsite_statistics
from tests.draws.onsite_support import Kind, Trigger, earlier
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory


@pytest.fixture
def visit(scjg_task):
    return scjg_task.visits.order_by("pk").first()


@pytest.fixture
def drawn_joint(joint_task, run_ceremony):
    return run_ceremony(joint_task)


def test_the_count_covers_the_365_days_before(visit, scjg, scjg_admin):
    obj, now = visit.inspection_object, timezone.now()
    for days in (0, 10, 364, 366, 400):
        earlier(obj, scjg, scjg_admin, days, at=now)
    assert onsite.onsite_count(obj, scjg, now) == 3
    # 30 days earlier: 364 and 366 days before now are inside, the later ones not yet.
    assert onsite.onsite_count(obj, scjg, now - dt.timedelta(days=30)) == 2
    # The window's first day is in (10 days before now is 365 days before now + 355).
    assert onsite.onsite_count(obj, scjg, now + dt.timedelta(days=355)) == 2
    assert onsite.onsite_count(obj, scjg, now + dt.timedelta(days=356)) == 1


def test_withdrawn_rows_and_exempt_kinds_do_not_count(visit, scjg, wsjk, scjg_admin):
    obj = visit.inspection_object
    earlier(obj, scjg, scjg_admin, 1, kind=Kind.CASE, trigger=Trigger.COMPLAINT)
    earlier(obj, scjg, scjg_admin, 2, kind=Kind.CASE, trigger=Trigger.DATA)
    earlier(obj, scjg, scjg_admin, 3, kind=Kind.SPECIAL, trigger=Trigger.ORDERED)
    earlier(obj, scjg, scjg_admin, 4, withdrawn_at=timezone.now(), withdrawn_by=scjg_admin, withdrawn_reason="误登记")
    earlier(obj, wsjk, scjg_admin, 5)  # another body's
    assert onsite.onsite_count(obj, scjg, timezone.now()) == 0
    earlier(obj, scjg, scjg_admin, 6, kind=Kind.CASE, trigger=Trigger.REFERRAL)  # 转办交办 counts
    earlier(obj, scjg, scjg_admin, 7)  # 专项 of its own counts
    assert onsite.onsite_count(obj, scjg, timezone.now()) == 2
    assert not OnSiteInspection.counts(Kind.CASE, Trigger.COMPLAINT)
    assert OnSiteInspection.counts(Kind.ROUTINE, Trigger.NONE)


def test_a_kind_goes_with_its_triggers_in_the_database(visit, scjg, scjg_admin):
    with pytest.raises(IntegrityError), transaction.atomic():
        earlier(visit.inspection_object, scjg, scjg_admin, 1, kind=Kind.CASE, trigger=Trigger.ORDERED)
    with pytest.raises(IntegrityError), transaction.atomic():  # a routine inspection comes from a visit
        earlier(visit.inspection_object, scjg, scjg_admin, 1, kind=Kind.ROUTINE, trigger=Trigger.NONE)


def test_a_joint_visit_is_one_inspection_for_each_department(drawn_joint, scjg, wsjk, scjg_inspector):
    visit = drawn_joint.visits.order_by("pk").first()
    at = timezone.now() - dt.timedelta(hours=1)
    rows = onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=at)
    assert [(r.department, r.kind, r.counts_toward_cap, r.over_cap) for r in rows] == [
        (scjg, Kind.ROUTINE, True, False),
        (wsjk, Kind.ROUTINE, True, False),
    ]
    assert onsite.onsite_count(visit.inspection_object, wsjk, timezone.now()) == 1
    entries = AuditEntry.objects.filter(action="draws.onsite.record")
    assert sorted(entries.values_list("department_id", flat=True)) == sorted([scjg.pk, wsjk.pk])
    # Idempotent: the same rows again, nothing new written.
    again = onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    assert sorted(r.pk for r in again) == sorted(r.pk for r in rows)
    assert entries.count() == 2 and OnSiteInspection.objects.count() == 2


def test_over_the_cap_needs_a_reason_and_is_flagged(drawn_joint, scjg, wsjk, scjg_admin, scjg_inspector):
    visit = drawn_joint.visits.order_by("pk").first()
    obj = visit.inspection_object
    earlier(obj, scjg, scjg_admin, 30)
    earlier(obj, scjg, scjg_admin, 60)  # 市场监管 at its cap of 2; 卫健 at none
    assert [(r.department, r.count, r.cap) for r in onsite.onsite_cap_warning(visit)] == [(scjg, 2, 2)]
    with pytest.raises(ValidationError) as caught:
        onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    error = caught.value.error_dict["over_cap_reason"][0]
    assert error.code == "over_cap"
    assert "市场监管 近 365 天已现场检查 2 次，上限 2 次" in error.message and "卫健" not in error.message
    assert not OnSiteInspection.objects.filter(visit=visit).exists()  # all or nothing
    with pytest.raises(ValidationError):
        onsite.onsite_inspection_record(
            actor=scjg_inspector, visit=visit, inspected_at=timezone.now(), over_cap_reason="  "
        )
    rows = onsite.onsite_inspection_record(
        actor=scjg_inspector, visit=visit, inspected_at=timezone.now(), over_cap_reason=" 群众反映复查 "
    )
    flagged = {r.department: (r.over_cap, r.over_cap_reason) for r in rows}
    assert flagged == {scjg: (True, "群众反映复查"), wsjk: (False, "")}
    entry = AuditEntry.objects.get(action="draws.onsite.over_cap")
    assert (entry.department_id, entry.after["count"], entry.after["cap"]) == (scjg.pk, 2, 2)
    assert onsite.onsite_cap_warning(visit) == []  # recorded: nothing more to ask


def test_a_departments_own_cap_and_no_cap(coordinator, visit, scjg, wsjk, scjg_admin, scjg_inspector, settings):
    obj = visit.inspection_object
    for days in (10, 20, 30):
        earlier(obj, scjg, scjg_admin, days)
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=4)
    assert onsite.caps_for([scjg.pk, wsjk.pk]) == {scjg.pk: 4, wsjk.pk: 2}
    assert onsite.onsite_cap_warning(visit) == []
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=None)  # no cap
    assert onsite.cap_of(scjg) is None
    rows = onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    assert not rows[0].over_cap
    onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=7, follows_default=True)
    assert onsite.cap_of(scjg) == 2  # back on the default (the number is not kept)
    settings.SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR = 0
    assert onsite.cap_of(scjg) is None
    changes = AuditEntry.objects.filter(action="draws.onsite_cap.set").order_by("pk")
    assert [(e.after.get("follows_default"), e.after.get("max_per_year")) for e in changes] == [
        (False, 4),
        (None, None),
        (True, None),
    ]


def test_only_the_regions_coordinator_sets_a_cap(coordinator, scjg, scjg_admin, wsjk_admin, auditor, county):
    for actor in (scjg_admin, wsjk_admin, auditor):
        with pytest.raises(PermissionDenied):
            onsite.onsite_cap_set(actor=actor, department=scjg, max_per_year=3)
    other_region = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
    other = UserFactory(username="other_coordinator")
    MembershipFactory(user=other, department=DepartmentFactory(code="JT-SCJG", region=other_region), role="coordinator")
    with pytest.raises(PermissionDenied):
        onsite.onsite_cap_set(actor=other, department=scjg, max_per_year=3)
    for bad in (0, 53, True, "2"):
        with pytest.raises(ValidationError):
            onsite.onsite_cap_set(actor=coordinator, department=scjg, max_per_year=bad)
    assert not AuditEntry.objects.filter(action="draws.onsite_cap.set").exists()


def test_a_cancelled_task_records_nothing(scjg_task, visit, scjg_admin, scjg_inspector):
    services.task_cancel(actor=scjg_admin, task=scjg_task, reason="重复立项")
    with pytest.raises(ValidationError) as caught:
        onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    assert caught.value.code == "task_not_drawn"


def test_the_inspection_time_is_checked(visit, scjg_inspector):
    for bad in (dt.datetime(2026, 3, 2, 9), timezone.now() + dt.timedelta(days=1), "2026-03-02"):
        with pytest.raises(ValidationError) as caught:
            onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=bad)
        assert "inspected_at" in caught.value.error_dict


def test_a_department_on_two_merged_tasks_counts_once(drawn_joint, make_wsjk_task, wsjk, scjg, scjg_inspector):
    """A joint task with 卫健 and 卫健's own task visit the same object together (合并检查): the
    check-in records both visits, each naming the other; 卫健 inspected the object once."""
    wsjk_task = make_wsjk_task(frequency_cap_days=0)  # the joint task drew the same item
    joint_visit = drawn_joint.visits.order_by("pk").first()
    own_visit = wsjk_task.visits.get(inspection_object=joint_visit.inspection_object)
    at = timezone.now()
    onsite.onsite_inspection_record(actor=scjg_inspector, visit=joint_visit, inspected_at=at, merged_with=[own_visit])
    later = timezone.now()
    assert (
        onsite.onsite_inspection_record(
            actor=scjg_inspector, visit=own_visit, inspected_at=later, merged_with=[joint_visit.pk]
        )
        == []
    )
    assert onsite.onsite_count(joint_visit.inspection_object, wsjk, later) == 1
    assert onsite.onsite_count(joint_visit.inspection_object, scjg, later) == 1
    # Not merged: 卫健's own visit is an inspection of its own.
    other = wsjk_task.visits.exclude(inspection_object=joint_visit.inspection_object).first()
    assert len(onsite.onsite_inspection_record(actor=scjg_inspector, visit=other, inspected_at=later)) == 1


def test_withdrawal_by_the_departments_admin(visit, scjg, scjg_admin, wsjk_admin, scjg_inspector, coordinator):
    (row,) = onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    for actor in (wsjk_admin, scjg_inspector):
        with pytest.raises(PermissionDenied):
            onsite.onsite_inspection_withdraw(actor=actor, row=row, reason="误登记")
    with pytest.raises(ValidationError):
        onsite.onsite_inspection_withdraw(actor=scjg_admin, row=row, reason=" ")
    onsite.onsite_inspection_withdraw(actor=scjg_admin, row=row, reason="误登记")
    row.refresh_from_db()
    assert (row.withdrawn_by, row.withdrawn_reason) == (scjg_admin, "误登记")
    assert onsite.onsite_count(visit.inspection_object, scjg, timezone.now()) == 0
    with pytest.raises(ValidationError):
        onsite.onsite_inspection_withdraw(actor=scjg_admin, row=row, reason="再次")
    assert AuditEntry.objects.filter(action="draws.onsite.withdraw").count() == 1
    # Checked in again after the mistake: a new row; the withdrawn one stays on record.
    (again,) = onsite.onsite_inspection_record(actor=scjg_inspector, visit=visit, inspected_at=timezone.now())
    assert again.pk != row.pk and OnSiteInspection.objects.filter(visit=visit).count() == 2


def test_the_coordinator_reads_an_over_cap_flag(visit, scjg, scjg_admin, scjg_inspector, coordinator):
    earlier(visit.inspection_object, scjg, scjg_admin, 1)
    earlier(visit.inspection_object, scjg, scjg_admin, 2)
    (row,) = onsite.onsite_inspection_record(
        actor=scjg_inspector, visit=visit, inspected_at=timezone.now(), over_cap_reason="复查整改"
    )
    with pytest.raises(PermissionDenied):
        onsite.onsite_over_cap_review(actor=scjg_admin, row=row)
    onsite.onsite_over_cap_review(actor=coordinator, row=row)
    with pytest.raises(ValidationError):
        onsite.onsite_over_cap_review(actor=coordinator, row=row)
    assert AuditEntry.objects.filter(action="draws.onsite.review").count() == 1


def test_caps_and_yearly_statistics(visit, scjg_task, scjg, wsjk, scjg_admin, scjg_inspector, coordinator):
    objs = [v.inspection_object for v in scjg_task.visits.order_by("pk")[:3]]
    now = timezone.now()
    earlier(objs[0], scjg, scjg_admin, 1, at=now)
    earlier(objs[0], scjg, scjg_admin, 2, at=now)  # objs[0]: at the cap of 2
    earlier(objs[1], scjg, scjg_admin, 1, at=now)
    earlier(objs[1], scjg, scjg_admin, 3, at=now, kind=Kind.CASE, trigger=Trigger.COMPLAINT)  # does not count
    earlier(objs[2], wsjk, scjg_admin, 1, at=now)
    onsite.onsite_cap_set(actor=coordinator, department=wsjk, max_per_year=1)
    caps = {c.department: (c.cap, c.follows_default, c.at_cap) for c in department_caps(scjg.region_id, now)}
    assert caps == {scjg: (2, True, 2 - 1), wsjk: (1, False, 1)}
    year = timezone.localtime(now - dt.timedelta(days=3)).year
    if year != timezone.localtime(now).year:
        pytest.skip("the rows straddle a new year")
    stats = {s.department: s for s in onsite_statistics(scjg.region_id, year)}
    s = stats[scjg]
    assert (s.inspections, s.counted, s.over_cap, s.objects, s.repeated) == (4, 3, 0, 2, 2)
    assert (stats[wsjk].inspections, stats[wsjk].repeated) == (1, 0)
    assert onsite_statistics(scjg.region_id, year - 1)[0].inspections == 0
