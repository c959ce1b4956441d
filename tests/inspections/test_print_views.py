"""Print views of a visit (issue 13, item 4): the A4 checklist with the object, the team with
certificate numbers, every department's items (merged visits included) with result boxes and
the QR; the 现场检查笔录 with the MOJ template's elements. Same access as the visit page."""

import pytest
from django.urls import reverse

from spotcheck.inspections import check_codes, services
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def _checklist(visit) -> str:
    return reverse("inspections:print_checklist", args=[visit.pk])


def _record(visit) -> str:
    return reverse("inspections:print_record", args=[visit.pk])


def test_the_checklist_has_object_team_items_boxes_and_qr(approved_visit, code_of, login, scjg_inspector, scjg_task):
    response = login(scjg_inspector).get(_checklist(approved_visit))
    assert response.status_code == 200
    page = response.content.decode()
    obj = approved_visit.inspection_object
    assert obj.name in page and obj.address in page and scjg_task.code in page
    for m in approved_visit.members.select_related("inspector"):
        assert m.inspector.name in page and m.inspector.certificate_number in page
    for version in scjg_task.items.all():
        assert version.item.code in page
        for q in version.questions.all():
            assert q.text in page
    for box in ("符合", "不符合", "不涉及", "备注"):
        assert f">{box}</th>" in page
    assert 'class="box-mark"' in page
    code = code_of(approved_visit)
    assert str(check_codes.qr_svg(f"http://testserver{reverse('portal:check_code', args=[code])}", scale=3)) in page
    assert "visit-print.css" in page and "data-print" in page and "print.js" in page


def test_the_checklist_of_a_merged_visit_groups_every_departments_items(
    merged, scjg_inspector, login, health_item, food_item, wsjk, scjg
):
    _merged_visit, (ours, theirs) = merged
    link_inspector(scjg_inspector, ours.members.first().inspector)
    page = login(scjg_inspector).get(_checklist(ours)).content.decode()
    assert page.index(scjg.name) < page.index(wsjk.name)
    assert health_item.item.code in page and food_item.item.code in page
    for m in theirs.members.select_related("inspector"):  # the other department's team too
        assert m.inspector.name in page
    assert "<svg" not in page  # not approved: no code yet


def test_the_record_has_the_templates_elements(approved_visit, login, scjg_inspector, scjg_task, scjg):
    response = login(scjg_inspector).get(_record(approved_visit))
    assert response.status_code == 200
    page = response.content.decode()
    for element in (
        "现场检查笔录",
        "检查机关",
        "检查依据",
        "任务来源",
        "检查时间",
        "检查地点",
        "检查人员及执法证号",
        "当事人",
        "现场负责人",
        "告知事项",
        "出示执法证件",
        "申请检查人员回避",
        "检查情况",
        "当事人（现场负责人）签名",
        "拒绝签名",
        "见证人签名",
    ):
        assert element in page, element
    assert scjg.name in page and scjg_task.code in page
    for version in scjg_task.items.all():
        assert version.legal_basis in page
    for m in approved_visit.members.select_related("inspector"):
        assert f"检查人员 {m.inspector.name} 签名" in page and m.inspector.certificate_number in page
    assert page.count('class="line"') == 10
    assert "事前审批" in page


@pytest.mark.parametrize("view", [_checklist, _record])
def test_same_access_as_the_visit_page(approved_visit, login, scjg, scjg_admin, auditor, wsjk_admin, witness, view):
    assert login(scjg_admin).get(view(approved_visit)).status_code == 200
    assert login(auditor).get(view(approved_visit)).status_code == 200
    assert login(wsjk_admin).get(view(approved_visit)).status_code == 404
    assert login(witness).get(view(approved_visit)).status_code == 404
    other = UserFactory(username="other_inspector")
    MembershipFactory(user=other, department=scjg, role="inspector")
    link_inspector(other, InspectorFactory(department=scjg, name="未分配检查员"))
    assert login(other).get(view(approved_visit)).status_code == 404


def test_anonymous_and_unknown(approved_visit, public, login, scjg_admin):
    assert public.get(_checklist(approved_visit)).status_code == 302  # to the login page
    assert login(scjg_admin).get("/inspections/visits/999999999/print/record/").status_code == 404


def test_the_visit_page_links_to_both(approved_visit, login, scjg_inspector):
    page = login(scjg_inspector).get(reverse("inspections:visit_detail", args=[approved_visit.pk])).content.decode()
    assert _checklist(approved_visit) in page and _record(approved_visit) in page


def test_the_record_shows_an_emergency_start(my_visit, login, scjg_inspector):
    services.visit_emergency_start(actor=scjg_inspector, visit=my_visit, reason="现场发现紧急情况")
    assert "紧急先行检查，待事后补批" in login(scjg_inspector).get(_record(my_visit)).content.decode()
