"""The pages of 后续处置: the lists (open, overdue with its setting, 待处置, per department), an
item's page and its forms, the re-check form, the 抄告 inbox (only the target department), the
检查结果告知 print view — and their refusals and odd input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.draws.models import Visit
from spotcheck.followups import services
from spotcheck.followups.models import FollowUp, ReCheck
from tests.clock import clock_at
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.followups import make_result

pytestmark = pytest.mark.usefixtures("spring_2026")

Kind = FollowUp.Kind
LIST = reverse("followups:list")
INBOX = reverse("followups:inbox")


def _later(days):
    return timezone.localdate() + dt.timedelta(days=days)


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def rectify(scjg_inspector, problem_item):
    return services.followup_open(
        actor=scjg_inspector, item_result=problem_item, kind=Kind.RECTIFY, due_on=_later(10), note="限期公示年报"
    )


@pytest.fixture
def notice(scjg_inspector, problem_item, wsjk):
    return services.followup_open(
        actor=scjg_inspector, item_result=problem_item, kind=Kind.NOTIFY, target_department=wsjk, note="请关注"
    )


# ------------------------------------------------------------------------------------ lists


def test_a_problem_item_without_a_follow_up_is_pending(login, scjg_admin, problem_item):
    page = _page(login(scjg_admin), LIST, state="pending")
    assert reverse("followups:item", args=[problem_item.pk]) in page
    assert "待处置" in page
    services.followup_open(actor=scjg_admin, item_result=problem_item, kind=Kind.ROUTINE)
    page = _page(login(scjg_admin), LIST, state="pending")
    assert reverse("followups:item", args=[problem_item.pk]) not in page
    assert "没有待处置的问题事项" in page


def test_the_open_list_and_the_overdue_setting_shown(login, scjg_admin, rectify, settings):
    page = _page(login(scjg_admin), LIST)
    assert "责令改正" in page and rectify.item_result.visit_result.visit.inspection_object.name in page
    assert "超过 30 天仍未完结" in page
    settings.SPOTCHECK_FOLLOWUP_OVERDUE_DAYS = 45
    assert "超过 45 天仍未完结" in _page(login(scjg_admin), LIST)


def test_overdue_rectification_past_its_due_date(login, scjg_admin, rectify):
    item_url = reverse("followups:item", args=[rectify.item_result_id])
    assert item_url not in _page(login(scjg_admin), LIST, state="overdue")
    with clock_at(_later(11)):
        page = _page(login(scjg_admin), LIST, state="overdue")
        assert item_url in page and "超过整改期限" in page


def test_overdue_any_open_follow_up_older_than_the_setting(login, scjg_admin, problem_item, settings):
    routine = services.followup_open(actor=scjg_admin, item_result=problem_item, kind=Kind.ROUTINE)
    item_url = reverse("followups:item", args=[problem_item.pk])
    FollowUp.objects.filter(pk=routine.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert item_url in _page(login(scjg_admin), LIST, state="overdue")
    settings.SPOTCHECK_FOLLOWUP_OVERDUE_DAYS = 60
    assert item_url not in _page(login(scjg_admin), LIST, state="overdue")
    settings.SPOTCHECK_FOLLOWUP_OVERDUE_DAYS = 30
    services.followup_close(actor=scjg_admin, followup=routine, closed_on=timezone.localdate(), note="已纳入")
    assert item_url not in _page(login(scjg_admin), LIST, state="overdue"), "a closed one is never overdue"


def test_the_lists_are_per_department_and_the_coordinator_sees_all(
    login, scjg_admin, wsjk_admin, coordinator, rectify, scjg, wsjk
):
    item_url = reverse("followups:item", args=[rectify.item_result_id])
    assert item_url not in _page(login(wsjk_admin), LIST)
    assert item_url not in _page(login(wsjk_admin), LIST, state="pending")
    assert item_url in _page(login(coordinator), LIST)
    assert item_url in _page(login(coordinator), LIST, department=scjg.pk)
    assert item_url not in _page(login(coordinator), LIST, department=wsjk.pk)


def test_a_team_member_sees_their_visits_follow_ups(login, scjg_inspector, rectify):
    assert reverse("followups:item", args=[rectify.item_result_id]) in _page(login(scjg_inspector), LIST)


@pytest.mark.parametrize(
    "params",
    [{"state": "nonsense"}, {"department": "x"}, {"department": "9" * 40}, {"page": "-1"}, {"page": "abc"}],
)
def test_odd_list_parameters_are_no_500(login, coordinator, params):
    response = login(coordinator).get(LIST, params)
    assert response.status_code in (200, 404)


# Session and user, the scope, the count, the page's rows with everything they show joined —
# and no query per row.
LIST_QUERIES = {"all": 6, "pending": 6, "overdue": 6}


@pytest.mark.parametrize("state", LIST_QUERIES)
def test_the_list_query_count_is_pinned(
    login, coordinator, scjg_admin, problem_visit, scjg_inspector, django_assert_num_queries, state
):
    visits = list(Visit.objects.filter(task=problem_visit.task).order_by("pk"))
    client = login(coordinator)
    shown = 0
    for rows in (visits[:3], visits[3:8]):
        for visit in rows:
            item = make_result(visit, actor=scjg_inspector).items.get()
            if state != "pending":
                services.followup_open(actor=scjg_admin, item_result=item, kind=Kind.OTHER, note="x")
        FollowUp.objects.update(created_at=timezone.now() - dt.timedelta(days=40))
        with django_assert_num_queries(LIST_QUERIES[state]):
            page = _page(client, LIST, state=state)
        shown += len(rows)
        assert page.count('<a href="/followups/items/') == shown


def test_witnesses_and_the_public_get_no_list(login, witness, nobody, client):
    assert login(witness).get(LIST).status_code == 404
    assert login(nobody).get(LIST).status_code == 404
    client.logout()
    assert client.get(LIST).status_code == 302


# ---------------------------------------------------------------------------- item and forms


def test_the_item_page_shows_the_item_and_the_form(login, scjg_inspector, problem_item):
    page = _page(login(scjg_inspector), reverse("followups:item", args=[problem_item.pk]))
    assert "A 发现问题待后续处理" in page and "登记后续处置" in page and "待处置" in page


def test_open_through_the_page(login, scjg_inspector, problem_item, wsjk):
    client = login(scjg_inspector)
    url = reverse("followups:open", args=[problem_item.pk])
    response = client.post(url, {"kind": "rectify", "due_on": ""})
    assert response.status_code == 400 and "责令改正须填写整改期限。" in response.content.decode()
    response = client.post(url, {"kind": "notify", "target_department": wsjk.pk, "note": "请关注"})
    assert response.status_code == 302
    assert FollowUp.objects.get().target_department == wsjk


@pytest.mark.parametrize(("persona", "status"), [("scjg_approver", 403), ("auditor", 403), ("wsjk_admin", 404)])
def test_open_refusals(request, login, problem_item, persona, status):
    response = login(request.getfixturevalue(persona)).post(
        reverse("followups:open", args=[problem_item.pk]), {"kind": "routine"}
    )
    assert response.status_code == status
    assert not FollowUp.objects.exists()


def test_a_reader_sees_the_item_page_without_forms(login, scjg_approver, problem_item):
    page = _page(login(scjg_approver), reverse("followups:item", args=[problem_item.pk]))
    assert 'action="' + reverse("followups:open", args=[problem_item.pk]) not in page


@pytest.mark.parametrize("name", ["item", "open", "close", "withdraw", "recheck"])
def test_unknown_and_huge_ids_are_404(login, scjg_admin, name):
    client = login(scjg_admin)
    for pk in (999999, 10**30):
        url = reverse(f"followups:{name}", args=[pk])
        response = client.post(url, {}) if name in ("open", "close", "withdraw") else client.get(url)
        assert response.status_code == 404


def test_close_and_withdraw_through_the_page(login, scjg_inspector, scjg_approver, wsjk_admin, problem_item):
    routine = services.followup_open(actor=scjg_inspector, item_result=problem_item, kind=Kind.ROUTINE)
    close = reverse("followups:close", args=[routine.pk])
    withdraw = reverse("followups:withdraw", args=[routine.pk])
    assert login(scjg_approver).post(close, {"closed_on": "2026-02-16", "note": "x"}).status_code == 403
    assert login(wsjk_admin).post(withdraw, {"reason": "x"}).status_code == 404
    client = login(scjg_inspector)
    client.post(close, {"closed_on": timezone.localdate().isoformat(), "note": "已纳入日常监管"})
    routine.refresh_from_db()
    assert routine.status == "closed"
    response = client.post(close, {"closed_on": timezone.localdate().isoformat(), "note": "again"}, follow=True)
    assert "已完结，不能再次完结" in response.content.decode()
    client.post(withdraw, {"reason": "登记错误"})
    routine.refresh_from_db()
    assert routine.status == "withdrawn"


def test_recheck_through_the_page(login, scjg_admin, scjg_approver, wsjk_admin, rectify, scjg_inspectors):
    url = reverse("followups:recheck", args=[rectify.pk])
    page = _page(login(scjg_admin), url)
    assert "至少 2 名" in page and scjg_inspectors[0].certificate_number in page
    data = {"checked_on": timezone.localdate().isoformat(), "officers": [scjg_inspectors[0].pk], "outcome": "corrected"}
    response = login(scjg_admin).post(url, data)
    assert response.status_code == 400 and "现有 1 名" in response.content.decode()
    assert login(scjg_approver).post(url, data).status_code == 403
    assert login(scjg_approver).get(url).status_code == 403, "the form is for who may record"
    assert login(wsjk_admin).post(url, data).status_code == 404
    data["officers"] = [scjg_inspectors[0].pk, scjg_inspectors[1].pk]
    assert login(scjg_admin).post(url, data).status_code == 302
    assert ReCheck.objects.get().outcome == "corrected"
    rectify.refresh_from_db()
    assert rectify.status == "closed"
    page = _page(login(scjg_admin), reverse("followups:item", args=[rectify.item_result_id]))
    assert "已改正" in page and scjg_inspectors[1].name in page


def test_recheck_page_of_another_kind_is_404(login, scjg_admin, notice):
    assert login(scjg_admin).get(reverse("followups:recheck", args=[notice.pk])).status_code == 404


# ------------------------------------------------------------------------------------ inbox


def test_the_notice_appears_only_in_the_target_departments_inbox(login, wsjk_admin, scjg_admin, coordinator, notice):
    item = notice.item_result
    page = _page(login(wsjk_admin), INBOX)
    assert f'id="notice-{notice.pk}"' in page
    assert item.visit_result.visit.inspection_object.name in page and "A 发现问题待后续处理" in page
    assert "未按规定公示年度报告信息" in page and "请关注" in page
    assert reverse("followups:notice_read", args=[notice.pk]) in page
    assert f'id="notice-{notice.pk}"' not in _page(login(scjg_admin), INBOX)
    page = _page(login(coordinator), INBOX)
    assert f'id="notice-{notice.pk}"' in page and reverse("followups:notice_read", args=[notice.pk]) not in page


def test_inbox_marks(login, wsjk_admin, scjg_admin, coordinator, wsjk, notice):
    read = reverse("followups:notice_read", args=[notice.pk])
    handled = reverse("followups:notice_handled", args=[notice.pk])
    assert login(scjg_admin).post(read).status_code == 404
    assert login(coordinator).post(read).status_code == 403
    reader = UserFactory(username="wsjk_inspector")
    MembershipFactory(user=reader, department=wsjk, role="inspector")
    assert f'id="notice-{notice.pk}"' in _page(login(reader), INBOX)
    assert login(reader).post(handled, {"note": "x"}).status_code == 403
    assert login(wsjk_admin).post(read).status_code == 302
    assert login(wsjk_admin).post(handled, {"note": "已安排专项检查"}).status_code == 302
    notice.refresh_from_db()
    assert notice.notice_read_at and notice.notice_handled_note == "已安排专项检查"
    page = _page(login(wsjk_admin), INBOX)
    assert "已处理" in page and "已安排专项检查" in page
    assert login(wsjk_admin).post(handled, {"note": "x" * 300}).status_code == 302
    assert login(wsjk_admin).post(reverse("followups:notice_read", args=[10**30])).status_code == 404


def test_the_inbox_query_count_is_pinned(
    login, wsjk_admin, scjg_admin, problem_visit, scjg_inspector, wsjk, django_assert_num_queries
):
    visits = list(Visit.objects.filter(task=problem_visit.task).order_by("pk"))
    client = login(wsjk_admin)
    for rows in (visits[:2], visits[2:7]):
        for visit in rows:
            item = make_result(visit, actor=scjg_inspector).items.get()
            notice = services.followup_open(
                actor=scjg_admin, item_result=item, kind=Kind.NOTIFY, target_department=wsjk
            )
            services.notice_mark_handled(actor=wsjk_admin, followup=notice, note="已处理")
        with django_assert_num_queries(5):
            _page(client, INBOX)


def test_a_follow_up_of_another_kind_is_no_notice(login, wsjk_admin, rectify):
    assert login(wsjk_admin).post(reverse("followups:notice_read", args=[rectify.pk])).status_code == 404


# ------------------------------------------------------------------------- 检查结果告知


def test_the_result_notice(login, scjg_inspector, rectify, problem_result):
    visit = problem_result.visit
    page = _page(login(scjg_inspector), reverse("followups:result_notice", args=[visit.pk]))
    assert "检查结果告知书" in page and visit.inspection_object.name in page and visit.task.title in page
    assert visit.task.lead_department.name in page
    assert "A 发现问题待后续处理" in page and "B 未按规定公示应当公示的信息" in page
    assert "责令改正" in page and "请于" + _later(10).strftime("%Y年%-m月%-d日") + "前改正完毕" in page
    assert "陈述、申辩" in page and "行政复议" in page and "印章" in page and "签收" in page
    for member in visit.members.select_related("inspector"):
        assert member.inspector.certificate_number in page


def test_no_notice_before_the_result_is_final(login, scjg_inspector, problem_visit):
    url = reverse("followups:result_notice", args=[problem_visit.pk])
    assert login(scjg_inspector).get(url).status_code == 404
    make_result(problem_visit, actor=scjg_inspector, confirm=False)
    assert login(scjg_inspector).get(url).status_code == 404


def test_the_notice_is_for_those_who_read_the_visit(login, wsjk_admin, scjg_approver, problem_result):
    url = reverse("followups:result_notice", args=[problem_result.visit_id])
    assert login(wsjk_admin).get(url).status_code == 404
    assert login(scjg_approver).get(url).status_code == 200
    assert login(wsjk_admin).get(reverse("followups:result_notice", args=[10**30])).status_code == 404
