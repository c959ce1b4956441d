"""Issue 11, item 2: a witness is one person. Typed names are normalised (NFKC, invisible
characters removed, white space collapsed) and distinct within a task; a typed name equal to a
witness user's name is refused (that user enters their own input); the operator who typed an
input is recorded; and the two-departments rule of a joint task counts only witnesses who
entered their own input or whose department is not the operator's. Through the pages and the
API, as the operator would do it."""

import pytest
from django.urls import reverse

from spotcheck.draws import services
from spotcheck.draws.models import Task, WitnessInput
from tests.factories import MembershipFactory, UserFactory, task_kwargs

pytestmark = pytest.mark.usefixtures("scjg", "wsjk")


def page(name, task):
    return reverse(f"draws:{name}", args=[task.pk])


def api(task, step):
    return f"/api/v1/tasks/{task.pk}/{step}/"


def announced(client, task):
    for step in ("freeze", "announce"):
        assert client.post(page(step, task)).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.ANNOUNCED
    return task


def type_witness(client, task, name, department, value="1-2-3"):
    """The operator types a named witness's input on the task page (htmx: the block comes back)."""
    data = {"value": value, "witness_name": name, "witness_department": department.pk}
    return client.post(page("witness_add", task), data, HTTP_HX_REQUEST="true").content.decode()


@pytest.mark.parametrize(
    "again",
    ["钱\u200b见证", " 钱见证\u3000", "\ufeff钱\u200d见证", "钱\u00ad见证", "钱见证\u200e"],
)
def test_the_same_name_with_invisible_characters_or_spaces_is_the_same_witness(
    login, scjg_admin, scjg, wsjk, make_task, again
):
    client = login(scjg_admin)
    task = announced(client, make_task())
    type_witness(client, task, "钱见证", scjg)
    body = type_witness(client, task, again, wsjk, value="4-5-6")
    assert "见证人“钱见证”已经录入过输入。" in body
    assert list(task.witness_inputs.values_list("witness_name", flat=True)) == ["钱见证"]


def test_a_typed_name_is_stored_normalised_with_who_typed_it(login, scjg_admin, scjg, make_task):
    client = login(scjg_admin)
    task = announced(client, make_task())
    type_witness(client, task, " 吴\u200b  见证 ", scjg)
    (row,) = task.witness_inputs.all()
    assert (row.witness_name, row.witness_user, row.entered_by) == ("吴 见证", None, scjg_admin)


def test_a_typed_name_equal_to_a_witness_users_name_is_refused(login, scjg_admin, scjg, wsjk, witness, make_task):
    client = login(scjg_admin)
    task = announced(client, make_task())
    # "见证人 钱见证" is the witness persona's full name; full-width space and a zero-width space.
    body = type_witness(client, task, "见证人\u3000钱\u200b见证", wsjk)
    assert "“见证人 钱见证”是本平台的见证人账号，请由其本人登录录入见证人输入。" in body
    assert not task.witness_inputs.exists()
    # Through the API too, and also after the witness has entered their own.
    own = login(witness).post(api(task, "witnesses"), {"value": "9"}, content_type="application/json")
    assert own.status_code == 201
    client = login(scjg_admin)
    response = client.post(
        api(task, "witnesses"),
        {"value": "8", "witness_name": "见证人 钱见证", "witness_department": "WSJK"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"witness_name": ["“见证人 钱见证”是本平台的见证人账号，请由其本人登录录入见证人输入。"]}
    assert task.witness_inputs.count() == 1


def test_a_witness_of_another_region_or_a_former_witness_does_not_block_a_name(login, scjg_admin, scjg, make_task):
    former = UserFactory(username="former", full_name="冯见证")
    MembershipFactory(user=former, department=scjg, role="witness", is_active=False)
    client = login(scjg_admin)
    task = announced(client, make_task())
    type_witness(client, task, "冯见证", scjg)
    assert list(task.witness_inputs.values_list("witness_name", flat=True)) == ["冯见证"]


@pytest.fixture
def joint(scjg_admin, scjg, wsjk, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors):
    slots = [*task_kwargs()["slots"], {"name": "卫健检查", "dept": "WSJK", "quals": []}]
    return services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        items=[food_item, health_item],
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        **task_kwargs(title="联合抽查", slots=slots, max_visits_per_inspector=12),
    )


def test_the_operator_alone_cannot_meet_the_two_departments_rule(login, scjg_admin, scjg, wsjk, joint):
    client = login(scjg_admin)
    task = announced(client, joint)
    # Three named witnesses, two of them typed for the operator's own department: only the
    # 卫健 one counts, so the joint draw is refused.
    type_witness(client, task, "赵见证", scjg, "1")
    type_witness(client, task, "钱见证", scjg, "2")
    type_witness(client, task, "孙见证", wsjk, "3")
    response = client.post(page("draw", task), follow=True)
    assert "联合抽查任务的见证人至少应来自两个部门" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == Task.Status.ANNOUNCED


def test_a_witness_entering_their_own_input_counts_for_the_operators_department(
    login, scjg_admin, scjg, wsjk, witness, joint
):
    client = login(scjg_admin)
    task = announced(client, joint)
    assert login(witness).post(page("witness_add", task), {"value": "1-2-3"}).status_code == 302
    client = login(scjg_admin)
    type_witness(client, task, "孙见证", wsjk, "4")
    response = client.post(page("draw", task), follow=True)
    assert "已揭晓服务器密钥并完成抽取" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == Task.Status.DRAWN
    rows = WitnessInput.objects.filter(task=task).order_by("position")
    assert [(w.witness_user, w.entered_by) for w in rows] == [(witness, witness), (None, scjg_admin)]


def test_an_operator_of_the_other_department_typing_does_not_count_for_it(
    login, scjg_admin, wsjk_admin, scjg, wsjk, joint
):
    """The coordinator (of 市场监管) types one witness of 卫健 and one of 市场监管: the 市场监管
    one is the operator's own department, so only one department counts."""
    coordinator = UserFactory(username="coord2", full_name="联席办 郑协调")
    MembershipFactory(user=coordinator, department=scjg, role="coordinator")
    client = login(coordinator)
    task = announced(client, joint)
    type_witness(client, task, "甲见证", scjg, "1")
    type_witness(client, task, "乙见证", wsjk, "2")
    response = client.post(page("draw", task), follow=True)
    assert "联合抽查任务的见证人至少应来自两个部门" in response.content.decode()
