"""Who reads the directory and the roster (issue 11, item 4). A witness is often an outsider
(the demo's is a 人大代表): it sees the tasks it witnesses and what the public sees, nothing more.
An inspector reads the directory (its visits need it) but exports nothing, and nobody but the
inspector's own department admins sees an inspector's phone number or the reason of their
availability. Read through real HTTP, pages and API."""

import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.inspectors import services as inspectors
from tests.factories import InspectorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
LEAVE_REASON = "因家中老人住院请假照护"


@pytest.fixture
def officer(scjg):
    return InspectorFactory(department=scjg, name="张执法", phone=PHONE)


@pytest.fixture
def officer_on_leave(officer, scjg_admin):
    return inspectors.inspector_set_availability(
        actor=scjg_admin,
        inspector=officer,
        availability="on_leave",
        available_from=timezone.localdate(),
        reason=LEAVE_REASON,
    )


def _witness_urls(obj, officer):
    return [
        reverse("directory:list"),
        reverse("directory:detail", args=[obj.pk]),
        reverse("inspectors:list"),
        reverse("inspectors:detail", args=[officer.pk]),
        "/api/v1/objects/",
        f"/api/v1/objects/{obj.public_code}/",
        "/api/v1/inspectors/",
        f"/api/v1/inspectors/{officer.pk}/",
        "/imports/export/objects/",
        "/imports/export/objects/?format=csv",
        "/imports/export/inspectors/",
        "/imports/export/items/",
    ]


def test_witness_gets_404_on_the_directory_the_roster_and_the_exports(login, witness, obj, officer):
    client = login(witness)
    before = AuditEntry.objects.count()
    for url in _witness_urls(obj, officer):
        response = client.get(url)
        assert response.status_code == 404, url
        assert PHONE not in response.content.decode(), url
    # Nothing was exported, so nothing was audited as an export.
    assert not AuditEntry.objects.filter(seq__gt=before, action__endswith=".export").exists()


def test_witness_menu_offers_neither_directory_nor_roster(login, witness):
    body = login(witness).get(reverse("web:home")).content.decode()
    assert reverse("directory:list") not in body and reverse("inspectors:list") not in body


def test_a_witness_who_is_also_staff_elsewhere_reads_only_that_departments_roster(login, scjg, wsjk, officer):
    user = UserFactory(username="witness_and_wsjk_inspector")
    MembershipFactory(user=user, department=scjg, role="witness")
    MembershipFactory(user=user, department=wsjk, role="inspector")
    wsjk_officer = InspectorFactory(department=wsjk, name="李卫监")
    client = login(user)
    assert client.get(reverse("inspectors:detail", args=[officer.pk])).status_code == 404
    assert client.get(reverse("inspectors:detail", args=[wsjk_officer.pk])).status_code == 200
    names = [row["name"] for row in client.get("/api/v1/inspectors/").json()["results"]]
    assert names == ["李卫监"]


@pytest.mark.parametrize("persona", ["scjg_inspector", "scjg_approver", "coordinator", "auditor"])
def test_phone_and_availability_reason_are_not_for_other_roles(request, login, persona, officer_on_leave):
    client = login(request.getfixturevalue(persona))
    for url in (reverse("inspectors:list"), reverse("inspectors:detail", args=[officer_on_leave.pk])):
        body = client.get(url).content.decode()
        assert PHONE not in body and LEAVE_REASON not in body, url
    data = client.get(f"/api/v1/inspectors/{officer_on_leave.pk}/").json()
    assert data["phone"] is None and data["availability_reason"] is None
    listed = client.get("/api/v1/inspectors/").json()["results"]
    assert PHONE not in str(listed) and LEAVE_REASON not in str(listed)


def test_department_admin_sees_phone_and_availability_reason(login, scjg_admin, officer_on_leave):
    client = login(scjg_admin)
    body = client.get(reverse("inspectors:detail", args=[officer_on_leave.pk])).content.decode()
    assert PHONE in body and LEAVE_REASON in body
    data = client.get(f"/api/v1/inspectors/{officer_on_leave.pk}/").json()
    assert (data["phone"], data["availability_reason"]) == (PHONE, LEAVE_REASON)


def test_coordinator_edits_an_inspector_without_seeing_or_losing_the_phone(login, coordinator, officer):
    client = login(coordinator)
    url = reverse("inspectors:edit", args=[officer.pk])
    response = client.get(url)
    assert PHONE not in response.content.decode()
    data = {k: v for k, v in response.context["form"].initial.items() if v not in (None, "")}
    data["post"] = "一级主办"
    assert client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert (officer.post, officer.phone) == ("一级主办", PHONE)


