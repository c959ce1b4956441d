"""No redraw by cancelling (issue 11, item 1): a task made for a plan entry (or with the same
scope and items, same department) that already had a drawn task overlapping its window names the
cancelled task and a reason, and waits for the coordinator's approval (four eyes) before it can
be frozen; the portal links both tasks and counts redraws per department and year."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services
from spotcheck.draws.models import Task
from tests.factories import MembershipFactory, UserFactory, publish_entry
from tests.task_form import slot_rows

pytestmark = pytest.mark.usefixtures("scjg", "wsjk")

R = Task.RedrawStatus
SLOTS = [
    {"name": "主检", "dept": "SCJG", "quals": ["draws_food"]},
    {"name": "协检", "dept": "SCJG", "quals": []},
]
API = "/api/v1/tasks/"


def _from_entry(entry, actor, **overrides):
    kwargs = {
        "slots": SLOTS,
        "lead_slot": "主检",
        "max_visits_per_inspector": 4,
        "list_publication": "with_notice",
    } | overrides
    return services.task_create_from_entry(actor=actor, entry=entry, **kwargs)


def _form(**overrides):
    return (
        {
            "title": "",
            "window_start": "2026-03-01",
            "window_end": "2026-06-30",
            "max_visits_per_inspector": "4",
            "list_publication": "with_notice",
            "exclude_last_inspector": "on",
        }
        | slot_rows(SLOTS, "主检")
        | overrides
    )


def _create_url(entry):
    return f"{reverse('draws:create')}?entry={entry.pk}"


@pytest.fixture
def cancelled(entry, scjg_admin, run_ceremony):
    """A task of the entry, drawn and then cancelled."""
    task = run_ceremony(_from_entry(entry, scjg_admin))
    return services.task_cancel(actor=scjg_admin, task=task, reason="抽取名单有误")


@pytest.fixture
def redraw(entry, scjg_admin, cancelled):
    return _from_entry(entry, scjg_admin, replaces=cancelled, redraw_reason="原任务检查组岗位设置错误")


@pytest.fixture
def coordinator2(scjg):
    user = UserFactory(username="coordinator2", full_name="联席办 吴协调")
    MembershipFactory(user=user, department=scjg, role="coordinator")
    return user


# ------------------------------------------------------------------------------- creating


def test_recreating_without_naming_the_cancelled_task_is_refused(login, scjg_admin, entry, cancelled):
    response = login(scjg_admin).post(_create_url(entry), _form())
    assert response.status_code == 200
    body = response.content.decode()
    assert cancelled.code in body and "重新抽取" in body
    assert Task.objects.count() == 1
    # The form now offers the cancelled task and asks for the reason.
    assert "redraw_reason" in body and f'value="{cancelled.pk}"' in body


def test_without_a_reason_the_redraw_is_refused(login, scjg_admin, entry, cancelled):
    response = login(scjg_admin).post(_create_url(entry), _form(replaces=cancelled.pk, redraw_reason=" "))
    assert response.status_code == 200
    assert "请填写重新抽取原因" in response.content.decode()
    assert Task.objects.count() == 1


def test_a_redraw_names_the_cancelled_task_and_waits_for_approval(login, scjg_admin, entry, cancelled):
    response = login(scjg_admin).post(
        _create_url(entry), _form(replaces=cancelled.pk, redraw_reason="原任务检查组岗位设置错误")
    )
    task = Task.objects.exclude(pk=cancelled.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("draws:detail", args=[task.pk])
    assert task.replaces == cancelled and task.redraw_reason == "原任务检查组岗位设置错误"
    assert task.redraw_status == R.REQUESTED and task.status == Task.Status.DRAFT
    entry_ = AuditEntry.objects.get(action="draws.task.create", target_id=str(task.pk))
    assert entry_.after["replaces_id"] == cancelled.pk and entry_.after["redraw_status"] == R.REQUESTED
    page = login(scjg_admin).get(reverse("draws:detail", args=[task.pk])).content.decode()
    assert "待联席办批准" in page and cancelled.code in page


def test_the_earlier_task_must_be_cancelled_not_just_drawn(entry, scjg_admin, run_ceremony):
    drawn = run_ceremony(_from_entry(entry, scjg_admin))
    with pytest.raises(Exception) as refused:
        _from_entry(entry, scjg_admin)
    assert drawn.code in str(refused.value) and "取消" in str(refused.value)
    with pytest.raises(Exception) as refused:
        _from_entry(entry, scjg_admin, replaces=drawn, redraw_reason="重抽")
    assert drawn.code in str(refused.value) and "尚未取消" in str(refused.value)


def test_the_same_scope_and_items_without_an_entry_is_a_redraw_too(make_task, run_ceremony, scjg_admin):
    first = services.task_cancel(actor=scjg_admin, task=run_ceremony(make_task()), reason="名单有误")
    with pytest.raises(Exception) as refused:
        make_task()
    assert first.code in str(refused.value)
    task = make_task(replaces=first, redraw_reason="重新抽取")
    assert task.redraw_status == R.REQUESTED


def test_another_window_or_entry_is_not_a_redraw(
    entry, scjg_admin, scjg_approver, coordinator, scjg, food_item, run_ceremony
):
    first = run_ceremony(_from_entry(entry, scjg_admin, window_end=dt.date(2026, 4, 30)))
    services.task_cancel(actor=scjg_admin, task=first, reason="名单有误")
    later = _from_entry(entry, scjg_admin, window_start=dt.date(2026, 5, 1))
    assert later.replaces is None and later.redraw_status == ""
    other = publish_entry(
        actor=scjg_admin,
        approver=scjg_approver,
        coordinator=coordinator,
        department=scjg,
        items=[food_item.item],
        year=2027,
        window_start=dt.date(2027, 3, 1),
        window_end=dt.date(2027, 6, 30),
    )
    assert _from_entry(other, scjg_admin).redraw_status == ""


def test_a_task_cancelled_before_its_draw_is_no_redraw(entry, scjg_admin, run_ceremony):
    announced = run_ceremony(_from_entry(entry, scjg_admin), draw=False)
    services.task_cancel(actor=scjg_admin, task=announced, reason="匹配失败")
    assert _from_entry(entry, scjg_admin).redraw_status == ""


def test_naming_a_task_that_is_no_predecessor_is_refused(entry, scjg_admin, make_task):
    unrelated = services.task_cancel(actor=scjg_admin, task=make_task(title="别的任务"), reason="不需要")
    with pytest.raises(Exception) as refused:
        _from_entry(entry, scjg_admin, replaces=unrelated, redraw_reason="重抽")
    assert unrelated.code in str(refused.value)


# ------------------------------------------------------------------------------- approving


def test_a_redraw_cannot_be_frozen_before_approval(login, scjg_admin, redraw):
    client = login(scjg_admin)
    response = client.post(reverse("draws:freeze", args=[redraw.pk]), follow=True)
    assert "联席办" in response.content.decode() and "批准" in response.content.decode()
    assert Task.objects.get(pk=redraw.pk).status == Task.Status.DRAFT
    response = client.post(f"{API}{redraw.pk}/freeze/", content_type="application/json")
    assert response.status_code == 400
    assert Task.objects.get(pk=redraw.pk).status == Task.Status.DRAFT


def test_only_the_coordinator_approves(login, scjg_admin, wsjk_admin, redraw):
    assert login(scjg_admin).post(reverse("draws:redraw_approve", args=[redraw.pk])).status_code == 403
    assert login(wsjk_admin).post(reverse("draws:redraw_approve", args=[redraw.pk])).status_code == 404
    assert Task.objects.get(pk=redraw.pk).redraw_status == R.REQUESTED


def test_the_requester_cannot_approve(login, coordinator, coordinator2, entry, cancelled):
    task = _from_entry(entry, coordinator, replaces=cancelled, redraw_reason="协调员提出重新抽取")
    response = login(coordinator).post(reverse("draws:redraw_approve", args=[task.pk]), follow=True)
    assert "不能批准自己提出的重新抽取" in response.content.decode()
    assert Task.objects.get(pk=task.pk).redraw_status == R.REQUESTED
    login(coordinator2).post(reverse("draws:redraw_approve", args=[task.pk]))
    assert Task.objects.get(pk=task.pk).redraw_status == R.APPROVED


def test_the_coordinator_approves_and_the_ceremony_proceeds(login, coordinator, scjg_admin, redraw, run_ceremony):
    page = login(coordinator).get(reverse("draws:detail", args=[redraw.pk])).content.decode()
    assert reverse("draws:redraw_approve", args=[redraw.pk]) in page
    listing = login(coordinator).get(reverse("draws:list")).content.decode()
    assert "待批准的重新抽取" in listing and redraw.code in listing
    response = login(coordinator).post(reverse("draws:redraw_approve", args=[redraw.pk]))
    assert response.status_code == 302
    task = Task.objects.get(pk=redraw.pk)
    assert task.redraw_status == R.APPROVED and task.redraw_decided_by == coordinator
    assert AuditEntry.objects.filter(action="draws.task.redraw_approve", target_id=str(task.pk)).exists()
    assert run_ceremony(task).status == Task.Status.DRAWN


def test_the_coordinator_refuses_with_a_reason(login, coordinator, scjg_admin, redraw):
    client = login(coordinator)
    client.post(reverse("draws:redraw_refuse", args=[redraw.pk]), {"reason": ""})
    assert Task.objects.get(pk=redraw.pk).redraw_status == R.REQUESTED
    client.post(reverse("draws:redraw_refuse", args=[redraw.pk]), {"reason": "理由不充分"})
    task = Task.objects.get(pk=redraw.pk)
    assert task.redraw_status == R.REFUSED and task.redraw_decision_reason == "理由不充分"
    assert AuditEntry.objects.filter(action="draws.task.redraw_refuse", target_id=str(task.pk)).exists()
    with pytest.raises(Exception, match="批准"):
        services.task_freeze(actor=scjg_admin, task=task)


def test_the_api_asks_for_the_cancelled_task_and_the_coordinator_decides(
    login, scjg_admin, coordinator, entry, cancelled
):
    body = {"entry": entry.pk, "slots": SLOTS, "lead_slot": "主检", "max_visits_per_inspector": 4}
    client = login(scjg_admin)
    response = client.post(f"{API}from-entry/", body, content_type="application/json")
    assert response.status_code == 400 and cancelled.code in response.content.decode()
    body |= {"replaces": cancelled.code, "redraw_reason": "重新抽取"}
    response = client.post(f"{API}from-entry/", body, content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert data["replaces"] == cancelled.code and data["redraw_status"] == R.REQUESTED
    assert client.post(f"{API}{data['id']}/redraw-approve/", content_type="application/json").status_code == 403
    response = login(coordinator).post(f"{API}{data['id']}/redraw-approve/", content_type="application/json")
    assert response.status_code == 200 and response.json()["redraw_status"] == R.APPROVED


# --------------------------------------------------------------------------------- public


def test_the_portal_links_both_tasks_and_counts_redraws(
    public, login, coordinator, scjg_admin, redraw, cancelled, run_ceremony
):
    services.task_redraw_approve(actor=coordinator, task=redraw)
    task = run_ceremony(Task.objects.get(pk=redraw.pk))
    page = public.get(reverse("portal:task_detail", args=[task.code])).content.decode()
    assert f"重新抽取：原任务 {cancelled.code} 已取消，原因 原任务检查组岗位设置错误" in page
    assert reverse("portal:task_detail", args=[cancelled.code]) in page
    old = public.get(reverse("portal:task_detail", args=[cancelled.code]))
    assert old.status_code == 200
    old = old.content.decode()
    assert f"已被任务 {task.code} 重新抽取" in old and reverse("portal:task_detail", args=[task.code]) in old
    listing = public.get(reverse("portal:task_list")).content.decode()
    assert "重新抽取次数" in listing and "市场监管" in listing
    assert _count_cell(listing, "市场监管", 2026) == 1
    staff = login(coordinator).get(reverse("draws:list")).content.decode()
    assert "重新抽取次数" in staff and _count_cell(staff, "市场监管", 2026) == 1


def test_an_unannounced_redraw_is_not_public(public, redraw, cancelled):
    old = public.get(reverse("portal:task_detail", args=[cancelled.code])).content.decode()
    assert redraw.code not in old
    assert public.get(reverse("portal:task_detail", args=[redraw.code])).status_code == 404


def _count_cell(html: str, department: str, year: int) -> int:
    """The number in the redraw table's row of ``department`` and ``year``."""
    import re

    match = re.search(rf'<tr data-redraws="{department}-{year}">.*?<td class="num">(\d+)</td>', html, flags=re.S)
    assert match, html
    return int(match.group(1))


