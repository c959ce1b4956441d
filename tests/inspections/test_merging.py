"""合并检查 (进一次门，查多项事): proposals for visits of different departments' drawn tasks on
one object in overlapping windows, the coordinator's confirm / decline / dissolve, and the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services as draws_services
from spotcheck.draws.models import Visit
from spotcheck.inspections import merging, selectors, services
from spotcheck.inspections.models import MergeDecline, MergedVisit, MergedVisitMember
from tests.clock import clock_at
from tests.factories import ALL, DepartmentFactory, MembershipFactory, UserFactory, pair, proposals_for

pytestmark = pytest.mark.usefixtures("spring_2026")

AUTUMN = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))  # does not overlap the 市场监管 window (3-01 … 6-30)


# ------------------------------------------------------------------------------------ proposals


def test_overlapping_windows_of_two_departments_are_proposed(coordinator, scjg_task, wsjk_task):
    proposals = proposals_for(coordinator)
    assert len(proposals) == 12 == scjg_task.visits.count()
    first = proposals[0]
    assert (first.window_start, first.window_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert [v.task.code for v in first.visits] == [scjg_task.code, wsjk_task.code]
    assert [d.code for d in first.lead_departments] == ["SCJG", "WSJK"]
    assert {v.inspection_object_id for v in first.visits} == {first.inspection_object.pk}
    assert [i.item.code for i in first.visits[1].task.items.all()] == ["WSJK-DRAW-001"]
    assert len(first.visits[0].members.all()) == 2  # the team comes with the visit
    # Every drawn object once, each with one visit of each task.
    assert len({p.inspection_object.pk for p in proposals}) == 12


def test_a_common_window_that_has_ended_is_neither_proposed_nor_merged(coordinator, scjg_task, wsjk_task):
    """The common window is June; on 1 July the visits are proposed no more (nor counted on the
    task page), and a merge is refused, naming the day the window ended."""
    visits = [v.pk for v in pair(scjg_task, wsjk_task)]
    assert len(proposals_for(coordinator)) == 12
    with clock_at(dt.date(2026, 6, 30)):  # the last day of the common window
        assert len(proposals_for(coordinator)) == 12
    with clock_at(dt.date(2026, 7, 1)):
        assert proposals_for(coordinator) == []
        assert selectors.task_merge_counts(wsjk_task) == {"merged": 0, "proposed": 0}
        with pytest.raises(ValidationError) as refused:
            services.merged_visit_confirm(actor=coordinator, visits=visits)
        assert "共同的检查时间已于 2026-06-30 结束" in str(refused.value)
    assert not MergedVisit.objects.exists()


def test_disjoint_windows_are_not_proposed(coordinator, scjg_task, make_wsjk_task):
    make_wsjk_task(window=AUTUMN)
    assert proposals_for(coordinator) == []


def test_tasks_of_the_same_department_are_not_proposed(coordinator, make_task, run_ceremony, scjg_task, scjg_item):
    # A second 市场监管 task drawing the same objects in the same window (no 免检期 here).
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
    assert second.visits.count() == 12
    assert proposals_for(coordinator) == []


def test_cancelled_and_undrawn_tasks_are_not_proposed(coordinator, wsjk_admin, scjg_task, make_wsjk_task):
    make_wsjk_task(draw=False)  # announced, not drawn: no visits at all
    assert proposals_for(coordinator) == []
    task = make_wsjk_task()
    assert len(proposals_for(coordinator)) == 12
    draws_services.task_cancel(actor=wsjk_admin, task=task, reason="计划调整")
    assert proposals_for(coordinator) == []


def test_declined_and_merged_visits_are_not_proposed_again(coordinator, scjg_task, wsjk_task):
    services.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task, 0), reason="检查内容差异大")
    services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1))
    proposals = proposals_for(coordinator)
    assert len(proposals) == 10
    left = {v.pk for p in proposals for v in p.visits}
    assert not left & {v.pk for v in pair(scjg_task, wsjk_task, 0) + pair(scjg_task, wsjk_task, 1)}


def test_proposals_are_scoped_to_involved_departments(
    scjg_admin, wsjk_admin, auditor, jtys_admin, scjg_task, wsjk_task
):
    for user in (scjg_admin, wsjk_admin, auditor):
        assert len(proposals_for(user)) == 12
    assert proposals_for(jtys_admin) == []
    assert len(proposals_for(scjg_admin, task=scjg_task)) == 12


def _candidate(visit, obj, task, lead, start, end):
    return merging._Candidate(visit, obj, task, lead, dt.date(2026, *start), dt.date(2026, *end), f"ID{obj}")


def test_groups_are_pairwise_overlapping_and_of_different_departments():
    """A (Mar–Jun) overlaps B (Jun–Sep), B overlaps C (Aug–Dec), A and C do not: two proposals,
    each with its own common window; D, of A's department, is never grouped with A; a declined
    pair is kept apart."""
    rows = [
        _candidate(1, 7, 11, 100, (3, 1), (6, 30)),
        _candidate(2, 7, 12, 200, (6, 1), (9, 30)),
        _candidate(3, 7, 13, 300, (8, 1), (12, 31)),
        _candidate(4, 7, 14, 100, (3, 1), (6, 30)),
    ]
    groups = merging._groups(rows, declined=set())
    assert [(g.visit_ids, g.start, g.end) for g in groups] == [
        ((1, 2), dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
        ((2, 4), dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
        ((2, 3), dt.date(2026, 8, 1), dt.date(2026, 9, 30)),
    ]
    assert [g.visit_ids for g in merging._groups(rows, declined={frozenset((1, 2))})] == [(2, 4), (2, 3)]
    # Three departments overlapping together make one group of three.
    rows[2] = _candidate(3, 7, 13, 300, (6, 15), (12, 31))
    assert (1, 2, 3) in [g.visit_ids for g in merging._groups(rows, declined=set())]


# ------------------------------------------------------------------------------------ services


def test_confirm_creates_an_audited_merged_visit(coordinator, scjg_task, wsjk_task):
    visits = pair(scjg_task, wsjk_task)
    joint = services.merged_visit_confirm(actor=coordinator, visits=visits, note="同日上门")
    assert joint.code == "HB-2026-0001" and joint.status == MergedVisit.Status.CONFIRMED
    assert (joint.planned_start, joint.planned_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert joint.inspection_object_id == visits[0].inspection_object_id
    assert joint.confirmed_by == coordinator and joint.note == "同日上门"
    assert set(joint.members.values_list("visit_id", flat=True)) == {v.pk for v in visits}
    assert selectors.merged_visit_of(visits[0]) == joint
    entry = AuditEntry.objects.get(action="inspections.merged_visit.confirm")
    assert entry.target_id == str(joint.pk) and entry.actor == coordinator
    assert [v["task"] for v in entry.after["visits"]] == [scjg_task.code, wsjk_task.code]
    second = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1))
    assert second.code == "HB-2026-0002"


@pytest.mark.parametrize("persona", ["scjg_admin", "wsjk_admin", "auditor", "scjg_inspector"])
def test_only_the_coordinator_decides(request, persona, scjg_task, wsjk_task):
    user = request.getfixturevalue(persona)
    visits = pair(scjg_task, wsjk_task)
    with pytest.raises(PermissionDenied):
        services.merged_visit_confirm(actor=user, visits=visits)
    with pytest.raises(PermissionDenied):
        services.merge_proposal_decline(actor=user, visits=visits, reason="x")
    assert not MergedVisit.objects.exists() and not MergeDecline.objects.exists()


def test_confirm_is_all_or_nothing(coordinator, scjg_task, wsjk_task):
    ours, theirs = pair(scjg_task, wsjk_task)
    elsewhere = Visit.objects.filter(task=wsjk_task).exclude(pk=theirs.pk).first()
    before = AuditEntry.objects.count()
    for visits, message in (
        ([ours], "至少选择两个检查"),
        ([ours, theirs, elsewhere], "不是同一检查对象"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.merged_visit_confirm(actor=coordinator, visits=visits)
    services.merged_visit_confirm(actor=coordinator, visits=[ours, theirs])
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="已在合并检查"):
        services.merged_visit_confirm(actor=coordinator, visits=[theirs, ours])
    assert MergedVisit.objects.count() == 1 and MergedVisitMember.objects.count() == 2
    assert AuditEntry.objects.count() == before


def test_confirm_refuses_what_no_longer_qualifies(
    coordinator, wsjk_admin, make_task, run_ceremony, scjg_task, make_wsjk_task, scjg_item
):
    autumn = make_wsjk_task(window=AUTUMN)
    with pytest.raises(ValidationError, match="没有共同的重叠期"):
        services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, autumn))
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
    same = [
        Visit.objects.get(task=t, inspection_object=pair(scjg_task, autumn)[0].inspection_object)
        for t in (scjg_task, second)
    ]
    with pytest.raises(ValidationError, match="同一部门发起"):
        services.merged_visit_confirm(actor=coordinator, visits=same)
    # June only: overlapping the autumn task of the same item it would be a redraw of it.
    june = make_wsjk_task(
        window=(dt.date(2026, 6, 1), dt.date(2026, 6, 30)), frequency_cap_days=0, exclude_last_inspector=False
    )
    draws_services.task_cancel(actor=wsjk_admin, task=june, reason="计划调整")
    with pytest.raises(ValidationError, match="已取消"):
        services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, june))
    assert not MergedVisit.objects.exists()


def test_a_visit_is_in_one_active_merged_visit_in_the_database(coordinator, scjg_task, wsjk_task):
    joint = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    other = MergedVisit.objects.create(
        code="HB-TEST",
        inspection_object=joint.inspection_object,
        planned_start=joint.planned_start,
        planned_end=joint.planned_end,
        confirmed_by=coordinator,
        confirmed_at=joint.confirmed_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MergedVisitMember.objects.create(merged_visit=other, visit=pair(scjg_task, wsjk_task)[0])


def test_dissolve_keeps_the_record_and_frees_the_visits(coordinator, scjg_task, wsjk_task):
    visits = pair(scjg_task, wsjk_task)
    joint = services.merged_visit_confirm(actor=coordinator, visits=visits)
    with pytest.raises(ValidationError):
        services.merged_visit_dissolve(actor=coordinator, merged_visit=joint, reason="  ")
    services.merged_visit_dissolve(actor=coordinator, merged_visit=joint, reason="企业停业装修")
    joint.refresh_from_db()
    assert joint.status == MergedVisit.Status.DISSOLVED and joint.dissolved_reason == "企业停业装修"
    assert joint.dissolved_by == coordinator and joint.dissolved_at is not None
    assert joint.members.count() == 2 and not joint.members.filter(is_active=True).exists()
    assert selectors.merged_visit_of(visits[0]) is None
    assert len(proposals_for(coordinator)) == 12  # proposed again
    entry = AuditEntry.objects.get(action="inspections.merged_visit.dissolve")
    assert entry.after["dissolved_reason"] == "企业停业装修" and entry.before["status"] == "confirmed"
    with pytest.raises(ValidationError, match="已经解除"):
        services.merged_visit_dissolve(actor=coordinator, merged_visit=joint, reason="再次")
    again = services.merged_visit_confirm(actor=coordinator, visits=visits)  # a new merged visit
    assert again.pk != joint.pk and MergedVisit.objects.count() == 2


def test_dissolve_is_for_the_coordinator(coordinator, wsjk_admin, scjg_task, wsjk_task):
    joint = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    with pytest.raises(PermissionDenied):
        services.merged_visit_dissolve(actor=wsjk_admin, merged_visit=joint, reason="不想合并")
    assert MergedVisit.objects.get(pk=joint.pk).status == MergedVisit.Status.CONFIRMED


def test_cancelling_a_task_dissolves_its_merged_visits(coordinator, wsjk_admin, scjg_task, wsjk_task):
    joint = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    draws_services.task_cancel(actor=wsjk_admin, task=wsjk_task, reason="计划调整")
    joint.refresh_from_db()
    assert joint.status == MergedVisit.Status.DISSOLVED
    assert wsjk_task.code in joint.dissolved_reason and "计划调整" in joint.dissolved_reason
    assert joint.dissolved_by == wsjk_admin
    assert AuditEntry.objects.filter(action="inspections.merged_visit.dissolve", target_id=str(joint.pk)).exists()


def test_decline_is_recorded_and_audited(coordinator, scjg_task, wsjk_task):
    visits = pair(scjg_task, wsjk_task)
    with pytest.raises(ValidationError):
        services.merge_proposal_decline(actor=coordinator, visits=visits, reason="")
    decline = services.merge_proposal_decline(actor=coordinator, visits=visits, reason="检查方式不同")
    assert set(decline.visits.values_list("pk", flat=True)) == {v.pk for v in visits}
    assert decline.declined_by == coordinator and decline.reason == "检查方式不同"
    entry = AuditEntry.objects.get(action="inspections.merge_proposal.decline")
    assert entry.target_id == str(decline.pk) and entry.after["reason"] == "检查方式不同"


# ------------------------------------------------------------------------------------ pages

MERGES = reverse("inspections:merges")


def test_page_shows_proposals_with_forms_to_the_coordinator(login, coordinator, scjg_task, wsjk_task):
    body = login(coordinator).get(MERGES).content.decode()
    ours, theirs = pair(scjg_task, wsjk_task)
    obj = ours.inspection_object
    assert obj.name in body and obj.public_code in body
    assert scjg_task.code in body and wsjk_task.code in body and "市场监管" in body and "卫健" in body
    assert "公共场所卫生监督检查" in body and "卫健检查员" in body and "市场检查员" in body
    assert "2026-06-01 — 2026-06-30" in body
    assert reverse("inspections:merge_decide") in body
    assert f'name="proposal" value="{ours.pk}-{theirs.pk}"' in body and "csrfmiddlewaretoken" in body


@pytest.mark.parametrize("persona", ["auditor", "scjg_admin", "wsjk_admin"])
def test_page_is_read_only_for_other_readers(request, login, persona, coordinator, scjg_task, wsjk_task):
    services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    response = login(request.getfixturevalue(persona)).get(MERGES)
    assert response.status_code == 200
    body = response.content.decode()
    assert "HB-2026-0001" in body and wsjk_task.code in body
    assert reverse("inspections:merge_confirm") not in body and "解除原因" not in body
    assert "只读" in body


def test_page_refuses_others(login, scjg_inspector, witness, nobody, jtys_admin, scjg_task, wsjk_task):
    assert login(scjg_inspector).get(MERGES).status_code == 403
    assert login(witness).get(MERGES).status_code == 404  # a witness-only user: no page of theirs
    assert login(nobody).get(MERGES).status_code == 404
    body = login(jtys_admin).get(MERGES).content.decode()
    assert scjg_task.code not in body and "没有待处理的合并建议" in body
    assert login(jtys_admin).get(MERGES, {"task": scjg_task.pk}).status_code == 404


def test_a_role_counts_in_its_own_department_only(login, coordinator, county, scjg, scjg_task, wsjk_task):
    """An approver of 交通运输 (no task here) who is also an inspector of 市场监管 sees no more of
    these merges than 市场监管's inspectors do: the merge page is for each department's admins
    and approvers, about their own department."""
    jtys = DepartmentFactory(code="JTYS", name="溧阳市交通运输局", short_name="交通运输", region=county)
    user = UserFactory(username="two_roles", full_name="交通 审核兼市场检查")
    MembershipFactory(user=user, department=jtys, role="approver")
    MembershipFactory(user=user, department=scjg, role="inspector")
    joint = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    services.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1), reason="分开")
    scope = scope_for(user)
    assert proposals_for(user) == []
    assert not selectors.merged_visit_list(scope).exists() and not selectors.merge_declines(scope).exists()
    body = login(user).get(MERGES).content.decode()
    assert joint.code not in body and scjg_task.code not in body and "没有待处理的合并建议" in body
    # The task page tells them about merges, as it tells 市场监管's inspectors, with no link.
    body = login(user).get(reverse("draws:detail", args=[scjg_task.pk])).content.decode()
    assert "合并进行（合并检查）" in body and f"{MERGES}?task=" not in body


def test_confirm_decline_and_dissolve_through_the_pages(login, coordinator, scjg_task, wsjk_task):
    client = login(coordinator)
    ours, theirs = pair(scjg_task, wsjk_task)
    response = client.post(
        reverse("inspections:merge_confirm"), {"visits": [ours.pk, theirs.pk], "note": "一起去", "task": scjg_task.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"{MERGES}?task={scjg_task.pk}"
    joint = MergedVisit.objects.get()
    assert joint.note == "一起去"
    other = pair(scjg_task, wsjk_task, 1)
    body = client.post(reverse("inspections:merge_decline"), {"visits": [v.pk for v in other]}, follow=True)
    assert "请填写原因" in body.content.decode() and not MergeDecline.objects.exists()
    client.post(reverse("inspections:merge_decline"), {"visits": [v.pk for v in other], "reason": "分开检查"})
    assert MergeDecline.objects.get().reason == "分开检查"
    response = client.post(
        reverse("inspections:merged_visit_dissolve", args=[joint.pk]), {"reason": "日程冲突"}, follow=True
    )
    assert "已解除合并检查 HB-2026-0001" in response.content.decode()
    assert MergedVisit.objects.get().status == MergedVisit.Status.DISSOLVED
    again = client.post(reverse("inspections:merge_confirm"), {"visits": [ours.pk, theirs.pk]}, follow=True)
    assert "已确认合并检查 HB-2026-0002" in again.content.decode()
    errors = client.post(reverse("inspections:merge_confirm"), {"visits": [ours.pk, theirs.pk]}, follow=True)
    assert "已在合并检查" in errors.content.decode() and MergedVisit.objects.count() == 2


# The owning department's admin, its inspector, the auditor, another department and a user without a
# role: tests/web/test_write_access.py. Here: the admin of the other department whose task takes part.
@pytest.mark.parametrize("persona", ["wsjk_admin"])
def test_writes_require_the_coordinator(request, login, persona, coordinator, scjg_task, wsjk_task):
    joint = services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    client = login(request.getfixturevalue(persona))
    visits = [v.pk for v in pair(scjg_task, wsjk_task, 1)]
    assert client.post(reverse("inspections:merge_confirm"), {"visits": visits}).status_code == 403
    assert client.post(reverse("inspections:merge_decline"), {"visits": visits, "reason": "x"}).status_code == 403
    assert (
        client.post(reverse("inspections:merged_visit_dissolve", args=[joint.pk]), {"reason": "x"}).status_code == 403
    )
    assert MergedVisit.objects.get().status == MergedVisit.Status.CONFIRMED
    assert MergedVisit.objects.count() == 1 and not MergeDecline.objects.exists()


def test_task_page_shows_the_merge_notice(login, coordinator, scjg_admin, scjg_inspector, scjg_task, wsjk_task):
    services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task))
    services.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1), reason="分开")
    url = reverse("draws:detail", args=[scjg_task.pk])
    body = login(scjg_admin).get(url).content.decode()
    assert "本任务有 1 个检查已与其他部门的检查合并进行（合并检查），10 个检查有合并建议" in body
    assert f"{MERGES}?task={scjg_task.pk}" in body
    body = login(scjg_inspector).get(url).content.decode()
    assert "合并进行（合并检查）" in body and f"{MERGES}?task=" not in body  # told, but no page for them
    assert selectors.task_merge_counts(scjg_task) == {"merged": 1, "proposed": 10}


def test_nav_links_the_merge_page_for_region_wide_readers(login, coordinator, scjg_admin):
    assert f'href="{MERGES}"' in login(coordinator).get(reverse("draws:list")).content.decode()
    assert f'href="{MERGES}"' not in login(scjg_admin).get(reverse("draws:list")).content.decode()


def test_page_query_count_is_bounded(login, coordinator, scjg_task, wsjk_task, django_assert_max_num_queries):
    client = login(coordinator)
    services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, 0))
    services.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task, 1), reason="分开")
    client.get(MERGES)  # warm the session
    # 24: the filters' choices read the departments of the proposals' tasks and name the tasks
    # and departments offered (four queries); the rest does not grow with the rows.
    with django_assert_max_num_queries(24) as few:
        assert client.get(MERGES).status_code == 200
    for index in range(2, 6):
        services.merged_visit_confirm(actor=coordinator, visits=pair(scjg_task, wsjk_task, index))
        services.merge_proposal_decline(actor=coordinator, visits=pair(scjg_task, wsjk_task, index + 4), reason="分开")
    with django_assert_max_num_queries(24) as many:
        body = client.get(MERGES).content.decode()
    assert body.count("HB-2026-") == 5 and body.count('name="proposal"') == 2
    assert len(many) == len(few)


def test_proposals_list_loads_only_the_page(coordinator, scjg_task, wsjk_task, django_assert_max_num_queries):
    proposals = selectors.merge_proposals(scope_for(coordinator))
    assert len(proposals) == 12
    with django_assert_max_num_queries(4):  # visits, teams, items, departments of the slice only
        page = proposals[0:5]
    assert len(page) == 5 and all(len(p.visits) == 2 for p in page)


def test_the_old_address_of_the_merge_page_redirects(login, coordinator, scjg_task):
    response = login(coordinator).get(f"/tasks/merges/?task={scjg_task.pk}")
    assert response.status_code == 301 and response["Location"] == f"{MERGES}?task={scjg_task.pk}"
