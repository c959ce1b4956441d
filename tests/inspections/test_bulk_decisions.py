"""The merge page decides in bulk (issue 12, item 6): proposals filtered by task, department and
common window, paged, chosen by checkbox and confirmed or declined with one note or reason —
all or nothing, each proposal through the single decision's service and audited by itself."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws.models import Visit
from spotcheck.inspections import selectors
from spotcheck.inspections.models import MergeDecline, MergedVisit
from tests.factories import pair, proposals_for

pytestmark = pytest.mark.usefixtures("spring_2026")

MERGES = reverse("inspections:merges")
DECIDE = reverse("inspections:merge_decide")
JULY_ON = (dt.date(2026, 7, 1), dt.date(2026, 12, 31))  # overlaps 卫健 (6-01 … 9-30), not 市场监管 (… 6-30)


@pytest.fixture
def three_tasks(scjg_task, wsjk_task, make_jtys_task):
    """Per object, two proposals: 市场监管 + 卫健 (June) and 卫健 + 交通运输 (July – September)."""
    return scjg_task, wsjk_task, make_jtys_task(window=JULY_ON)


def _keys(user, **filters):
    return [p.key for p in proposals_for(user, **filters)]


def _key_of(*visits):
    return selectors.proposal_key([v.pk for v in visits])


def _page_keys(body):
    return re.findall(r'name="proposal" value="([0-9@-]+)"', body)


def test_filters_by_task_department_and_common_window(login, coordinator, three_tasks, jtys_admin):
    scjg_task, wsjk_task, jtys_task = three_tasks
    client = login(coordinator)
    assert len(proposals_for(coordinator)) == 24
    jtys = jtys_task.lead_department
    by_department = client.get(MERGES, {"department": jtys.pk}).content.decode()
    assert '<span class="badge">12</span>' in by_department
    assert scjg_task.code not in _proposals_section(by_department)
    by_task = client.get(MERGES, {"task": scjg_task.pk}).content.decode()
    assert '<span class="badge">12</span>' in by_task and jtys_task.code not in _proposals_section(by_task)
    july = client.get(MERGES, {"window_from": "2026-07-01"}).content.decode()
    assert '<span class="badge">12</span>' in july and scjg_task.code not in _proposals_section(july)
    june = client.get(MERGES, {"window_to": "2026-06-15"}).content.decode()
    assert '<span class="badge">12</span>' in june and jtys_task.code not in _proposals_section(june)
    # Both together: nothing both ends in June and starts in July.
    none = client.get(MERGES, {"window_to": "2026-06-15", "department": jtys.pk}).content.decode()
    assert "没有符合条件的合并建议" in none
    # The filters offer the tasks and departments of the proposals, by name.
    assert f'<option value="{jtys.pk}"' in by_department and "交通运输</option>" in by_department
    assert f">{wsjk_task.code} {wsjk_task.title}</option>" in by_department


def _proposals_section(body):
    return body[body.index('id="proposals"') : body.index('id="joint-visits"')]


def test_proposals_are_paged_and_pages_keep_the_filters(login, coordinator, three_tasks):
    wsjk = three_tasks[1].lead_department
    client = login(coordinator)
    first = client.get(MERGES, {"department": wsjk.pk}).content.decode()
    assert len(_page_keys(first)) == 20 and "第 1 / 2 页，共 24 条" in first
    assert f"?department={wsjk.pk}&amp;page=2" in first
    second = client.get(MERGES, {"department": wsjk.pk, "page": 2}).content.decode()
    assert len(_page_keys(second)) == 4 and not set(_page_keys(first)) & set(_page_keys(second))
    # The decision form carries the filters and the page back.
    assert f'<input type="hidden" name="department" value="{wsjk.pk}">' in second
    assert '<input type="hidden" name="page" value="2">' in second


def test_bad_filters_are_no_error(login, coordinator, scjg_task, wsjk_task):
    client = login(coordinator)
    body = client.get(MERGES, {"window_from": "2026-13-45", "department": "x"}).content.decode()
    assert "请输入一个有效的日期" in body or "有效的日期" in body
    assert '<span class="badge">12</span>' in body  # the bad filter is not applied
    body = client.get(MERGES, {"window_from": "2026-07-01", "window_to": "2026-06-01"}).content.decode()
    assert "开始日期不能晚于结束日期" in body
    assert client.get(MERGES, {"task": "abc"}).status_code == 404


def test_bulk_confirm_merges_each_chosen_proposal_and_audits_each(login, coordinator, scjg_task, wsjk_task):
    client = login(coordinator)
    chosen = [_key_of(*pair(scjg_task, wsjk_task, i)) for i in range(3)]
    before = AuditEntry.objects.filter(action="inspections.merged_visit.confirm").count()
    response = client.post(
        DECIDE, {"proposal": chosen, "decision": "confirm", "note": "同日上门", "task": scjg_task.pk, "page": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{MERGES}?task={scjg_task.pk}"
    merged = MergedVisit.objects.order_by("code")
    assert [m.code for m in merged] == ["HB-2026-0001", "HB-2026-0002", "HB-2026-0003"]
    assert all(m.note == "同日上门" and m.members.count() == 2 for m in merged)
    assert AuditEntry.objects.filter(action="inspections.merged_visit.confirm").count() == before + 3
    body = client.get(response["Location"]).content.decode()
    assert "已确认 3 条合并建议（合并检查 HB-2026-0001、HB-2026-0002、HB-2026-0003）" in body
    assert len(proposals_for(coordinator)) == 9


def test_bulk_decline_needs_one_reason_and_records_each(login, coordinator, scjg_task, wsjk_task):
    client = login(coordinator)
    chosen = [_key_of(*pair(scjg_task, wsjk_task, i)) for i in (0, 1)]
    refused = client.post(DECIDE, {"proposal": chosen, "decision": "decline", "reason": "  "})
    assert refused.status_code == 400 and not MergeDecline.objects.exists()
    body = refused.content.decode()
    assert "不予合并时请填写原因" in body
    assert all(f'value="{key}" id="proposal-' in body and f'value="{key}" id' in body for key in chosen)
    assert body.count(" checked") >= 2  # what was chosen stays chosen
    response = client.post(DECIDE, {"proposal": chosen, "decision": "decline", "reason": "检查内容不同"}, follow=True)
    assert "已对 2 条合并建议记录不予合并" in response.content.decode()
    declines = MergeDecline.objects.all()
    assert len(declines) == 2 and {d.reason for d in declines} == {"检查内容不同"}
    entries = AuditEntry.objects.filter(action="inspections.merge_proposal.decline")
    assert sorted(int(e.target_id) for e in entries) == sorted(d.pk for d in declines)
    assert len(proposals_for(coordinator)) == 10


def test_bulk_decision_is_all_or_nothing_and_names_what_failed(login, coordinator, three_tasks):
    """Both proposals of one object hold 卫健's visit: confirming both merges it twice, which the
    second refuses — so neither is made, nor a third of another object, and the message says which."""
    scjg_task, wsjk_task, jtys_task = three_tasks
    ours, theirs = pair(scjg_task, wsjk_task, 0)
    roads = Visit.objects.get(task=jtys_task, inspection_object=ours.inspection_object)
    elsewhere = _key_of(*pair(scjg_task, wsjk_task, 1))
    client = login(coordinator)
    entries = AuditEntry.objects.count()
    response = client.post(
        DECIDE, {"proposal": [elsewhere, _key_of(ours, theirs), _key_of(theirs, roads)], "decision": "confirm"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "所选的 3 条合并建议都没有处理" in body
    assert f"{ours.inspection_object.name}（{ours.inspection_object.public_code}）：" in body and "已在合并检查" in body
    assert not MergedVisit.objects.exists() and AuditEntry.objects.count() == entries


def test_a_visit_can_be_left_out_of_a_three_department_proposal(
    login, coordinator, scjg_task, wsjk_task, make_jtys_task
):
    jtys_task = make_jtys_task()  # 6-10 … 12-31: all three overlap in June
    (proposal,) = [
        p
        for p in proposals_for(coordinator, task=scjg_task)
        if p.inspection_object == pair(scjg_task, wsjk_task)[0].inspection_object
    ]
    assert len(proposal.visits) == 3 and proposal.can_leave_out
    roads = next(v for v in proposal.visits if v.task_id == jtys_task.pk)
    body = login(coordinator).get(MERGES, {"task": scjg_task.pk}).content.decode()
    assert f'name="leave_out" value="{roads.pk}"' in body
    login(coordinator).post(DECIDE, {"proposal": [proposal.key], "leave_out": [roads.pk], "decision": "confirm"})
    merged = MergedVisit.objects.get()
    assert set(merged.members.values_list("visit_id", flat=True)) == {v.pk for v in proposal.visits} - {roads.pk}


def test_nothing_chosen_or_a_bad_key_is_no_error(login, coordinator, scjg_task, wsjk_task):
    client = login(coordinator)
    response = client.post(DECIDE, {"decision": "confirm"})
    assert response.status_code == 400 and "请选择至少一条合并建议" in response.content.decode()
    assert client.post(DECIDE, {"proposal": ["1-x"], "decision": "confirm"}).status_code == 404
    assert client.post(DECIDE, {"proposal": ["999999-999998"], "decision": "confirm"}).status_code == 404
    assert not MergedVisit.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("wsjk_admin", 403), ("auditor", 403), ("scjg_inspector", 403), ("witness", 404), ("nobody", 404)],
)
def test_only_the_coordinator_decides_in_bulk(request, login, persona, status, scjg_task, wsjk_task):
    chosen = [_key_of(*pair(scjg_task, wsjk_task, i)) for i in (0, 1)]
    client = login(request.getfixturevalue(persona))
    assert client.post(DECIDE, {"proposal": chosen, "decision": "confirm"}).status_code == status
    assert client.post(DECIDE, {"proposal": chosen, "decision": "decline", "reason": "x"}).status_code == status
    assert not MergedVisit.objects.exists() and not MergeDecline.objects.exists()


def test_another_department_gets_404(login, jtys_admin, scjg_task, wsjk_task):
    """交通运输 has no task here: the visits are not theirs to know of."""
    chosen = [_key_of(*pair(scjg_task, wsjk_task, 0))]
    assert login(jtys_admin).post(DECIDE, {"proposal": chosen, "decision": "confirm"}).status_code == 404
    assert not MergedVisit.objects.exists()


def test_readers_see_no_decision_form(login, scjg_admin, scjg_task, wsjk_task):
    body = login(scjg_admin).get(MERGES).content.decode()
    assert '<span class="badge">12</span>' in body
    assert DECIDE not in body and 'name="proposal"' not in body and "data-select-all" not in body