def test_a_large_redraw_is_refused_before_a_job_is_queued(login, scjg_admin, redraw, settings):
    from spotcheck.draws.models import CeremonyJob

    settings.SPOTCHECK_CEREMONY_JOB_OBJECTS = 1  # every pool goes to a background job
    response = login(scjg_admin).post(reverse("draws:freeze", args=[redraw.pk]), follow=True)
    assert "批准" in response.content.decode()
    assert not CeremonyJob.objects.filter(task=redraw).exists()


def test_only_approved_redraws_are_counted(login, coordinator, scjg_admin, redraw):
    from spotcheck.accounts.scope import scope_for
    from spotcheck.draws.selectors import redraw_counts, tasks_for_scope

    assert redraw_counts(tasks_for_scope(scope_for(scjg_admin))) == []
    services.task_redraw_approve(actor=coordinator, task=redraw)
    [row] = redraw_counts(tasks_for_scope(scope_for(scjg_admin)))
    assert (row.department, row.year, row.count) == ("市场监管", 2026, 1)
    assert "重新抽取次数" in login(scjg_admin).get(reverse("draws:list")).content.decode()


def test_the_coordinators_home_lists_the_redraws_to_approve(login, coordinator, scjg_admin, redraw):
    """Issue 12, item 6: the redraw is the coordinator's 待办, with a link to exactly it; the
    department admin who asked waits, and its draft is no draft of its to freeze."""
    client = login(coordinator)
    home = client.get("/work/").content.decode()
    assert "1 个重新抽取待批准" in home and f"{reverse('draws:list')}?step=redraw" in home
    listing = client.get(reverse("draws:list"), {"step": "redraw"}).content.decode()
    codes = re.findall(r'<td data-label="任务编号" class="mono">([^<]+)</td>', listing)
    assert set(codes) == {redraw.code}  # in the list, and in the table of redraws to approve
    admin_home = login(scjg_admin).get("/work/").content.decode()
    assert "重新抽取待批准" not in admin_home and "草稿，待冻结" not in admin_home
    services.task_redraw_approve(actor=coordinator, task=redraw)
    assert "重新抽取待批准" not in login(coordinator).get("/work/").content.decode()
    assert "草稿，待冻结" in login(scjg_admin).get("/work/").content.decode()
