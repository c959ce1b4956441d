"""A third department joins a confirmed joint visit (进一次门，查多项事): when its task draws the
object of a joint visit in the shared window, the platform proposes adding its visit, and the
coordinator adds it (joint_visit_extend) or declines, without parting the joint visit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import merging, services
from spotcheck.draws.models import Visit
from tests.catalog.factories import make_item, publish
from tests.draws.conftest import task_kwargs
from tests.draws.test_merging import ALL, make_wsjk_task, pair, proposals_for, scjg_task, wsjk_task  # noqa: F401
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.inspectors.factories import InspectorFactory

pytestmark = pytest.mark.usefixtures("spring_2026")

ROADS = (dt.date(2026, 6, 10), dt.date(2026, 12, 31))  # shares 6-10 … 6-30 with both others


@pytest.fixture
def jtys_admin(county):
    department = DepartmentFactory(code="JTYS", name="溧阳市交通运输局", short_name="交通运输", region=county)
    user = UserFactory(username="jtys_admin", full_name="交通 陈管理")
    MembershipFactory(user=user, department=department, role="dept_admin")
    for n in range(3):
        InspectorFactory(department=department, can_lead=True, name=f"交通检查员{n}")
    return user


@pytest.fixture
def make_jtys_task(jtys_admin, coordinator, objects, run_ceremony):
    department = jtys_admin.memberships.get().department
    item = publish(
        make_item(actor=jtys_admin, department=department, code="JTYS-DRAW-001", name="道路运输经营检查"),
        actor=jtys_admin,
        coordinator=coordinator,
    )

    def _make(window=ROADS):
        task = services.task_create(
            actor=jtys_admin,
            lead_department=department,
            **task_kwargs(
                title="道路运输经营者双随机抽查",
                items=[item],
                strata=ALL,
                slots=[{"name": "主检", "dept": "JTYS", "quals": []}, {"name": "协检", "dept": "JTYS", "quals": []}],
                cap=12,
                window_start=window[0],
                window_end=window[1],
            ),
        )
        return run_ceremony(task, actor=jtys_admin)

    return _make


@pytest.fixture
def merged(coordinator, scjg_task, wsjk_task):  # noqa: F811 (fixtures)
    """市场监管 and 卫健 visits of the first object, confirmed as one joint visit (June)."""
    visits = pair(scjg_task, wsjk_task, 0)
    return merging.joint_visit_confirm(actor=coordinator, visits=visits), visits


def _roads_visit(task, joint_visit):
    return Visit.objects.get(task=task, inspection_object=joint_visit.inspection_object)


def test_a_third_departments_visit_is_proposed_to_join(coordinator, merged, make_jtys_task):
    joint_visit, members = merged
    roads = make_jtys_task()
    proposals = proposals_for(coordinator)
    # Every object once: the merged one as "join HB-…", the eleven others as three-way merges.
    assert len(proposals) == 12
    (join,) = [p for p in proposals if p.joint_visit is not None]
    visit = _roads_visit(roads, joint_visit)
    assert join.joint_visit == joint_visit and join.joining == {visit.pk}
    assert {v.pk for v in join.visits} == {members[0].pk, members[1].pk, visit.pk}
    assert (join.window_start, join.window_end) == (dt.date(2026, 6, 10), dt.date(2026, 6, 30))
    assert all(len(p.visits) == 3 and p.joint_visit is None for p in proposals if p is not join)
    # The task page counts it among its proposed visits; the task's own list has it too.
    assert merging.task_merge_counts(roads) == {"merged": 0, "proposed": 12}
    assert join.joint_visit in [p.joint_visit for p in proposals_for(coordinator, task=roads)]


def test_no_proposal_to_join_outside_the_shared_window(coordinator, merged, make_jtys_task):
    make_jtys_task(window=(dt.date(2026, 7, 1), dt.date(2026, 12, 31)))  # the joint visit ends 6-30
    assert all(p.joint_visit is None for p in proposals_for(coordinator))


def test_extend_adds_the_visit_narrows_the_window_and_is_audited(coordinator, merged, make_jtys_task):
    joint_visit, members = merged
    visit = _roads_visit(make_jtys_task(), joint_visit)
    merging.joint_visit_extend(actor=coordinator, joint_visit=joint_visit, visits=[visit], note="三部门同去")
    joint_visit.refresh_from_db()
    assert (joint_visit.planned_start, joint_visit.planned_end) == (dt.date(2026, 6, 10), dt.date(2026, 6, 30))
    assert set(joint_visit.members.filter(is_active=True).values_list("visit_id", flat=True)) == {
        members[0].pk,
        members[1].pk,
        visit.pk,
    }
    entry = AuditEntry.objects.get(action="draws.joint_visit.extend")
    assert entry.actor_id == coordinator.pk
    assert len(entry.before["visits"]) == 2 and len(entry.after["visits"]) == 3
    assert entry.before["planned_start"] == "2026-06-01" and entry.after["planned_start"] == "2026-06-10"
    assert entry.after["note"] == "三部门同去"
    assert all(p.joint_visit is None for p in proposals_for(coordinator))


def test_extend_keeps_the_merge_rules(coordinator, scjg_admin, merged, make_jtys_task, make_task, run_ceremony):
    joint_visit, members = merged
    roads = make_jtys_task()
    visit = _roads_visit(roads, joint_visit)
    with pytest.raises(PermissionDenied):
        merging.joint_visit_extend(actor=scjg_admin, joint_visit=joint_visit, visits=[visit])
    with pytest.raises(ValidationError, match="请选择要加入合并检查的检查"):
        merging.joint_visit_extend(actor=coordinator, joint_visit=joint_visit, visits=members)
    elsewhere = Visit.objects.filter(task=roads).exclude(pk=visit.pk).first()
    with pytest.raises(ValidationError, match="不是同一检查对象"):
        merging.joint_visit_extend(actor=coordinator, joint_visit=joint_visit, visits=[elsewhere])
    # A second 市场监管 task: its department is in the joint visit already.
    second = run_ceremony(make_task(strata=ALL, cap=12, frequency_cap_days=0, exclude_last_inspector=False))
    same = Visit.objects.get(task=second, inspection_object=joint_visit.inspection_object)
    with pytest.raises(ValidationError, match="由同一部门发起"):
        merging.joint_visit_extend(actor=coordinator, joint_visit=joint_visit, visits=[same])
    merging.joint_visit_dissolve(actor=coordinator, joint_visit=joint_visit, reason="计划调整")
    with pytest.raises(ValidationError, match="已经解除"):
        merging.joint_visit_extend(actor=coordinator, joint_visit=joint_visit, visits=[visit])
    assert not AuditEntry.objects.filter(action="draws.joint_visit.extend").exists()


def test_declining_to_join_keeps_the_joint_visit_together(coordinator, merged, make_jtys_task):
    joint_visit, members = merged
    visit = _roads_visit(make_jtys_task(), joint_visit)
    decline = merging.merge_proposal_decline(
        actor=coordinator, visits=[visit], reason="道路运输检查另行安排", joint_visit=joint_visit
    )
    assert decline.joint_visit == joint_visit and set(decline.visits.all()) == {*members, visit}
    assert all(p.joint_visit is None for p in proposals_for(coordinator))
    assert merging.task_merge_counts(visit.task) == {"merged": 0, "proposed": 11}
    # Dissolved later, the two first visits are proposed together again, without the third.
    merging.joint_visit_dissolve(actor=coordinator, joint_visit=joint_visit, reason="计划调整")
    (again,) = [p for p in proposals_for(coordinator) if p.inspection_object == joint_visit.inspection_object]
    assert {v.pk for v in again.visits} == {m.pk for m in members}


def test_join_and_decline_through_the_page(
    login,
    coordinator,
    jtys_admin,
    merged,
    make_jtys_task,
    scjg_task,  # noqa: F811 (fixture)
    wsjk_task,  # noqa: F811 (fixture)
):
    joint_visit, _members = merged
    second = merging.joint_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1))
    roads = make_jtys_task()
    visit, other = _roads_visit(roads, joint_visit), _roads_visit(roads, second)
    client = login(coordinator)
    body = client.get(reverse("draws:merges")).content.decode()
    assert f'该对象已有合并检查 <span class="mono">{joint_visit.code}</span>' in body
    assert "加入合并检查" in body and f'name="joint_visit" value="{joint_visit.pk}"' in body
    response = client.post(
        reverse("draws:merge_confirm"), {"visits": [visit.pk], "joint_visit": joint_visit.pk}, follow=True
    )
    assert f"已加入合并检查 {joint_visit.code}" in response.content.decode()
    assert joint_visit.members.filter(visit=visit, is_active=True).exists()
    response = client.post(
        reverse("draws:merge_decline"),
        {"visits": [other.pk], "joint_visit": second.pk, "reason": "另行安排"},
        follow=True,
    )
    assert "已记录不予合并的决定" in response.content.decode()
    assert second.declines.get().reason == "另行安排"
    body = client.get(reverse("draws:merges")).content.decode()
    assert f'（不加入合并检查 <span class="mono">{second.code}</span>）' in body
    assert not second.members.filter(visit=other).exists()
    # The department whose task joined sees the joint visit; it may not decide.
    body = login(jtys_admin).get(reverse("draws:merges")).content.decode()
    assert joint_visit.code in body
    response = login(jtys_admin).post(reverse("draws:merge_confirm"), {"visits": [other.pk], "joint_visit": second.pk})
    assert response.status_code == 403