def test_inspector_reads_the_directory_but_does_not_export_it(login, scjg_inspector, obj):
    client = login(scjg_inspector)
    assert client.get(reverse("directory:list")).status_code == 200
    assert client.get(reverse("directory:detail", args=[obj.pk])).status_code == 200
    before = AuditEntry.objects.count()
    assert client.get("/imports/export/objects/").status_code == 403
    assert client.get("/imports/export/inspectors/").status_code == 403
    assert not AuditEntry.objects.filter(seq__gt=before, action__endswith=".export").exists()
    assert "/imports/export/objects/" not in client.get(reverse("directory:list")).content.decode()


def test_witness_reads_published_plans_only(login, witness, draft_plan, scjg_admin):
    """A department's plan in the making is not public: a witness-only user reads a plan once
    it is published, as the portal shows it."""
    from spotcheck.planning import services as planning

    client = login(witness)
    assert client.get(reverse("planning:detail", args=[draft_plan.pk])).status_code == 404
    assert client.get(f"/api/v1/plans/{draft_plan.pk}/").status_code == 404
    assert client.get("/api/v1/plans/").json()["results"] == []
    planning.plan_create(actor=scjg_admin, year=2028, title="2028年度抽查计划", department=draft_plan.department)
    assert [p.title for p in client.get(reverse("planning:list")).context["plans"]] == []


def test_witness_reads_a_published_plan(login, witness, published_plan):
    client = login(witness)
    assert client.get(reverse("planning:detail", args=[published_plan.pk])).status_code == 200
    assert [p["title"] for p in client.get("/api/v1/plans/").json()["results"]] == [published_plan.title]


