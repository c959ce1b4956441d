"""A third department joins a confirmed merged visit (进一次门，查多项事): when its task draws the
object of a merged visit in the shared window, the platform proposes adding its visit, and the
coordinator adds it (merged_visit_extend) or declines, without parting the merged visit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws.models import Visit
from spotcheck.inspections import selectors, services
from tests.factories import ALL, pair, proposals_for

pytestmark = pytest.mark.usefixtures("spring_2026")


def _roads_visit(task, merged_visit):
    return Visit.objects.get(task=task, inspection_object=merged_visit.inspection_object)


def test_a_third_departments_visit_is_proposed_to_join(coordinator, merged, make_jtys_task):
    merged_visit, members = merged
    roads = make_jtys_task()
    proposals = proposals_for(coordinator)
    # Every object once: the merged one as "join HB-…", the eleven others as three-way merges.
    assert len(proposals) == 12
    (join,) = [p for p in proposals if p.merged_visit is not None]
    visit = _roads_visit(roads, merged_visit)
    assert join.merged_visit == merged_visit and join.joining == {visit.pk}
    assert {v.pk for v in join.visits} == {members[0].pk, members[1].pk, visit.pk}
    assert (join.window_start, join.window_end) == (dt.date(2026, 6, 10), dt.date(2026, 6, 30))
    assert all(len(p.visits) == 3 and p.merged_visit is None for p in proposals if p is not join)
    # The task page counts it among its proposed visits; the task's own list has it too.
    assert selectors.task_merge_counts(roads) == {"merged": 0, "proposed": 12}
    assert join.merged_visit in [p.merged_visit for p in proposals_for(coordinator, task=roads)]


def test_no_proposal_to_join_outside_the_shared_window(coordinator, merged, make_jtys_task):
    make_jtys_task(window=(dt.date(2026, 7, 1), dt.date(2026, 12, 31)))  # the merged visit ends 6-30
    assert all(p.merged_visit is None for p in proposals_for(coordinator))


def test_extend_adds_the_visit_narrows_the_window_and_is_audited(coordinator, merged, make_jtys_task):
    merged_visit, members = merged
    visit = _roads_visit(make_jtys_task(), merged_visit)
    services.merged_visit_extend(actor=coordinator, merged_visit=merged_visit, visits=[visit], note="三部门同去")
    merged_visit.refresh_from_db()
    assert (merged_visit.planned_start, merged_visit.planned_end) == (dt.date(2026, 6, 10), dt.date(2026, 6, 30))
    assert set(merged_visit.members.filter(is_active=True).values_list("visit_id", flat=True)) == {
        members[0].pk,
        members[1].pk,
        visit.pk,
    }
    entry = AuditEntry.objects.get(action="inspections.merged_visit.extend")
    assert entry.actor_id == coordinator.pk
    assert len(entry.before["visits"]) == 2 and len(entry.after["visits"]) == 3
    assert entry.before["planned_start"] == "2026-06-01" and entry.after["planned_start"] == "2026-06-10"
    assert entry.after["note"] == "三部门同去"
    assert all(p.merged_visit is None for p in proposals_for(coordinator))


def test_extend_keeps_the_merge_rules(
    coordinator, scjg_admin, merged, make_jtys_task, make_task, run_ceremony, scjg_item
):
    merged_visit, members = merged
    roads = make_jtys_task()
    visit = _roads_visit(roads, merged_visit)
    with pytest.raises(PermissionDenied):
        services.merged_visit_extend(actor=scjg_admin, merged_visit=merged_visit, visits=[visit])
    with pytest.raises(ValidationError, match="请选择要加入合并检查的检查"):
        services.merged_visit_extend(actor=coordinator, merged_visit=merged_visit, visits=members)
    elsewhere = Visit.objects.filter(task=roads).exclude(pk=visit.pk).first()
    with pytest.raises(ValidationError, match="不是同一检查对象"):
        services.merged_visit_extend(actor=coordinator, merged_visit=merged_visit, visits=[elsewhere])
    # A second 市场监管 task: its department is in the merged visit already.
    second = run_ceremony(
        # Another item of 市场监管: the same item in the same window would be a redraw.
        make_task(
            items=[scjg_item.current_version],
            strata=ALL,
            max_visits_per_inspector=12,
            frequency_cap_days=0,
            exclude_last_inspector=False,
        )
    )
    same = Visit.objects.get(task=second, inspection_object=merged_visit.inspection_object)
    with pytest.raises(ValidationError, match="由同一部门发起"):
        services.merged_visit_extend(actor=coordinator, merged_visit=merged_visit, visits=[same])
    services.merged_visit_dissolve(actor=coordinator, merged_visit=merged_visit, reason="计划调整")
    with pytest.raises(ValidationError, match="已经解除"):
        services.merged_visit_extend(actor=coordinator, merged_visit=merged_visit, visits=[visit])
    assert not AuditEntry.objects.filter(action="inspections.merged_visit.extend").exists()


def test_declining_to_join_keeps_the_merged_visit_together(coordinator, merged, make_jtys_task):
    merged_visit, members = merged
    visit = _roads_visit(make_jtys_task(), merged_visit)
    decline = services.merge_proposal_decline(
        actor=coordinator, visits=[visit], reason="道路运输检查另行安排", merged_visit=merged_visit
    )
    assert decline.merged_visit == merged_visit and set(decline.visits.all()) == {*members, visit}
    assert all(p.merged_visit is None for p in proposals_for(coordinator))
    assert selectors.task_merge_counts(visit.task) == {"merged": 0, "proposed": 11}
    # Dissolved later, the two first visits are proposed together again, without the third.
    services.merged_visit_dissolve(actor=coordinator, merged_visit=merged_visit, reason="计划调整")
    (again,) = [p for p in proposals_for(coordinator) if p.inspection_object == merged_visit.inspection_object]
    assert {v.pk for v in again.visits} == {m.pk for m in members}


def test_join_and_decline_through_the_page(
    login,
    coordinator,
    jtys_admin,
    merged,
    make_jtys_task,
    scjg_task,
    wsjk_task,
):
    merged_visit, _members = merged
    second = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1))
    roads = make_jtys_task()
    visit, other = _roads_visit(roads, merged_visit), _roads_visit(roads, second)
    client = login(coordinator)
    body = client.get(reverse("inspections:merges")).content.decode()
    key = selectors.proposal_key([*(m.pk for m in _members), visit.pk], merged_visit.pk)
    assert f"加入合并检查 {merged_visit.code}" in body and f'name="proposal" value="{key}"' in body
    response = client.post(
        reverse("inspections:merge_confirm"), {"visits": [visit.pk], "merged_visit": merged_visit.pk}, follow=True
    )
    assert f"已加入合并检查 {merged_visit.code}" in response.content.decode()
    assert merged_visit.members.filter(visit=visit, is_active=True).exists()
    response = client.post(
        reverse("inspections:merge_decline"),
        {"visits": [other.pk], "merged_visit": second.pk, "reason": "另行安排"},
        follow=True,
    )
    assert "已记录不予合并的决定" in response.content.decode()
    assert second.declines.get().reason == "另行安排"
    body = client.get(reverse("inspections:merges")).content.decode()
    assert f'（不加入合并检查 <span class="mono">{second.code}</span>）' in body
    assert not second.members.filter(visit=other).exists()
    # The department whose task joined sees the merged visit; it may not decide.
    body = login(jtys_admin).get(reverse("inspections:merges")).content.decode()
    assert merged_visit.code in body
    response = login(jtys_admin).post(
        reverse("inspections:merge_confirm"), {"visits": [other.pk], "merged_visit": second.pk}
    )
    assert response.status_code == 403
