"""Issue 11, item 5: a ceremony cannot fail after it has gone public. Freezing checks that the
teams can be filled whatever the seed (engine.match_feasibility) and stores the result with the
cap that would make it so; announcing is refused while it is not; the task form proposes a cap
from the pool and the roster instead of a fixed 5; a draft or frozen task can be edited (the old
freeze discarded, on record). Through the pages, as a new operator would do it."""

import hashlib
import random

import pytest
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services
from spotcheck.draws.models import Draw, FrozenPool, FrozenStratum, Task
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Inspector
from tests.factories import InspectorFactory, RecusalFactory, add_objects
from tests.task_form import form_fields

S = Task.Status
pytestmark = pytest.mark.usefixtures("scjg", "wsjk")


def url(name, task=None):
    return reverse(f"draws:{name}", args=[task.pk] if task is not None else [])


@pytest.fixture
def demo_like(entry, towns, scjg):
    """The demo's shape: a published entry over many more objects than the five inspectors
    (two of whom may lead) can visit five times each."""
    add_objects(towns, scjg, 60)
    return entry


def form_defaults(client, entry) -> dict:
    """The create form as it comes, every field with its proposed value."""
    return form_fields(client.get(url("create"), {"entry": entry.pk}).content.decode())


def create(client, entry, data) -> Task:
    response = client.post(f"{url('create')}?entry={entry.pk}", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Task.objects.order_by("-pk").first()


def witnesses_and_draw(client, task):
    scjg, wsjk = task.lead_department, type(task.lead_department).objects.get(code="WSJK")
    for name, department, value in (("钱见证", scjg, "3-5-2"), ("孙见证", wsjk, "6 1 4")):
        data = {"value": value, "witness_name": name, "witness_department": department.pk}
        assert client.post(url("witness_add", task), data).status_code == 302
    return client.post(url("draw", task), follow=True).content.decode()


def test_the_old_default_cap_is_refused_at_the_notice_and_the_task_is_fixed_before_going_public(
    login, scjg_admin, demo_like
):
    client = login(scjg_admin)
    data = form_defaults(client, demo_like) | {"max_visits_per_inspector": "5"}  # the old fixed default
    task = create(client, demo_like, data)
    assert client.post(url("freeze", task)).status_code == 302
    check = Draw.objects.get(task=task).match_check
    assert check["feasible"] is False and check["suggested_cap"] > 5
    suggested = check["suggested_cap"]
    page = client.get(url("detail", task)).content.decode()
    assert "不能发布任务公告" in page and f"请将任务上限调整为 {suggested} 后重新冻结" in page

    response = client.post(url("announce", task), follow=True)
    body = response.content.decode()
    assert "岗位“主检”、“协检”在最不利的情况下可能配不齐检查人员（每名检查人员的任务上限为 5）" in body
    assert f"请将任务上限调整为 {suggested} 后重新冻结" in body
    task.refresh_from_db()
    assert task.status == S.FROZEN and task.announced_at is None and Draw.objects.get(task=task).commitment == ""

    # The page's link: the edit form with the suggested cap, which unfreezes (on record).
    edit = client.get(url("edit", task), {"cap": suggested}).content.decode()
    assert f'value="{suggested}"' in edit and "保存修改将解除冻结" in edit
    old_digest = Draw.objects.get(task=task).input_digest
    form = form_fields(edit)  # the task's own values, the suggested cap
    assert form["max_visits_per_inspector"] == str(suggested) and form["slots-0-name"] == "主检"
    assert client.post(url("edit", task), form).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.max_visits_per_inspector, task.frozen_at) == (S.DRAFT, suggested, None)
    assert not Draw.objects.filter(task=task).exists() and not FrozenPool.objects.filter(task=task).exists()
    assert not FrozenStratum.objects.filter(task=task).exists()
    unfreeze = AuditEntry.objects.get(action="draws.task.unfreeze")
    assert unfreeze.before["input_digest"] == old_digest and unfreeze.after["status"] == "draft"
    assert AuditEntry.objects.filter(action="draws.task.update").exists()

    assert client.post(url("freeze", task)).status_code == 302
    assert Draw.objects.get(task=task).match_check["feasible"] is True
    assert "无论随机种子如何都能配齐检查组" in client.get(url("detail", task)).content.decode()
    assert client.post(url("announce", task)).status_code == 302
    body = witnesses_and_draw(client, task)
    assert "匹配失败" not in body and "已揭晓服务器密钥并完成抽取" in body
    assert Task.objects.get(pk=task.pk).status == S.DRAWN


def test_the_forms_proposed_cap_announces_and_draws(login, scjg_admin, demo_like):
    client = login(scjg_admin)
    data = form_defaults(client, demo_like)
    proposed = int(data["max_visits_per_inspector"])
    assert proposed > 5
    task = create(client, demo_like, data)
    assert task.max_visits_per_inspector == proposed
    client.post(url("freeze", task))
    assert Draw.objects.get(task=task).match_check["feasible"] is True
    assert client.post(url("announce", task)).status_code == 302
    assert Task.objects.get(pk=task.pk).status == S.ANNOUNCED
    body = witnesses_and_draw(client, task)
    assert "匹配失败" not in body
    task = Task.objects.get(pk=task.pk)
    assert task.status == S.DRAWN and task.match_failed_at is None


