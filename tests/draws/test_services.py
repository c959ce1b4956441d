"""Task creation rules, witness rules and permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from spotcheck.draws import services
from spotcheck.draws.access import get_task_for_user
from spotcheck.draws.models import Task, WitnessInput
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, make_item, task_kwargs


def _announced(task, actor):
    services.task_freeze(actor=actor, task=task)
    services.task_announce(actor=actor, task=task)
    return Task.objects.get(pk=task.pk)


def test_codes_count_up_per_department_and_year(make_task):
    assert [make_task().code for _ in range(3)] == ["SCJG-2026-0001", "SCJG-2026-0002", "SCJG-2026-0003"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_visits_per_inspector": 0}, "上限"),
        ({"lead_slot": "不存在"}, "组长岗位"),
        ({"slots": [{"name": "主检", "dept": "SCJG", "quals": ["draws_food"]}]}, "至少需要 2"),
        (
            {"slots": [{"name": "主检", "dept": "SCJG", "quals": []}, {"name": "协检", "dept": "SCJG", "quals": []}]},
            "要求资格",
        ),
        (
            {"slots": [{"name": "主检", "dept": "WSJK", "quals": []}, {"name": "协检", "dept": "SCJG", "quals": []}]},
            "不是参与部门",
        ),
        ({"strata": [{"name": " 前后空格", "ratio": "0.1"}]}, "首尾"),
        ({"strata": [{"name": "甲", "ratio": "1.5"}]}, "大于 1"),
        ({"strata": [{"name": "甲", "ratio": "0.1", "filter": {"colour": ["red"]}}]}, "未知的条件"),
        ({"pool_filter": {"credit_levels": ["Z"]}}, "不存在或已停用"),
        ({"strata": []}, "至少需要一个分层"),
    ],
)
def test_task_create_refuses_bad_input(make_task, overrides, message):
    with pytest.raises(ValidationError, match=message):
        make_task(**overrides)
    assert not Task.objects.exists()


def test_joint_task_needs_two_departments(scjg_admin, scjg, food_item):
    with pytest.raises(ValidationError, match="两个参与部门"):
        services.task_create(
            actor=scjg_admin, lead_department=scjg, kind=Task.Kind.JOINT, items=[food_item], **task_kwargs()
        )


def test_only_published_versions(scjg_admin, scjg, make_task):
    draft = make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAFT").versions.get()
    with pytest.raises(ValidationError, match="不是现行公布的版本"):
        make_task(items=[draft])


def test_permissions(make_task, scjg_admin, wsjk_admin, scjg_inspector, auditor, coordinator, nobody):
    with pytest.raises(Http404):
        make_task(actor=wsjk_admin)
    with pytest.raises(PermissionDenied):
        make_task(actor=scjg_inspector)
    task = make_task()
    with pytest.raises(Http404):
        services.task_freeze(actor=wsjk_admin, task=task)
    with pytest.raises(PermissionDenied):
        services.task_freeze(actor=auditor, task=task)
    with pytest.raises(Http404):
        get_task_for_user(wsjk_admin, task.pk)
    with pytest.raises(Http404):
        get_task_for_user(nobody, task.pk)
    assert get_task_for_user(auditor, task.pk) == task
    assert get_task_for_user(scjg_inspector, task.pk) == task
    with pytest.raises(PermissionDenied):
        get_task_for_user(auditor, task.pk, write=True)
    assert get_task_for_user(coordinator, task.pk, write=True) == task
    services.task_freeze(actor=coordinator, task=task)  # the joint office may run any task
    assert Task.objects.get(pk=task.pk).status == Task.Status.FROZEN


def test_joint_task_visible_to_participants(scjg_admin, scjg, wsjk, food_item, health_item, wsjk_admin):
    task = services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        items=[food_item, health_item],
        **task_kwargs(
            slots=[
                {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
                {"name": "卫健", "dept": "WSJK", "quals": []},
            ]
        ),
    )
    assert get_task_for_user(wsjk_admin, task.pk) == task
    with pytest.raises(PermissionDenied):
        get_task_for_user(wsjk_admin, task.pk, write=True)


def test_witness_inputs_only_after_announcement(make_task, scjg_admin, scjg, witness):
    task = make_task()
    with pytest.raises(ValidationError):
        services.witness_input_add(actor=witness, task=task, value="1")
    services.task_freeze(actor=scjg_admin, task=task)
    with pytest.raises(ValidationError):
        services.witness_input_add(actor=witness, task=task, value="1")
    services.task_announce(actor=scjg_admin, task=task)
    row = services.witness_input_add(actor=witness, task=task, value="1 2 3")
    assert (row.position, row.witness_user, row.department, row.witness_name) == (1, witness, scjg, "见证人 钱见证")


def test_witness_rules(make_task, scjg_admin, scjg, wsjk, witness, scjg_inspector, wsjk_admin):
    task = _announced(make_task(), scjg_admin)
    with pytest.raises(PermissionDenied):
        services.witness_input_add(actor=scjg_inspector, task=task, value="1")
    with pytest.raises(ValidationError, match="没有见证人角色"):
        services.witness_input_add(actor=scjg_admin, task=task, value="1", witness_user=scjg_inspector)
    with pytest.raises(Http404):
        services.witness_input_add(actor=wsjk_admin, task=task, value="1", witness_name="某人", witness_department=wsjk)
    with pytest.raises(ValidationError, match="部门"):
        services.witness_input_add(actor=scjg_admin, task=task, value="1", witness_name="某人")
    with pytest.raises(ValidationError, match="超过 64"):
        services.witness_input_add(actor=witness, task=task, value="1" * 65)
    with pytest.raises(ValidationError, match="控制字符"):
        services.witness_input_add(actor=witness, task=task, value="1\t2")
    with pytest.raises(ValidationError, match="由其本人登录录入"):
        # The operator may not enter a witness account's input for it (issue 11, item 2).
        services.witness_input_add(actor=scjg_admin, task=task, value="4-4", witness_user=witness)
    services.witness_input_add(actor=witness, task=task, value="4-4")
    with pytest.raises(ValidationError, match="已经录入"):
        services.witness_input_add(actor=witness, task=task, value="5")
    services.witness_input_add(actor=scjg_admin, task=task, value="6", witness_name="吴见证", witness_department=wsjk)
    with pytest.raises(ValidationError, match="已经录入"):
        services.witness_input_add(
            actor=scjg_admin, task=task, value="7", witness_name="吴见证", witness_department=wsjk
        )
    assert list(WitnessInput.objects.filter(task=task).values_list("position", "value")) == [(1, "4-4"), (2, "6")]


def test_witness_of_another_department_may_enter(make_task, scjg_admin, wsjk):
    other = MembershipFactory(department=wsjk, role="witness").user
    task = _announced(make_task(), scjg_admin)
    row = services.witness_input_add(actor=other, task=task, value="2")
    assert row.department == wsjk


def test_a_named_witness_comes_from_a_department_of_the_region(make_task, scjg_admin):
    elsewhere = DepartmentFactory(code="JT-SCJG", region=RegionFactory(code="320482", name="金坛区", level="county"))
    task = _announced(make_task(), scjg_admin)
    with pytest.raises(ValidationError) as caught:
        services.witness_input_add(
            actor=scjg_admin, task=task, value="1", witness_name="某人", witness_department=elsewhere
        )
    assert caught.value.message_dict == {"witness_department": ["见证人所在部门不属于本区划。"]}


def test_joint_task_needs_witnesses_of_two_departments(
    scjg_admin, scjg, wsjk, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors, witness
):
    task = services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        items=[food_item, health_item],
        **task_kwargs(
            slots=[
                {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
                {"name": "卫健", "dept": "WSJK", "quals": []},
            ]
        ),
    )
    task = _announced(task, scjg_admin)
    for value, name in (("1", "甲"), ("2", "乙")):
        services.witness_input_add(actor=scjg_admin, task=task, value=value, witness_name=name, witness_department=scjg)
    with pytest.raises(ValidationError, match="两个部门"):
        services.task_draw(actor=scjg_admin, task=task)
    services.witness_input_add(actor=scjg_admin, task=task, value="3", witness_name="丙", witness_department=wsjk)
    # 甲 and 乙 were typed by the operator for the operator's own department: they do not count.
    with pytest.raises(ValidationError, match="两个部门"):
        services.task_draw(actor=scjg_admin, task=task)
    services.witness_input_add(actor=witness, task=task, value="4")
    services.task_draw(actor=scjg_admin, task=task)
    assert Task.objects.get(pk=task.pk).status == Task.Status.DRAWN


def test_freeze_and_announce_only_once(make_task, scjg_admin):
    task = _announced(make_task(), scjg_admin)
    secret = task.draw.server_secret
    with pytest.raises(ValidationError):
        services.task_freeze(actor=scjg_admin, task=task)
    with pytest.raises(ValidationError):
        services.task_announce(actor=scjg_admin, task=task)
    assert Task.objects.get(pk=task.pk).draw.server_secret == secret
