"""期限看板 (issue 13, item 10): visits not yet done near or past their window's end, results due
for publication soon and overdue — per department and for the coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from spotcheck.deadlines.selectors import Board, Horizon, board_counts
from spotcheck.draws.models import Visit
from spotcheck.results.models import VisitResult
from spotcheck.workdays.calendar import WorkingCalendar, YearTable
from tests.clock import clock_at
from tests.fixtures.deadlines import make_result

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
DASHBOARD = reverse("deadlines:dashboard")


def url(board: Board) -> str:
    return reverse("deadlines:list", args=[board.value])


def counts(departments=None, today="2026-06-25"):
    return {board: count.value for board, count in board_counts(departments, Horizon.on(D(today))).items()}


@pytest.fixture
def visits(scjg_task):
    return list(Visit.objects.filter(task=scjg_task).order_by("pk"))


def test_the_horizon_counts_working_days_across_national_day_spring_festival_and_the_year_end():
    package = WorkingCalendar()
    # Five working days from Monday 28 September: 29, 30, then 8, 9 and Saturday 10 October.
    assert Horizon.on(D("2026-09-28"), package).results_until.date == D("2026-10-10")
    # From Thursday 12 February: 13, Saturday 14 (worked), then 24, 25, 26 after 春节.
    assert Horizon.on(D("2026-02-12"), package).results_until.date == D("2026-02-26")
    # Into 2027, which nobody has entered: weekdays, provisional.
    end = Horizon.on(D("2026-12-28"), package).results_until
    assert (end.date, end.provisional) == (D("2027-01-04"), True)
    # 2027 as an administrator entered it: 1 and 4 January off.
    entered = WorkingCalendar({2027: YearTable(2027, frozenset({D("2027-01-01"), D("2027-01-04")}), frozenset())})
    end = Horizon.on(D("2026-12-28"), entered).results_until
    assert (end.date, end.provisional) == (D("2027-01-06"), False)
    # Calendar days for the visits' window.
    assert Horizon.on(D("2026-06-25"), package).visits_until == D("2026-07-02")


def test_visits_not_done_near_and_past_the_window_end(visits, scjg_admin, scjg, wsjk, settings):
    # The task's window ends on 30 June.
    assert counts(today="2026-06-22")[Board.VISITS_SOON] == 0  # 8 days before: not yet
    assert counts(today="2026-06-23")[Board.VISITS_SOON] == len(visits)
    make_result(visits[0], scjg_admin)
    make_result(visits[1], scjg_admin, not_carried_out=True)
    make_result(visits[2], scjg_admin, status=VisitResult.Status.ENTERED)  # still to confirm: not done
    assert counts()[Board.VISITS_SOON] == len(visits) - 2
    assert counts()[Board.VISITS_LATE] == 0
    assert counts(today="2026-07-01")[Board.VISITS_LATE] == len(visits) - 2
    assert counts(today="2026-07-01")[Board.VISITS_SOON] == 0
    # Department scoping: 卫健 has nothing here; 市场监管 has the lot.
    assert counts(frozenset({scjg.pk}))[Board.VISITS_SOON] == len(visits) - 2
    assert counts(frozenset({wsjk.pk}))[Board.VISITS_SOON] == 0
    settings.SPOTCHECK_VISIT_WINDOW_WARNING_DAYS = 3
    assert counts(today="2026-06-26")[Board.VISITS_SOON] == 0
    assert counts(today="2026-06-27")[Board.VISITS_SOON] == len(visits) - 2


def test_results_due_soon_and_overdue_with_provisional_deadlines(visits, scjg_admin, wsjk):
    due = make_result(visits[0], scjg_admin, confirmed_on=D("2026-06-01"))
    later = make_result(visits[1], scjg_admin, confirmed_on=D("2026-06-20"))
    VisitResult.objects.filter(pk=due.pk).update(publication_due_on=D("2026-07-01"))
    VisitResult.objects.filter(pk=later.pk).update(publication_due_on=D("2026-07-20"))
    make_result(visits[2], scjg_admin, status=VisitResult.Status.ENTERED)  # no deadline yet
    # 25 June + 5 working days = 2 July.
    assert counts()[Board.RESULTS_DUE] == 1
    assert counts()[Board.RESULTS_OVERDUE] == 0
    assert counts(today="2026-07-02")[Board.RESULTS_OVERDUE] == 1
    assert counts(frozenset({wsjk.pk}))[Board.RESULTS_DUE] == 0
    # A result confirmed at the year's end: due in 2027, provisional.
    end = make_result(visits[3], scjg_admin, confirmed_on=D("2026-12-31"))
    assert (end.publication_due_on, end.publication_due_provisional) == (D("2027-01-28"), True)
    assert counts(today="2027-01-25")[Board.RESULTS_DUE] == 1


def test_the_dashboard_page_links_each_count_to_its_list(login, visits, scjg_admin, django_assert_max_num_queries):
    make_result(visits[0], scjg_admin, confirmed_on=D("2026-06-01"))
    VisitResult.objects.filter(visit=visits[0]).update(publication_due_on=D("2026-06-29"))
    with clock_at(D("2026-06-25")):
        client = login(scjg_admin)
        client.get(DASHBOARD)
        # Session, user, memberships, the calendar, the open tasks, four counts; on PostgreSQL
        # the counts' planner settings, set and put back (core.counting).
        with django_assert_max_num_queries(9 + (2 if connection.vendor == "postgresql" else 0)):
            page = client.get(DASHBOARD).content.decode()
        assert f'<a href="{url(Board.VISITS_SOON)}" data-count="{len(visits) - 1}">' in page
        assert f'<a href="{url(Board.RESULTS_DUE)}" data-count="1">' in page
        assert "7 天（自然日）" in page and "5 个工作日" in page
        with django_assert_max_num_queries(8):
            listing = client.get(url(Board.VISITS_SOON)).content.decode()
        assert listing.count("data-visit=") == len(visits) - 1
        listing = client.get(url(Board.RESULTS_DUE)).content.decode()
        assert listing.count("data-result=") == 1 and "2026-06-29" in listing


def test_a_provisional_deadline_is_shown_as_such(login, visits, scjg_admin):
    make_result(visits[0], scjg_admin, confirmed_on=D("2026-12-31"))
    with clock_at(D("2027-01-25")):
        listing = login(scjg_admin).get(url(Board.RESULTS_DUE)).content.decode()
    assert "2027-01-28" in listing and "暂定" in listing


def test_who_sees_which_departments(
    login, visits, scjg_admin, wsjk_admin, coordinator, auditor, scjg_approver, scjg, wsjk
):
    with clock_at(D("2026-06-25")):
        n = len(visits)
        for user, expected in ((scjg_admin, n), (scjg_approver, n), (wsjk_admin, 0), (coordinator, n), (auditor, n)):
            page = login(user).get(DASHBOARD).content.decode()
            assert f'data-count="{expected}"' in page, user
        # The coordinator narrows to one department; a bad value is ignored, never a 500.
        client = login(coordinator)
        assert 'data-count="0"' in client.get(DASHBOARD, {"department": wsjk.pk}).content.decode()
        assert f'data-count="{n}"' in client.get(DASHBOARD, {"department": scjg.pk}).content.decode()
        for bad in ("abc", "999999", "", "1.5"):
            assert client.get(DASHBOARD, {"department": bad}).status_code == 200
        # A department admin cannot look at another department through the filter.
        page = login(wsjk_admin).get(DASHBOARD, {"department": scjg.pk}).content.decode()
        assert f'data-count="{n}"' not in page


def test_inspectors_witnesses_and_the_public_do_not_see_it(login, client, scjg_inspector, witness, scjg_admin):
    for user in (scjg_inspector, witness):
        assert login(user).get(DASHBOARD).status_code == 404
        assert login(user).get(url(Board.RESULTS_DUE)).status_code == 404
    client.logout()
    assert client.get(DASHBOARD).status_code == 302
    assert login(scjg_admin).get(reverse("deadlines:list", args=["nothing"])).status_code == 404
    assert login(scjg_admin).get(url(Board.VISITS_SOON), {"page": "x"}).status_code == 200


def test_the_home_page_lists_the_counts_as_todo(login, visits, scjg_admin, scjg_inspector):
    with clock_at(D("2026-06-25")):
        page = login(scjg_admin).get(reverse("web:home")).content.decode()
        assert f'<a href="{url(Board.VISITS_SOON)}">即将到检查截止日期 <span class="badge">{len(visits)}</span>' in page
        inspector_home = login(scjg_inspector).get(reverse("web:home")).content.decode()
        assert url(Board.VISITS_SOON) not in inspector_home