def test_the_proposed_cap_counts_the_exclusions_the_freeze_will_find(
    login, scjg_admin, demo_like, objects, scjg, food_qual
):
    # Eight may lead; four of them are recused from one object of the pool. A proposal blind to
    # recusals (and to the last visit's team) offered a cap the freeze then found too low.
    for n in range(6):
        InspectorFactory(department=scjg, can_lead=True, name=f"增援检查员{n}").qualifications.set([food_qual])
    client = login(scjg_admin)
    unrecused = int(form_defaults(client, demo_like)["max_visits_per_inspector"])
    leaders = list(Inspector.objects.filter(department=scjg, can_lead=True)[:4])
    for person in leaders:
        RecusalFactory(inspector=person, inspection_object=objects[0])
    data = form_defaults(client, demo_like)
    proposed = int(data["max_visits_per_inspector"])
    assert proposed > unrecused
    task = create(client, demo_like, data)
    client.post(url("freeze", task))
    check = Draw.objects.get(task=task).match_check
    assert check["feasible"] is True and check["suggested_cap"] <= proposed


def test_a_feasible_task_announces_and_draws_as_before(login, scjg_admin, make_task):
    client = login(scjg_admin)
    task = make_task()  # 4 targets, a cap of 4: never binds
    client.post(url("freeze", task))
    check = Draw.objects.get(task=task).match_check
    assert check["feasible"] is True and check["targets"] == 4
    assert client.post(url("announce", task)).status_code == 302
    assert "已揭晓服务器密钥并完成抽取" in witnesses_and_draw(client, task)


def test_recusals_that_leave_a_slot_empty_are_found_at_the_freeze(
    login, scjg_admin, make_task, objects, scjg_inspectors
):
    # Both inspectors who may lead are recused from one object: no cap can fill its 主检.
    for person in scjg_inspectors[:2]:
        RecusalFactory(inspector=person, inspection_object=objects[1])
    client = login(scjg_admin)
    task = make_task(max_visits_per_inspector=12)
    client.post(url("freeze", task))
    check = Draw.objects.get(task=task).match_check
    assert check["feasible"] is False and check["suggested_cap"] is None
    assert [row["slot"] for row in check["slots"] if not row["ok"]] == ["主检"]
    body = client.post(url("announce", task), follow=True).content.decode()
    assert "提高任务上限也无法解决" in body
    assert Task.objects.get(pk=task.pk).status == S.FROZEN


def test_unfreezing_and_editing_stop_at_the_notice(login, scjg_admin, scjg_inspector, make_task):
    client = login(scjg_admin)
    task = make_task()
    client.post(url("freeze", task))
    first = Draw.objects.get(task=task).pk
    assert client.post(url("unfreeze", task)).status_code == 302
    assert Task.objects.get(pk=task.pk).status == S.DRAFT and not Draw.objects.filter(pk=first).exists()
    assert AuditEntry.objects.filter(action="draws.task.unfreeze").count() == 1
    client.post(url("freeze", task))
    client.post(url("announce", task))
    assert client.post(url("unfreeze", task)).status_code == 302  # refused with a message
    assert Task.objects.get(pk=task.pk).status == S.ANNOUNCED
    response = client.get(url("edit", task), follow=True)
    assert "任务公告发布后不能再修改任务" in response.content.decode()
    with pytest.raises(Exception, match="当前状态"):
        services.task_update(actor=scjg_admin, task=task, max_visits_per_inspector=9)
    # Read-only roles may not edit or unfreeze.
    other = make_task()
    reader = login(scjg_inspector)
    assert reader.get(url("edit", other)).status_code == 403
    assert reader.post(url("unfreeze", other)).status_code == 403


def test_the_check_is_never_wrong_about_a_feasible_match():
    """Whatever the seed and the drawn targets, a match the check calls feasible succeeds."""
    rng = random.Random(11)
    tried = 0
    for case in range(400):
        depts = ["A", "B"][: rng.randint(1, 2)]
        roster = [
            {"id": f"p{n}", "dept": rng.choice(depts), "quals": sorted(q for q in ("q", "lead") if rng.random() < 0.5)}
            for n in range(rng.randint(2, 9))
        ]
        slots = [
            {
                "name": f"s{n}",
                "dept": rng.choice(depts),
                "quals": sorted(q for q in ("q", "lead") if rng.random() < 0.3),
            }
            for n in range(rng.randint(2, 4))
        ]
        pool = [f"t{n:02d}" for n in range(rng.randint(1, 12))]
        pairs = sorted({(rng.choice(pool), rng.choice(roster)["id"]) for _ in range(rng.randint(0, 6))})
        count = rng.randint(1, len(pool))
        cap = engine.match_feasibility(count, slots, roster, pairs, 1)["suggested_cap"]
        if cap is None:
            continue
        assert engine.match_feasibility(count, slots, roster, pairs, cap)["feasible"]
        for k in range(10):
            seed = hashlib.sha256(f"{case}-{k}".encode()).hexdigest()
            engine.match_inspectors(rng.sample(pool, count), slots, roster, pairs, cap, seed)  # never raises
            tried += 1
    assert tried > 1000


def test_the_api_shows_the_check_refuses_the_notice_and_unfreezes(login, scjg_admin, scjg_inspector, make_task):
    task = make_task(max_visits_per_inspector=1)
    client = login(scjg_admin)
    api = f"/api/v1/tasks/{task.pk}/"
    body = client.post(api + "freeze/", content_type="application/json").json()
    check = body["draw"]["match_check"]
    assert (check["feasible"], check["targets"], check["cap"], check["suggested_cap"]) == (False, 4, 1, 4)
    assert {row["slot"]: row["needed_cap"] for row in check["slots"]} == {"主检": 4, "协检": 2}
    response = client.post(api + "announce/", content_type="application/json")
    assert response.status_code == 400 and "请将任务上限调整为 4 后重新冻结" in response.json()["detail"][0]
    assert login(scjg_inspector).post(api + "unfreeze/", content_type="application/json").status_code == 403
    client = login(scjg_admin)
    body = client.post(api + "unfreeze/", content_type="application/json").json()
    assert (body["status"], body["draw"], body["pool"]) == ("draft", None, None)