def test_witness_reads_published_items_only(login, witness, scjg_admin, scjg, scjg_item):
    """The item list is public once published; a department's drafts are not for a witness."""
    from tests.factories import make_item

    draft = make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAFT", name="尚在起草的事项")
    client = login(witness)
    assert client.get(reverse("catalog:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("catalog:detail", args=[scjg_item.pk])).status_code == 200
    assert "尚在起草的事项" not in client.get(reverse("catalog:list")).content.decode()


# ----------------------------------------------------------------- the tasks a witness witnesses


@pytest.fixture
def tasks_by_stage(make_task, run_ceremony, scjg_admin, wsjk, witness):
    """市场监管's tasks at each stage, in windows of their own (none redraws another): a draft, a
    frozen task, an announced one waiting for witnesses, one drawn without the witness user and
    one drawn with its own input."""
    from spotcheck.draws import services as draws
    from tests.factories.draws import later_window

    draft = make_task(title="草稿任务")
    frozen = draws.task_freeze(actor=scjg_admin, task=make_task(title="已冻结任务", **later_window(1)))
    announced = make_task(title="待见证任务", **later_window(2))
    draws.task_freeze(actor=scjg_admin, task=announced)
    draws.task_announce(actor=scjg_admin, task=announced)
    drawn_without = run_ceremony(make_task(title="他人见证任务", **later_window(3)))
    witnessed = make_task(title="本人见证任务", **later_window(4))
    draws.task_freeze(actor=scjg_admin, task=witnessed)
    draws.task_announce(actor=scjg_admin, task=witnessed)
    draws.witness_input_add(actor=witness, task=witnessed, value="3-5-2")
    draws.witness_input_add(
        actor=scjg_admin, task=witnessed, value="6 1 4", witness_name="孙见证", witness_department=wsjk
    )
    draws.task_draw(actor=scjg_admin, task=witnessed)
    witnessed.refresh_from_db()
    return {
        "draft": draft,
        "frozen": frozen,
        "announced": announced,
        "drawn_without": drawn_without,
        "witnessed": witnessed,
    }


def _task_urls(task):
    return [
        reverse("draws:detail", args=[task.pk]),
        reverse("draws:witnesses", args=[task.pk]),
        reverse("draws:record", args=[task.pk]),
        f"/api/v1/tasks/{task.pk}/",
        f"/api/v1/tasks/{task.pk}/pool/",
        f"/api/v1/tasks/{task.pk}/visits/",
        f"/api/v1/tasks/{task.pk}/record/",
    ]


def test_witness_reads_only_the_tasks_it_witnesses(login, witness, tasks_by_stage):
    """A witness-only user reads the tasks waiting for its input and those it entered input
    for; a draft, a frozen task or a task drawn without it is a 404, pages and API alike."""
    client = login(witness)
    for stage in ("draft", "frozen", "drawn_without"):
        task = tasks_by_stage[stage]
        for url in _task_urls(task):
            assert client.get(url).status_code == 404, (stage, url)
    assert client.get(reverse("draws:detail", args=[tasks_by_stage["announced"].pk])).status_code == 200
    assert client.get(reverse("draws:detail", args=[tasks_by_stage["witnessed"].pk])).status_code == 200
    assert client.get(f"/api/v1/tasks/{tasks_by_stage['witnessed'].pk}/record/").status_code == 200
    listed = {t.title for t in client.get(reverse("draws:list")).context["tasks"]}
    assert listed == {"待见证任务", "本人见证任务"}
    api = {row["title"] for row in client.get("/api/v1/tasks/").json()["results"]}
    assert api == {"待见证任务", "本人见证任务"}


def test_a_witness_enters_input_on_an_announced_task_it_reads(login, witness, tasks_by_stage):
    client = login(witness)
    task = tasks_by_stage["announced"]
    assert client.post(reverse("draws:witness_add", args=[task.pk]), {"value": "1-2-3"}).status_code == 302
    assert task.witness_inputs.get().witness_user == witness


def test_department_staff_still_read_every_task_of_their_department(login, scjg_inspector, tasks_by_stage):
    client = login(scjg_inspector)
    for task in tasks_by_stage.values():
        assert client.get(reverse("draws:detail", args=[task.pk])).status_code == 200, task.title


def test_a_witness_who_is_staff_elsewhere_keeps_its_staff_reads_there(
    login, scjg, wsjk, wsjk_admin, health_item, tasks_by_stage
):
    """A witness of 市场监管 who is an inspector of 卫健 reads 卫健's drafts, not 市场监管's."""
    from spotcheck.draws import services as draws
    from tests.factories.draws import task_kwargs

    user = UserFactory(username="witness_and_wsjk_inspector")
    MembershipFactory(user=user, department=scjg, role="witness")
    MembershipFactory(user=user, department=wsjk, role="inspector")
    slots = [{"name": "检查", "dept": "WSJK", "quals": []}, {"name": "协检", "dept": "WSJK", "quals": []}]
    wsjk_draft = draws.task_create(
        actor=wsjk_admin,
        lead_department=wsjk,
        items=[health_item],
        **task_kwargs(title="卫健草稿", slots=slots, lead_slot="检查"),
    )
    client = login(user)
    assert client.get(reverse("draws:detail", args=[wsjk_draft.pk])).status_code == 200
    assert client.get(reverse("draws:detail", args=[tasks_by_stage["draft"].pk])).status_code == 404
    assert client.get(reverse("draws:detail", args=[tasks_by_stage["announced"].pk])).status_code == 200
    listed = {t.title for t in client.get(reverse("draws:list")).context["tasks"]}
    assert listed == {"卫健草稿", "待见证任务"}


def test_imports_and_merges_are_closed_to_a_witness(login, witness):
    client = login(witness)
    for url in (
        reverse("imports:list"),
        reverse("imports:template", args=["objects"]),
        reverse("inspections:merges"),
    ):
        assert client.get(url).status_code == 404, url


def test_witness_home_and_menu_show_what_it_can_open(login, witness, tasks_by_stage):
    body = login(witness).get(reverse("web:home")).content.decode()
    assert reverse("imports:list") not in body and reverse("inspections:merges") not in body
    announced = tasks_by_stage["announced"]
    assert reverse("draws:detail", args=[announced.pk]) in body and "待见证任务" in body
    # Its own input is in: that task no longer waits for it.
    assert reverse("draws:detail", args=[tasks_by_stage["witnessed"].pk]) not in body


def test_of_a_task_it_witnesses_a_witness_sees_what_the_public_sees(login, witness, scjg_admin, tasks_by_stage):
    """The targets once the list is public, as the portal shows them; not the teams (the
    inspectors), nor the pool's members and exclusions (who was left out, and why)."""
    task = tasks_by_stage["witnessed"]
    assert task.list_published_at is not None
    target = task.visits.select_related("inspection_object").first()
    client = login(witness)
    body = client.get(reverse("draws:detail", args=[task.pk]), {"pool_stratum": "一般"}).content.decode()
    assert target.public_id in body and target.inspection_object.name in body
    assert "市场检查员" not in body and "对象库说明" not in body and "各分层的对象" not in body
    assert client.get(f"/api/v1/tasks/{task.pk}/pool/").status_code == 403
    rows = client.get(f"/api/v1/tasks/{task.pk}/visits/").json()["results"]
    assert rows and target.public_id in {r["public_id"] for r in rows}
    assert "市场检查员" not in str(rows) and all("team" not in r for r in rows)
    # The department's staff see it all.
    staff = login(scjg_admin)
    assert "市场检查员" in staff.get(reverse("draws:detail", args=[task.pk])).content.decode()
    assert staff.get(f"/api/v1/tasks/{task.pk}/pool/").status_code == 200


def test_a_witness_sees_no_targets_before_the_list_is_public(login, witness, scjg_admin, tasks_by_stage):
    from spotcheck.draws.models import Task

    task = tasks_by_stage["witnessed"]
    Task.objects.filter(pk=task.pk).update(list_published_at=None)  # as for 检查结束后公布名单
    target = task.visits.first()
    client = login(witness)
    assert target.public_id not in client.get(reverse("draws:detail", args=[task.pk])).content.decode()
    assert client.get(f"/api/v1/tasks/{task.pk}/visits/").status_code == 403
