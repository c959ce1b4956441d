"""我的检查 (issue 13, item 1): an inspector's visits — only their teams', by state and window,
paged, without N+1 queries; in the menu and on the home page's 待办 for inspectors."""

import datetime as dt

import pytest
from django.urls import reverse

from spotcheck.draws.models import Visit
from spotcheck.inspections import services
from tests.clock import clock_at
from tests.factories import InspectorFactory, MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")

URL = reverse("inspections:my_visits")


def _listed(response) -> set[int]:
    return {v.pk for v in response.context["page_obj"].object_list}


def _team_visits(inspector) -> set[int]:
    return set(Visit.objects.filter(members__inspector=inspector).values_list("pk", flat=True))


def test_an_inspector_sees_only_the_visits_of_their_teams(login, scjg_inspector, my_inspector, scjg_task):
    ours = _team_visits(my_inspector)
    assert 0 < len(ours) < scjg_task.visits.count()
    response = login(scjg_inspector).get(URL)
    assert response.status_code == 200
    assert _listed(response) == ours
    visit = Visit.objects.select_related("inspection_object").get(pk=min(ours))
    page = response.content.decode()
    assert visit.inspection_object.name in page
    assert reverse("inspections:visit_detail", args=[visit.pk]) in page
    assert scjg_task.code in page
    assert "2026-03-01" in page and "2026-06-30" in page
    assert "待审批" in page  # not approved yet (i13-code: the states of check-in and approval)


def test_another_inspector_of_the_department_sees_only_their_own(login, scjg, my_inspector, scjg_task):
    other_user = UserFactory(username="other_inspector")
    MembershipFactory(user=other_user, department=scjg, role="inspector")
    # On no team at all: an empty list, not the department's visits.
    link_inspector(other_user, InspectorFactory(department=scjg, name="未分配检查员"))
    response = login(other_user).get(URL)
    assert response.status_code == 200
    assert _listed(response) == set()
    assert "您还没有被分配检查" in response.content.decode()


def test_the_state_filter_follows_the_window(login, scjg_inspector, my_inspector, scjg_task, scjg_approver):
    ours = _team_visits(my_inspector)
    client = login(scjg_inspector)
    assert _listed(client.get(URL, {"state": "waiting"})) == ours  # 待审批 until approved
    assert _listed(client.get(URL, {"state": "pending"})) == set()
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    assert _listed(client.get(URL, {"state": "waiting"})) == set()
    assert _listed(client.get(URL, {"state": "pending"})) == ours
    assert _listed(client.get(URL, {"state": "expired"})) == set()
    with clock_at(dt.date(2026, 7, 1)):  # the window (3-01 … 6-30) is over
        client = login(scjg_inspector)  # the session of February has expired
        assert _listed(client.get(URL, {"state": "pending"})) == set()
        response = client.get(URL, {"state": "expired"})
        assert _listed(response) == ours
        assert "已过期" in response.content.decode()


def test_the_date_filter_keeps_visits_whose_window_overlaps(login, scjg_inspector, my_inspector):
    ours = _team_visits(my_inspector)
    client = login(scjg_inspector)
    assert _listed(client.get(URL, {"window_from": "2026-06-30"})) == ours
    assert _listed(client.get(URL, {"window_from": "2026-07-01"})) == set()
    assert _listed(client.get(URL, {"window_to": "2026-03-01"})) == ours
    assert _listed(client.get(URL, {"window_to": "2026-02-28"})) == set()


@pytest.mark.parametrize(
    "params",
    [{"state": "²"}, {"page": "abc"}, {"page": "99999"}, {"window_from": "2026-13-45"}, {"window_to": "x" * 300}],
)
def test_odd_parameters_give_no_error(login, scjg_inspector, my_inspector, params):
    response = login(scjg_inspector).get(URL, params)
    assert response.status_code == 200
    # A bad filter is reported and dropped; the list is still the inspector's.
    assert _listed(response) <= _team_visits(my_inspector)


def test_the_list_is_paged(login, scjg_inspector, my_inspector, settings, monkeypatch):
    from spotcheck.inspections import views_visits

    monkeypatch.setattr(views_visits, "MY_VISITS_PER_PAGE", 1)
    ours = _team_visits(my_inspector)
    client = login(scjg_inspector)
    first, second = client.get(URL), client.get(URL, {"page": "2"})
    assert len(_listed(first)) == len(_listed(second)) == 1
    assert _listed(first) != _listed(second)
    assert first.context["page_obj"].paginator.count == len(ours)


def test_the_query_count_does_not_grow_with_the_visits(login, scjg_inspector, my_inspector, django_assert_num_queries):
    """The page lists several visits with teams of two: the visits, their teams and their count
    in one query each, whatever the number of rows (the rest: session, user, scope)."""
    assert len(_team_visits(my_inspector)) > 1
    client = login(scjg_inspector)
    client.get(URL)
    with django_assert_num_queries(6):
        client.get(URL)


def test_the_menu_and_the_home_page_lead_inspectors_there(
    login, scjg_inspector, my_inspector, scjg_task, scjg_approver
):
    services.visits_approve(actor=scjg_approver, task=scjg_task)  # 待实施: approved, not checked in
    client = login(scjg_inspector)
    home = client.get(reverse("web:home")).content.decode()
    n = len(_team_visits(my_inspector))
    assert f"{n} 项检查待实施" in home
    assert f'href="{URL}"' in home  # the menu
    assert f"{URL}?state=pending" in home


def test_other_roles_have_no_menu_entry(login, scjg_admin):
    home = login(scjg_admin).get(reverse("web:home")).content.decode()
    assert f'href="{URL}"' not in home


def test_the_public_gets_a_404(db, public):
    assert public.get(URL).status_code in (302, 404)
