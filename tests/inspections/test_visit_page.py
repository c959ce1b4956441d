"""The visit page (issue 13, item 1): the object, its earlier draws, the team with certificate
numbers, the merged visit, and one checklist (一表通查) of every department's items — for the
team and for those who read the task's visits; everyone else gets a 404."""

import pytest
from django.urls import reverse

from spotcheck.draws.models import Visit
from tests.factories import ALL, InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def _url(visit) -> str:
    return reverse("inspections:visit_detail", args=[visit.pk])


@pytest.fixture
def my_visit(my_inspector):
    return Visit.objects.filter(members__inspector=my_inspector).select_related("inspection_object").first()


def test_a_team_member_reads_the_visit(login, scjg_inspector, my_inspector, my_visit, scjg_task):
    response = login(scjg_inspector).get(_url(my_visit))
    assert response.status_code == 200
    page = response.content.decode()
    obj = my_visit.inspection_object
    assert obj.name in page and obj.address in page
    assert scjg_task.code in page
    # The team: every member with department, slot and 执法证号 and its expiry.
    for member in my_visit.members.select_related("inspector"):
        assert member.inspector.name in page
        assert member.inspector.certificate_number in page
        assert member.inspector.certificate_expires_on.strftime("%Y-%m-%d") in page
    assert "市场监管" in page
    # The checklist: the task's item with its guideline fields and questions (with basis).
    assert "SCJG-DRAW-001" in page or scjg_task.items.first().item.code in page
    assert "是否取得有效的食品经营许可证" in page
    assert "《食品安全法》第三十五条" in page
    assert "经营条件、进货查验、贮存条件" in page
    # The earlier draws of the object (抽查记录).
    assert 'id="draws"' in page


def test_phone_numbers_only_for_the_department_admin(login, scjg_inspector, scjg_admin, my_inspector, my_visit):
    member = my_visit.members.select_related("inspector").first().inspector
    member.phone = "13800001111"
    member.save(update_fields=["phone"])
    assert "13800001111" not in login(scjg_inspector).get(_url(my_visit)).content.decode()
    assert "13800001111" in login(scjg_admin).get(_url(my_visit)).content.decode()


def test_an_inspector_of_the_department_not_on_the_team_gets_a_404(login, scjg, my_visit):
    other = UserFactory(username="other_inspector")
    MembershipFactory(user=other, department=scjg, role="inspector")
    link_inspector(other, InspectorFactory(department=scjg, name="未分配检查员"))
    assert login(other).get(_url(my_visit)).status_code == 404


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "coordinator", "auditor"])
def test_those_who_read_the_tasks_visits_read_it(request, login, my_visit, persona):
    assert login(request.getfixturevalue(persona)).get(_url(my_visit)).status_code == 200


@pytest.mark.parametrize("persona", ["witness", "nobody", "wsjk_admin"])
def test_others_get_a_404(request, login, my_visit, persona):
    response = login(request.getfixturevalue(persona)).get(_url(my_visit))
    assert response.status_code == 404
    assert my_visit.inspection_object.name not in response.content.decode()


def test_an_unknown_visit_is_a_404(login, scjg_admin, db):
    assert login(scjg_admin).get("/inspections/visits/999999999/").status_code == 404
    assert login(scjg_admin).get("/inspections/visits/abc/").status_code == 404


def test_the_checklist_of_a_joint_task_lists_both_departments_items(
    login, scjg_admin, scjg, wsjk, food_item, health_item, wsjk_inspectors, make_task, run_ceremony
):
    slots = [{"name": "主检", "dept": "SCJG", "quals": ["draws_food"]}, {"name": "协检", "dept": "WSJK", "quals": []}]
    task = run_ceremony(
        make_task(
            kind="joint",
            participating_departments=[scjg, wsjk],
            items=[food_item, health_item],
            strata=ALL,
            slots=slots,
            max_visits_per_inspector=12,
        )
    )
    visit = task.visits.first()
    page = login(scjg_admin).get(_url(visit)).content.decode()
    checklist = page[page.index('id="checklist"') :]
    assert food_item.item.code in checklist and health_item.item.code in checklist
    assert scjg.name in checklist and wsjk.name in checklist
    # Grouped by department: 市场监管's items under its heading, before 卫健's.
    assert checklist.index(scjg.name) < checklist.index(food_item.item.code) < checklist.index(wsjk.name)
    assert checklist.index(wsjk.name) < checklist.index(health_item.item.code)
    assert checklist.count("是否取得有效的食品经营许可证") == 2  # both items' questions (same factory text)
    # The 卫健 member of the team shows with their department.
    assert "卫健检查员" in page


def test_the_checklist_of_a_merged_visit_lists_the_other_tasks_items(
    login, scjg_inspector, my_inspector, merged, health_item, wsjk, wsjk_task
):
    merged_visit, visits = merged
    ours = visits[0]
    if not ours.members.filter(inspector=my_inspector).exists():
        my_inspector.user = None  # move the login to a member of the merged visit's team
        my_inspector.save(update_fields=["user"])
        link_inspector(scjg_inspector, ours.members.first().inspector)
    page = login(scjg_inspector).get(_url(ours)).content.decode()
    assert merged_visit.code in page
    assert wsjk_task.code in page
    checklist = page[page.index('id="checklist"') :]
    assert health_item.item.code in checklist and wsjk.name in checklist
    # The other visit's team is named in the merged visit's section.
    theirs = visits[1].members.select_related("inspector").first().inspector
    assert theirs.name in page


def test_the_visit_page_shows_its_approval_and_takes_an_emergency_start(
    login, scjg_inspector, scjg_approver, my_inspector, my_visit, scjg_task
):
    from spotcheck.inspections import services

    client = login(scjg_inspector)
    page = client.get(_url(my_visit)).content.decode()
    assert "未审批" in page and "登记紧急先行检查" in page
    response = client.post(
        reverse("inspections:emergency_start", args=[my_visit.pk]),
        {"reason": "现场发现燃气泄漏隐患", "next": _url(my_visit)},
    )
    assert response.status_code == 302 and response.url == _url(my_visit)
    page = client.get(_url(my_visit)).content.decode()
    assert "紧急先行检查，待事后补批" in page and "现场发现燃气泄漏隐患" in page
    assert 'name="reason"' not in page, "started once: the form is gone"
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[my_visit])
    page = client.get(_url(my_visit)).content.decode()
    assert "事后补批" in page and "批准" in page and "未审批" not in page


def test_a_reader_who_is_not_on_the_team_sees_the_approval_but_no_emergency_form(login, auditor, my_visit):
    page = login(auditor).get(_url(my_visit)).content.decode()
    assert "未审批" in page and "登记紧急先行检查" not in page
