"""Result entry (issue 13, item 5): only the visit's team, only once the visit is approved (or
started in an emergency), only while the task is drawn; every rule of the content refused with
the item and field named; all or nothing, audited."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services as draws_services
from spotcheck.inspections import services as inspections_services
from spotcheck.results import services
from spotcheck.results.models import ItemResult, ResultRevision, VisitResult
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.results import form_post, questions, result_data
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def _edit(visit):
    return reverse("results:edit", args=[visit.pk])


def test_a_team_member_enters_a_result_through_the_form(login, officers, approved):
    visit = approved
    client = login(officers[0])
    page = client.get(_edit(visit))
    assert page.status_code == 200
    text = page.content.decode()
    assert "是否取得有效的食品经营许可证" in text and "核查方式" in text and "未发现问题" in text
    # 9–12 are not offered to an object in business (存续).
    assert 'value="9"' not in text and 'value="10"' not in text
    response = client.post(_edit(visit), form_post(visit, client_id=str(uuid.uuid4())))
    assert response.status_code == 302 and response["Location"] == reverse("results:visit", args=[visit.pk])
    result = VisitResult.objects.get(visit=visit)
    assert result.status == "entered" and result.revision == 1 and result.entered_by == officers[0]
    item = ItemResult.objects.get(visit_result=result)
    assert item.codes == ["1"] and item.method == "1" and not item.problem_found
    assert item.checked_on.isoformat() == "2026-02-16"  # the completion date when left blank
    assert item.department_id == visit.task.lead_department_id
    assert len(item.answers) == 2 and {a["answer"] for a in item.answers} == {"conforms"}
    revision = ResultRevision.objects.get(visit_result=result)
    assert revision.number == 1 and revision.data["items"][0]["codes"] == ["1"]
    entry = AuditEntry.objects.get(action="results.result.enter")
    assert entry.after["revision"] == 1 and entry.after["visit_public_id"] == visit.public_id


def test_no_result_before_approval(login, officers, visit):
    with pytest.raises(ValidationError, match="检查尚未审批"):
        services.result_save(actor=officers[0], visit=visit, data=result_data(visit), base_revision=None)
    page = login(officers[0]).get(_edit(visit))
    text = page.content.decode()
    assert page.status_code == 200 and "检查尚未审批" in text and "result-form" not in text
    assert login(officers[0]).post(_edit(visit), form_post(visit)).status_code == 400
    assert not VisitResult.objects.exists()


def test_an_emergency_start_allows_entry_before_approval(officers, visit):
    inspections_services.visit_emergency_start(actor=officers[0], visit=visit, reason="群众举报食品安全隐患")
    result = services.result_save(actor=officers[0], visit=visit, data=result_data(visit), base_revision=None)
    assert result.revision == 1


def test_not_while_the_task_is_cancelled(officers, approved, scjg_admin):
    draws_services.task_cancel(actor=scjg_admin, task=approved.task, reason="计划调整")
    with pytest.raises(ValidationError, match="不能录入检查结果"):
        services.result_save(actor=officers[0], visit=approved, data=result_data(approved), base_revision=None)


def test_an_inspector_of_another_team_may_not_enter(login, approved, scjg):
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, department=scjg, role="inspector")
    link_inspector(outsider, InspectorFactory(department=scjg, name="别组检查员"))
    with pytest.raises(PermissionDenied, match="检查组成员"):
        services.result_save(actor=outsider, visit=approved, data=result_data(approved), base_revision=None)
    # The visit is not theirs to read either: 404 that reveals nothing.
    assert login(outsider).get(_edit(approved)).status_code == 404
    assert login(outsider).post(_edit(approved), form_post(approved)).status_code == 404


@pytest.mark.parametrize("persona", ["scjg_admin", "scjg_approver", "auditor", "coordinator"])
def test_readers_of_the_visit_who_are_not_on_the_team_get_a_403(request, login, approved, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(_edit(approved)).status_code == 403
    assert client.post(_edit(approved), form_post(approved)).status_code == 403
    assert client.get(reverse("results:visit", args=[approved.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_another_department_gets_a_404(request, login, approved, persona):
    client = login(request.getfixturevalue(persona))
    for url in (_edit(approved), reverse("results:visit", args=[approved.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert approved.inspection_object.name not in response.content.decode()
    assert client.post(_edit(approved), form_post(approved)).status_code == 404


def test_odd_ids_are_404_not_500(login, officers, approved):
    client = login(officers[0])
    assert client.get("/results/visits/999999999/").status_code == 404
    assert client.get("/results/visits/abc/edit/").status_code == 404
    response = client.post(_edit(approved), form_post(approved, base_revision="x²"))
    assert response.status_code == 400 and "版本号不正确" in response.content.decode()
    response = client.post(_edit(approved), form_post(approved, client_id="not-a-uuid"))
    assert response.status_code == 400 and "提交标识格式不正确" in response.content.decode()


def _refused(officers, visit, data, match):
    with pytest.raises(ValidationError) as caught:
        services.result_save(actor=officers[0], visit=visit, data=data, base_revision=None)
    messages = " ".join(caught.value.messages)
    assert match in messages, messages
    assert not VisitResult.objects.exists()  # all or nothing
    return caught.value


def test_no_problem_excludes_every_other_code(officers, approved):
    data = result_data(approved, codes=["1", "B"])
    error = _refused(officers, approved, data, "“未发现问题”不能与其他检查结果同时选择")
    version, _ = questions(approved)
    assert f"i{version.pk}-codes" in error.message_dict
    assert version.item.code in error.message_dict[f"i{version.pk}-codes"][0]  # names the item


def test_a_status_code_the_object_does_not_support(officers, approved):
    _refused(officers, approved, result_data(approved, codes=["9"]), "不支持“9 已注销”")
    obj = approved.inspection_object
    obj.status = "cancelled"
    obj.save(update_fields=["status"])
    result = services.result_save(
        actor=officers[0], visit=approved, data=result_data(approved, codes=["9"]), base_revision=None
    )
    assert result.items.get().codes == ["9"]


@pytest.mark.parametrize("method", ["3", "6"])
def test_methods_3_and_6_name_their_source(officers, approved, method):
    _refused(officers, approved, result_data(approved, method=method), "须填写采用其结论的部门或机构")
    data = result_data(approved, method=method, adopted_from="溧阳市食品检验检测中心")
    item = services.result_save(actor=officers[0], visit=approved, data=data, base_revision=None).items.get()
    assert item.method == method and item.adopted_from == "溧阳市食品检验检测中心"


def test_other_content_rules(officers, approved):
    _refused(officers, approved, result_data(approved, method=""), "请选择核查方式")
    _refused(officers, approved, result_data(approved, codes=[]), "请选择检查结果")
    _refused(officers, approved, result_data(approved, codes=["Z"]), "未知的检查结果代码")
    _refused(officers, approved, result_data(approved, answer=""), "请选择符合、不符合或不涉及")
    _refused(officers, approved, result_data(approved, answer="nonconforming"), "不能选择“未发现问题”")
    _refused(officers, approved, result_data(approved, checked_on="2026-13-01"), "日期")
    _refused(officers, approved, result_data(approved, checked_on="2026-03-01"), "不能晚于今天")
    _refused(officers, approved, result_data(approved, note="长" * 2001), "不能超过 2000 个字符")
    _refused(officers, approved, result_data(approved, checked=False, codes=["1"]), "未检查的事项不能选择检查结果")
    _refused(officers, approved, result_data(approved) | {"completed_on": ""}, "请填写抽查完成日期")
    _refused(officers, approved, result_data(approved) | {"items": {}}, "缺少该事项的检查结果")
    _refused(officers, approved, "garbage", "无法识别")


def test_a_problem_found(officers, approved):
    data = result_data(approved, codes=["A", "B"], answer="nonconforming")
    item = services.result_save(actor=officers[0], visit=approved, data=data, base_revision=None).items.get()
    assert item.codes == ["A", "B"] and item.problem_found


def test_a_visit_that_could_not_take_place(login, officers, approved):
    data = {"outcome": "not_carried_out", "completed_on": "2026-02-16", "not_carried_out_reason": ""}
    _refused(officers, approved, data, "请选择未能检查的原因")
    _refused(officers, approved, data | {"not_carried_out_reason": "other"}, "请填写说明")
    result = services.result_save(
        actor=officers[0], visit=approved, data=data | {"not_carried_out_reason": "unreachable"}, base_revision=None
    )
    assert result.outcome == "not_carried_out" and result.not_carried_out_reason == "unreachable"
    assert not result.items.get().checked
    page = login(officers[0]).get(reverse("results:visit", args=[approved.pk])).content.decode()
    assert "未能检查" in page and "无法联系" in page


def test_errors_come_back_in_the_form_with_what_was_typed(login, officers, approved):
    version, _ = questions(approved)
    post = form_post(approved, codes=["1", "B"]) | {f"i{version.pk}-note": "门店正在装修"}
    response = login(officers[0]).post(_edit(approved), post)
    assert response.status_code == 400
    text = response.content.decode()
    assert "检查结果没有保存" in text and "不能与其他检查结果同时选择" in text and "门店正在装修" in text
    assert not VisitResult.objects.exists()


def test_a_save_is_all_or_nothing(officers, approved, monkeypatch):
    """A failure after the result's rows are written leaves nothing written (result_save is one
    transaction; a merge once moved its decorator onto a helper)."""

    def fail(visit_result):
        raise RuntimeError("the visit's copy could not be written")

    monkeypatch.setattr(services, "_copy_status", fail)
    with pytest.raises(RuntimeError):
        services.result_save(actor=officers[0], visit=approved, data=result_data(approved), base_revision=None)
    assert not VisitResult.objects.exists() and not ItemResult.objects.exists()
    assert not ResultRevision.objects.exists()
