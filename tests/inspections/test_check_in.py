"""到场登记 (issue 13, item 3): a team member of an approved (or emergency-started) visit records
the arrival, with the browser's location where allowed; every refusal; the state in 我的检查."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services as draws_services
from spotcheck.inspections import services
from spotcheck.inspections.check_in import visit_check_in
from spotcheck.inspections.models import VisitCheckIn
from tests.clock import clock_at
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def _url(visit) -> str:
    return reverse("inspections:check_in", args=[visit.pk])


def _page(visit) -> str:
    return reverse("inspections:visit_detail", args=[visit.pk])


def test_a_team_member_checks_in_with_the_location(approved_visit, scjg_inspector, my_inspector, login):
    client = login(scjg_inspector)
    page = client.get(_page(approved_visit)).content.decode()
    assert 'id="check-in-form"' in page and "data-geolocate" in page
    response = client.post(_url(approved_visit), {"latitude": "31.432100", "longitude": "119.484500", "accuracy": "25"})
    assert response.status_code == 302 and response["Location"].endswith("#check-in")
    check_in = VisitCheckIn.objects.get(visit=approved_visit)
    assert check_in.checked_in_by == scjg_inspector and check_in.inspector == my_inspector
    assert check_in.latitude == Decimal("31.432100") and check_in.longitude == Decimal("119.484500")
    assert check_in.accuracy == 25 and check_in.merged_visit is None
    entry = AuditEntry.objects.get(action="inspections.visit.check_in")
    assert entry.actor == scjg_inspector and entry.after["latitude"] == "31.432100"
    page = client.get(_page(approved_visit)).content.decode()
    assert "已到场" in page and "纬度 31.432100" in page and 'id="check-in-form"' not in page


def test_without_location_the_time_alone_is_recorded(approved_visit, scjg_inspector, login):
    client = login(scjg_inspector)
    assert client.post(_url(approved_visit), {"latitude": "", "longitude": "", "accuracy": ""}).status_code == 302
    check_in = VisitCheckIn.objects.get(visit=approved_visit)
    assert check_in.latitude is None and check_in.accuracy is None
    assert "未记录位置" in client.get(_page(approved_visit)).content.decode()


def test_a_second_check_in_is_refused(approved_visit, scjg_inspector, login):
    visit_check_in(actor=scjg_inspector, visit=approved_visit)
    with pytest.raises(ValidationError, match="不能重复登记"):
        visit_check_in(actor=scjg_inspector, visit=approved_visit)
    response = login(scjg_inspector).post(_url(approved_visit), follow=True)
    assert "不能重复登记" in response.content.decode()
    assert VisitCheckIn.objects.count() == 1 and AuditEntry.objects.filter(action__endswith="check_in").count() == 1


def test_before_approval_it_is_refused_and_an_emergency_start_allows_it(my_visit, scjg_inspector, login):
    with pytest.raises(ValidationError, match="检查尚未审批"):
        visit_check_in(actor=scjg_inspector, visit=my_visit)
    page = login(scjg_inspector).get(_page(my_visit)).content.decode()
    assert 'id="check-in-form"' not in page and "后才能登记到场" in page
    response = login(scjg_inspector).post(_url(my_visit), follow=True)
    assert "检查尚未审批" in response.content.decode() and not VisitCheckIn.objects.exists()
    services.visit_emergency_start(actor=scjg_inspector, visit=my_visit, reason="现场发现紧急情况")
    assert visit_check_in(actor=scjg_inspector, visit=my_visit).visit == my_visit


def test_a_cancelled_task_is_refused(approved_visit, scjg_inspector, scjg_admin, scjg_task):
    draws_services.task_cancel(actor=scjg_admin, task=scjg_task, reason="上级通知暂停")
    with pytest.raises(ValidationError, match="只有已抽取且未取消的任务"):
        visit_check_in(actor=scjg_inspector, visit=approved_visit)


def test_someone_not_on_the_team_is_refused(approved_visit, scjg, scjg_admin, scjg_approver, wsjk_admin, login):
    # A reader of the visit who is not on the team: 403 naming the rule.
    for reader in (scjg_admin, scjg_approver):
        with pytest.raises(PermissionDenied):
            visit_check_in(actor=reader, visit=approved_visit)
        response = login(reader).post(_url(approved_visit))
        assert response.status_code == 403 and "检查组成员" in response.content.decode()
        assert 'id="check-in-form"' not in login(reader).get(_page(approved_visit)).content.decode()
    # An inspector of the department on another team does not see the visit: 404.
    other = UserFactory(username="other_inspector")
    MembershipFactory(user=other, department=scjg, role="inspector")
    link_inspector(other, InspectorFactory(department=scjg, name="未分配检查员"))
    assert login(other).post(_url(approved_visit)).status_code == 404
    # Another department: 404.
    assert login(wsjk_admin).post(_url(approved_visit)).status_code == 404
    assert not VisitCheckIn.objects.exists()


def test_the_check_in_is_a_post(approved_visit, scjg_inspector, login):
    assert login(scjg_inspector).get(_url(approved_visit)).status_code == 405
    assert login(scjg_inspector).post("/inspections/visits/abc/check-in/").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"latitude": "91", "longitude": "119"}, "纬度须在"),
        ({"latitude": "31", "longitude": "-181"}, "经度须在"),
        ({"latitude": "abc", "longitude": "119"}, "纬度不是数字"),
        ({"latitude": "NaN", "longitude": "119"}, "纬度须在"),
        ({"latitude": "31"}, "须同时包含纬度和经度"),
        ({"latitude": "31", "longitude": "119", "accuracy": "-5"}, "定位精度"),
        ({"latitude": "9" * 5000, "longitude": "119"}, "纬度须在"),
    ],
)
def test_a_bad_location_is_refused_naming_the_field(approved_visit, scjg_inspector, login, data, message):
    response = login(scjg_inspector).post(_url(approved_visit), data, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert not VisitCheckIn.objects.exists()


def test_a_huge_accuracy_is_capped(approved_visit, scjg_inspector):
    check_in = visit_check_in(actor=scjg_inspector, visit=approved_visit, latitude=31, longitude=119, accuracy="1e9")
    assert check_in.accuracy == 100_000


def test_in_a_merged_visit_each_team_checks_in_on_its_own_visit(merged, scjg_inspector, scjg_approver, scjg_task):
    merged_visit, (ours, theirs) = merged
    link_inspector(scjg_inspector, ours.members.first().inspector)
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[ours])
    check_in = visit_check_in(actor=scjg_inspector, visit=ours)
    assert check_in.merged_visit == merged_visit
    assert not VisitCheckIn.objects.filter(visit=theirs).exists()
    with pytest.raises(PermissionDenied):  # not on the other department's team
        visit_check_in(actor=scjg_inspector, visit=theirs)


def test_my_visits_shows_the_states(approved_visit, my_visit, scjg_inspector, my_inspector, login, scjg_task):
    url = reverse("inspections:my_visits")
    client = login(scjg_inspector)

    def listed(state):
        return {v.pk for v in client.get(url, {"state": state}).context["page_obj"].object_list}

    assert approved_visit.pk in listed("pending") and approved_visit.pk not in listed("waiting")
    others = set(scjg_task.visits.filter(members__inspector=my_inspector).values_list("pk", flat=True)) - {
        approved_visit.pk
    }
    assert listed("waiting") == others
    visit_check_in(actor=scjg_inspector, visit=approved_visit)
    assert listed("checked_in") == {approved_visit.pk} and approved_visit.pk not in listed("pending")
    page = client.get(url).content.decode()
    assert 'data-state="checked_in"' in page and "已到场" in page and 'data-state="waiting"' in page
    with clock_at(dt.date(2026, 7, 1)):  # the window is over: the visit checked in stays 已到场
        client = login(scjg_inspector)
        assert listed("checked_in") == {approved_visit.pk}
        assert listed("expired") == others


def test_one_on_two_teams_of_a_merged_visit_checks_in_on_both(
    merged, scjg_inspector, scjg_approver, scjg_task, wsjk, login
):
    from spotcheck.draws.models import VisitMember

    merged_visit, (ours, theirs) = merged
    inspector = link_inspector(scjg_inspector, ours.members.first().inspector)
    # A joint team may hold another department's officer: ours is on 卫健's team too.
    VisitMember.objects.create(visit=theirs, inspector=inspector, slot="外部协检", position=9)
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[ours])
    client = login(scjg_inspector)
    # 卫健's visit is not approved yet: ours is recorded, theirs left out and named.
    response = client.post(_url(ours), {"latitude": "31.1", "longitude": "119.2"}, follow=True)
    page = response.content.decode()
    assert "已登记到场" in page and f"合并检查中 {theirs.task.code} 的检查未登记到场" in page
    assert set(VisitCheckIn.objects.values_list("visit_id", flat=True)) == {ours.pk}
    # Approved afterwards, 卫健's visit is checked in from its own page.
    wsjk_approver = UserFactory(username="wsjk_approver")
    MembershipFactory(user=wsjk_approver, department=wsjk, role="approver")
    services.visits_approve(actor=wsjk_approver, task=theirs.task, visits=[theirs])
    assert client.post(_url(theirs)).status_code == 302
    assert VisitCheckIn.objects.get(visit=theirs).merged_visit == merged_visit


def test_a_merged_visit_check_in_records_every_visit_the_user_is_on(
    merged, scjg_inspector, scjg_approver, scjg_task, wsjk, login
):
    from spotcheck.draws.models import VisitMember

    _merged_visit, (ours, theirs) = merged
    inspector = link_inspector(scjg_inspector, ours.members.first().inspector)
    VisitMember.objects.create(visit=theirs, inspector=inspector, slot="外部协检", position=9)
    wsjk_approver = UserFactory(username="wsjk_approver")
    MembershipFactory(user=wsjk_approver, department=wsjk, role="approver")
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[ours])
    services.visits_approve(actor=wsjk_approver, task=theirs.task, visits=[theirs])
    response = login(scjg_inspector).post(_url(ours), {"latitude": "31.1", "longitude": "119.2"}, follow=True)
    assert "已同时为该检查登记到场" in response.content.decode()
    rows = {c.visit_id: c for c in VisitCheckIn.objects.all()}
    assert set(rows) == {ours.pk, theirs.pk}
    assert rows[theirs.pk].latitude == rows[ours.pk].latitude == Decimal("31.100000")
    assert AuditEntry.objects.filter(action="inspections.visit.check_in").count() == 2


# ---------------------------------------------------------------- 无事不扰: the check-in is counted


def test_a_check_in_is_an_on_site_inspection_by_the_tasks_departments(approved_visit, scjg_inspector):
    from spotcheck.draws.models import OnSiteInspection

    check_in = visit_check_in(actor=scjg_inspector, visit=approved_visit)
    rows = list(OnSiteInspection.objects.filter(visit=approved_visit))
    assert {r.department_id for r in rows} == {approved_visit.task.lead_department_id}
    assert all(r.inspected_at == check_in.checked_in_at and r.counts_toward_cap and not r.over_cap for r in rows)


def test_a_check_in_over_the_cap_needs_a_reason_and_is_flagged(approved_visit, scjg_inspector, login, settings):
    from spotcheck.draws.models import OnSiteInspection
    from tests.draws.onsite_support import earlier

    settings.SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR = 2
    department = approved_visit.task.lead_department
    for days in (30, 60):
        earlier(approved_visit.inspection_object, department, scjg_inspector, days)
    client = login(scjg_inspector)
    page = client.get(_page(approved_visit)).content.decode()
    assert 'id="over-cap"' in page and "已现场检查 2 次（上限 2 次）" in page
    with pytest.raises(ValidationError, match="上限"):
        visit_check_in(actor=scjg_inspector, visit=approved_visit)
    assert not VisitCheckIn.objects.filter(visit=approved_visit).exists()  # nothing half-written
    response = client.post(_url(approved_visit), {"over_cap_reason": "群众投诉反映问题，需到场核实"})
    assert response.status_code == 302
    row = OnSiteInspection.objects.get(visit=approved_visit)
    assert row.over_cap and row.over_cap_reason == "群众投诉反映问题，需到场核实"
    assert VisitCheckIn.objects.filter(visit=approved_visit).exists()
