import datetime as dt
import re

import pytest
from django.urls import reverse

from spotcheck.planning import services
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory

S = AnnualPlan.Status


def test_list_shows_deadline_and_late_flag(login, coordinator, draft_plan):
    AnnualPlan.objects.filter(pk=draft_plan.pk).update(filed_late=True)
    response = login(coordinator).get(reverse("planning:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert draft_plan.title in body and "2027-01-31" in body and "逾期备案" in body


def test_list_is_scoped(login, wsjk_admin, draft_plan):
    body = login(wsjk_admin).get(reverse("planning:list")).content.decode()
    assert draft_plan.title not in body


def test_detail_shows_entries_strata_as_percent_and_history(login, scjg_admin, draft_plan):
    response = login(scjg_admin).get(reverse("planning:detail", args=[draft_plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("E1", "A类（信用风险低）", "5%", "20%", "60%", "100%", "计划历史", "提交审核"):
        assert text in body


def test_other_department_gets_404(login, wsjk_admin, draft_plan):
    client = login(wsjk_admin)
    assert client.get(reverse("planning:detail", args=[draft_plan.pk])).status_code == 404
    assert client.post(reverse("planning:submit", args=[draft_plan.pk])).status_code == 404
    entry = draft_plan.entries.get()
    assert client.get(reverse("planning:entry_edit", args=[entry.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "scjg_inspector", "scjg_approver"])
def test_read_only_roles_get_403_on_writes(request, login, draft_plan, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("planning:detail", args=[draft_plan.pk])).status_code == 200
    assert client.post(reverse("planning:submit", args=[draft_plan.pk])).status_code == 403
    assert client.get(reverse("planning:entry_create", args=[draft_plan.pk])).status_code == 403
    stratum = PlanStratum.objects.filter(entry__plan=draft_plan).first()
    assert client.post(reverse("planning:stratum_remove", args=[stratum.pk])).status_code == 403
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.DRAFT


def test_nobody_gets_404(login, nobody, draft_plan):
    assert login(nobody).get(reverse("planning:list")).status_code == 404


def test_workflow_buttons_are_post_only(login, scjg_admin, draft_plan):
    assert login(scjg_admin).get(reverse("planning:submit", args=[draft_plan.pk])).status_code == 405


def test_workflow_through_the_client(client, scjg_admin, scjg_approver, coordinator, draft_plan):
    client.force_login(scjg_admin)
    client.post(reverse("planning:submit", args=[draft_plan.pk]))
    client.force_login(scjg_approver)
    response = client.post(reverse("planning:return", args=[draft_plan.pk]), {"reason": ""})
    assert response.status_code == 200 and "fielderror" in response.content.decode()
    client.post(reverse("planning:approve", args=[draft_plan.pk]))
    client.force_login(coordinator)
    client.post(reverse("planning:file", args=[draft_plan.pk]))
    client.post(reverse("planning:publish", args=[draft_plan.pk]))
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.PUBLISHED


def test_only_an_approver_of_the_plans_department_sees_the_review_buttons(
    login, scjg_admin, scjg_approver, scjg, wsjk, draft_plan
):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    # Approver of 卫健 and inspector of 市场监管: reads 市场监管's plan, approves none of it.
    other = UserFactory(username="wsjk_approver")
    MembershipFactory(user=other, department=wsjk, role="approver")
    MembershipFactory(user=other, department=scjg, role="inspector")
    url = reverse("planning:detail", args=[draft_plan.pk])
    assert "审核通过" not in login(other).get(url).content.decode()
    assert login(other).post(reverse("planning:approve", args=[draft_plan.pk])).status_code == 403
    assert "审核通过" in login(scjg_approver).get(url).content.decode()


def test_filing_buttons_show_what_the_services_allow(login, scjg_admin, scjg_approver, coordinator, scjg, draft_plan):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    sysadmin = UserFactory(username="sysadmin")
    MembershipFactory(user=sysadmin, department=scjg, role="sysadmin")
    url = reverse("planning:detail", args=[draft_plan.pk])
    return_url = reverse("planning:return", args=[draft_plan.pk])
    body = login(coordinator).get(url).content.decode()
    assert "受理备案" in body and return_url in body
    # A system admin files (plan_file lets the joint office) but returns nothing (plan_return
    # is the approver's, then the coordinator's).
    body = login(sysadmin).get(url).content.decode()
    assert "受理备案" in body and return_url not in body
    assert login(sysadmin).post(return_url, {"reason": "再议"}).status_code == 403
    assert login(sysadmin).post(reverse("planning:file", args=[draft_plan.pk])).status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.FILED


def test_joint_plan_form_is_for_the_region_the_user_coordinates(login, scjg, county):
    other = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
    user = UserFactory(username="coordinator_from_elsewhere")
    MembershipFactory(user=user, department=DepartmentFactory(code="JT-SCJG", region=other), role="inspector")
    MembershipFactory(user=user, department=scjg, role="coordinator")
    response = login(user).post(reverse("planning:create"), {"year": 2028, "title": "联合计划", "department": ""})
    assert response.status_code == 302
    assert AnnualPlan.objects.get(kind=AnnualPlan.Kind.JOINT).region == county


def test_create_plan_and_entry_through_forms(client, scjg_admin, scjg, scjg_item):
    client.force_login(scjg_admin)
    response = client.post(
        reverse("planning:create"), {"year": 2028, "title": "2028年度抽查计划", "department": scjg.pk}
    )
    plan = AnnualPlan.objects.get(year=2028)
    assert response.status_code == 302 and plan.department == scjg
    form = {
        "code": "E1",
        "name": "日常抽查",
        "kind": "routine",
        "items": [scjg_item.pk],
        "lead_department": scjg.pk,
        "window_start": "2028-03-01",
        "window_end": "2027-10-31",
        "frequency_cap_days": 365,
    }
    response = client.post(reverse("planning:entry_create", args=[plan.pk]), form)
    assert response.status_code == 200
    assert "结束日期应在计划年度 2028 年内" in response.content.decode()
    form["window_end"] = "2028-10-31"
    response = client.post(reverse("planning:entry_create", args=[plan.pk]), form)
    assert response.status_code == 302
    entry = PlanEntry.objects.get(plan=plan)
    client.post(reverse("planning:entry_default_strata", args=[entry.pk]))
    assert entry.strata.count() == 4
    response = client.post(
        reverse("planning:stratum_create", args=[entry.pk]),
        {"name": "高风险", "ratio": "1.5", "risk_levels": ["high"]},
    )
    assert response.status_code == 200 and "大于 1" in response.content.decode()
    response = client.post(
        reverse("planning:stratum_create", args=[entry.pk]), {"name": "高风险", "ratio": "1", "risk_levels": ["high"]}
    )
    assert response.status_code == 302
    assert entry.strata.get(name="高风险").filter == {"risk_levels": ["high"]}


def test_adjustment_form_asks_for_reason(client, scjg_admin, published_plan):
    client.force_login(scjg_admin)
    stratum = PlanStratum.objects.filter(entry__plan=published_plan).first()
    url = reverse("planning:stratum_edit", args=[stratum.pk])
    page = client.get(url).content.decode()
    assert "调整原因" in page
    data = {"name": stratum.name, "ratio": "0.04", "credit_levels": ["A"]}
    response = client.post(url, data)
    assert response.status_code == 200 and "请填写原因" in response.content.decode()
    response = client.post(url, data | {"reason": "降低 A 类比例"})
    assert response.status_code == 302
    published_plan.refresh_from_db()
    assert published_plan.revision == 1
    assert published_plan.events.filter(action="adjusted", reason="降低 A 类比例").exists()
    response = client.post(reverse("planning:entry_remove", args=[stratum.entry_id]), {"reason": "取消"})
    assert response.status_code == 302
    assert PlanEntry.objects.get(pk=stratum.entry_id).retired_at is not None


def test_joint_plan_visible_to_participants_only(
    login, coordinator, county, scjg, wsjk, wsjk_admin, scjg_item, wsjk_item
):
    plan = services.plan_create(actor=coordinator, year=2027, title="联合计划", region=county)
    client = login(wsjk_admin)
    assert client.get(reverse("planning:detail", args=[plan.pk])).status_code == 404
    services.entry_add(
        actor=coordinator,
        plan=plan,
        code="J1",
        name="联合抽查",
        kind="joint",
        items=[scjg_item, wsjk_item],
        lead_department=scjg,
        participating_departments=[wsjk],
        window_start=plan.filing_deadline,
        window_end=plan.filing_deadline.replace(month=12),
    )
    assert client.get(reverse("planning:detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("planning:submit", args=[plan.pk])).status_code == 403


def test_forms_render(login, coordinator, scjg_admin, draft_plan):
    page = login(coordinator).get(reverse("planning:create")).content.decode()
    assert "部门联合抽查计划（联席办）" in page
    # The department's plan's forms are its own admin's (four eyes: the coordinator gets a 403).
    assert login(coordinator).get(reverse("planning:edit", args=[draft_plan.pk])).status_code == 403
    client = login(scjg_admin)
    entry = draft_plan.entries.get()
    stratum = entry.strata.first()
    for url in (
        reverse("planning:edit", args=[draft_plan.pk]),
        reverse("planning:entry_create", args=[draft_plan.pk]),
        reverse("planning:entry_edit", args=[entry.pk]),
        reverse("planning:entry_remove", args=[entry.pk]),
        reverse("planning:stratum_create", args=[entry.pk]),
        reverse("planning:stratum_edit", args=[stratum.pk]),
        reverse("planning:stratum_remove", args=[stratum.pk]),
    ):
        assert client.get(url).status_code == 200, url
    page = login(scjg_admin).get(reverse("planning:create")).content.decode()
    assert "部门联合抽查计划（联席办）" not in page


def test_overdue_plan_is_flagged(login, coordinator, scjg_admin, scjg):
    plan = services.plan_create(actor=scjg_admin, year=2020, title="2020年度抽查计划", department=scjg)
    assert plan.filing_overdue_on(dt.date(2020, 2, 1)) and not plan.filing_overdue_on(dt.date(2020, 1, 31))
    assert "逾期未备案" in login(coordinator).get(reverse("planning:list")).content.decode()


def test_stratum_form_ticks_flags_in_the_object_filter_language(login, scjg_admin, draft_plan):
    client = login(scjg_admin)
    entry = draft_plan.entries.get()
    create = reverse("planning:stratum_create", args=[entry.pk])
    form = {"name": "失信", "ratio": "1", "credit_levels": ["D"], "flags": ["abnormal_list", "recent_penalty"]}
    response = client.post(create, form | {"penalty_within_days": "90"})
    assert response.status_code == 302
    stratum = entry.strata.get(name="失信")
    assert stratum.filter == {
        "credit_levels": ["D"],
        "any_of": [{"abnormal_list": True}, {"penalised_within_days": 90}],
    }
    page = client.get(reverse("planning:detail", args=[draft_plan.pk])).content.decode()
    assert "任一标记：列入经营异常名录、90 天内受过行政处罚" in page
    # Read back into the boxes; one flag alone is its key itself, with the default period.
    edit = reverse("planning:stratum_edit", args=[stratum.pk])
    page = client.get(edit).content.decode()
    assert re.findall(r'name="flags" value="(\w+)" id="\w+" checked', page) == ["abnormal_list", "recent_penalty"]
    assert re.findall(r'name="credit_levels" value="(\w+)" id="\w+" checked', page) == ["D"]
    assert 'name="penalty_within_days" value="90"' in page
    response = client.post(edit, {"name": "失信", "ratio": "1", "flags": ["recent_penalty"]})
    assert response.status_code == 302
    stratum.refresh_from_db()
    assert stratum.filter == {"penalised_within_days": 365}
    client.post(edit, {"name": "失信", "ratio": "1", "flags": ["key_supervision"]})
    stratum.refresh_from_db()
    assert stratum.filter == {"tags": ["key_supervision"]}
    response = client.post(edit, {"name": "失信", "ratio": "1", "penalty_within_days": "30"})
    assert response.status_code == 200 and "只有选择“近期受过行政处罚”时才能填写处罚期限。" in response.content.decode()


def test_stratum_form_keeps_a_filter_it_cannot_show(login, scjg_admin, draft_plan):
    entry = draft_plan.entries.get()
    written = {"annual_report": ["not_reported"], "drawn_recently": False, "drawn_within_days": 365}
    stratum = services.stratum_add(actor=scjg_admin, entry=entry, name="未年报", ratio="1", filter=written)
    client = login(scjg_admin)
    edit = reverse("planning:stratum_edit", args=[stratum.pk])
    page = client.get(edit).content.decode()
    assert "年报状态：未报送；365 天内未被抽中" in page and "只能通过接口修改" in page
    assert 'name="credit_levels"' not in page
    response = client.post(edit, {"name": "未年报", "ratio": "0.5", "credit_levels": ["A"]})
    assert response.status_code == 302
    stratum.refresh_from_db()
    assert (stratum.ratio, stratum.filter) == ("0.5", written)


@pytest.mark.parametrize("persona", ["auditor", "scjg_inspector", "scjg_admin"])
def test_the_return_form_is_only_for_those_who_may_return(
    request, login, scjg_admin, scjg_approver, draft_plan, persona
):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    url = reverse("planning:return", args=[draft_plan.pk])
    assert login(request.getfixturevalue(persona)).get(url).status_code == 403
    assert login(scjg_approver).get(url).status_code == 200
