"""Four eyes on plans (issue 11, item 3): a department's plan is made and submitted by that
department, the one who submitted it may not approve it, the joint office files and publishes.
Through the services, the pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from spotcheck.planning import services
from spotcheck.planning.models import AnnualPlan
from tests.factories import MembershipFactory, UserFactory, entry_kwargs, plan_with_entry

S = AnnualPlan.Status
SELF_APPROVAL = "提交人不能审核自己提交的计划"


def api_post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def admin_and_approver(scjg):
    """市场监管's admin who is also one of its approvers: the one who could approve alone."""
    user = UserFactory(username="scjg_admin_approver", full_name="市场监管 吴双岗")
    MembershipFactory(user=user, department=scjg, role="dept_admin")
    MembershipFactory(user=user, department=scjg, role="approver")
    return user


# --------------------------------------------------------------------- made by the department


def test_coordinator_cannot_create_a_department_plan(coordinator, scjg):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=coordinator, year=2027, title="代编计划", department=scjg)
    assert not AnnualPlan.objects.exists()


def test_coordinator_cannot_create_a_department_plan_on_the_page_or_the_api(login, coordinator, scjg):
    client = login(coordinator)
    response = client.post(reverse("planning:create"), {"year": 2027, "title": "代编计划", "department": scjg.pk})
    assert response.status_code in {200, 403}
    response = api_post(client, "/api/v1/plans/", {"year": 2027, "title": "代编计划", "department": "SCJG"})
    assert response.status_code == 403
    assert not AnnualPlan.objects.exists()


def test_coordinator_cannot_submit_or_edit_a_department_plan(login, coordinator, draft_plan, scjg_item, scjg):
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=coordinator, plan=draft_plan)
    with pytest.raises(PermissionDenied):
        services.entry_add(actor=coordinator, plan=draft_plan, **entry_kwargs(draft_plan, [scjg_item], scjg, code="E9"))
    client = login(coordinator)
    assert client.post(reverse("planning:submit", args=[draft_plan.pk])).status_code == 403
    assert api_post(client, f"/api/v1/plans/{draft_plan.pk}/submit/").status_code == 403
    body = client.get(reverse("planning:detail", args=[draft_plan.pk])).content.decode()
    assert "提交审核" not in body and reverse("planning:entry_create", args=[draft_plan.pk]) not in body
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.DRAFT


def test_coordinator_sees_no_create_button_for_a_department_plan(login, coordinator, scjg):
    # The coordinator may still make the joint plan: the form offers no department of its own.
    body = login(coordinator).get(reverse("planning:create")).content.decode()
    assert f'value="{scjg.pk}"' not in body


# --------------------------------------------------------------------- the submitter does not approve


def test_submitter_cannot_approve_their_own_submission(admin_and_approver, scjg_approver, scjg, scjg_item):
    plan, _ = plan_with_entry(actor=admin_and_approver, department=scjg, item=scjg_item)
    services.plan_submit(actor=admin_and_approver, plan=plan)
    with pytest.raises(PermissionDenied, match=SELF_APPROVAL):
        services.plan_approve(actor=admin_and_approver, plan=plan)
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED and plan.approved_by is None
    # Another approver of the department approves it.
    assert services.plan_approve(actor=scjg_approver, plan=plan).approved_by == scjg_approver


def test_submitter_cannot_approve_on_the_page(login, admin_and_approver, scjg, scjg_item):
    plan, _ = plan_with_entry(actor=admin_and_approver, department=scjg, item=scjg_item)
    client = login(admin_and_approver)
    client.post(reverse("planning:submit", args=[plan.pk]))
    body = client.get(reverse("planning:detail", args=[plan.pk])).content.decode()
    assert "审核通过" not in body
    response = client.post(reverse("planning:approve", args=[plan.pk]))
    assert response.status_code == 403
    assert SELF_APPROVAL in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED


def test_submitter_cannot_approve_through_the_api(login, admin_and_approver, scjg, scjg_item):
    plan, _ = plan_with_entry(actor=admin_and_approver, department=scjg, item=scjg_item)
    client = login(admin_and_approver)
    assert api_post(client, f"/api/v1/plans/{plan.pk}/submit/").status_code == 200
    response = api_post(client, f"/api/v1/plans/{plan.pk}/approve/")
    assert response.status_code == 403
    assert SELF_APPROVAL in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED


def test_joint_plan_keeps_its_maker_but_needs_a_second_pair_of_eyes(
    coordinator, scjg_approver, county, scjg, wsjk, scjg_item, wsjk_item
):
    plan = services.plan_create(actor=coordinator, year=2027, title="2027年度部门联合抽查计划", region=county)
    entry = services.entry_add(
        actor=coordinator,
        plan=plan,
        **entry_kwargs(plan, [scjg_item, wsjk_item], scjg, kind="joint", participating_departments=[wsjk]),
    )
    services.entry_add_default_strata(actor=coordinator, entry=entry)
    services.plan_submit(actor=coordinator, plan=plan)
    with pytest.raises(PermissionDenied, match=SELF_APPROVAL):
        services.plan_approve(actor=coordinator, plan=plan)
    # The approver of the department hosting the joint office (its 分管领导) approves it.
    services.plan_approve(actor=scjg_approver, plan=plan)
    services.plan_file(actor=coordinator, plan=plan)
    assert services.plan_publish(actor=coordinator, plan=plan).status == S.PUBLISHED


# --------------------------------------------------------------------- the joint office files and publishes


def test_coordinator_files_and_publishes_the_department_cannot(
    login, draft_plan, scjg_admin, scjg_approver, coordinator
):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    client = login(scjg_admin)
    assert "受理备案" not in client.get(reverse("planning:detail", args=[draft_plan.pk])).content.decode()
    assert client.post(reverse("planning:file", args=[draft_plan.pk])).status_code == 403
    assert api_post(client, f"/api/v1/plans/{draft_plan.pk}/file/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.plan_file(actor=scjg_approver, plan=draft_plan)
    services.plan_file(actor=coordinator, plan=draft_plan)
    # Publishing is the joint office's too.
    publish_url = reverse("planning:publish", args=[draft_plan.pk])
    assert publish_url not in client.get(reverse("planning:detail", args=[draft_plan.pk])).content.decode()
    assert client.post(publish_url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.plan_publish(actor=scjg_admin, plan=draft_plan)
    client = login(coordinator)
    assert publish_url in client.get(reverse("planning:detail", args=[draft_plan.pk])).content.decode()
    assert client.post(publish_url).status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == S.PUBLISHED and draft_plan.published_by == coordinator
