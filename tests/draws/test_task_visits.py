"""The visits of a drawn task on its staff page (issue 12, item 5): filtered by stratum and
inspector, searched by any part of a name, each object linked to its page where the reader may
open it; odd parameters are ignored, never a 500."""

import re

import pytest
from django.urls import reverse

from spotcheck.draws.models import Task, VisitMember
from tests.factories import InspectionObjectFactory

pytestmark = pytest.mark.usefixtures("scjg", "wsjk")

EVERY_OBJECT = [{"name": "全部对象", "ratio": "1"}]


def _page(client, task, **params):
    response = client.get(reverse("draws:detail", args=[task.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _shown(body, task):
    """The public ids of the task's visits listed on the page, in page order."""
    ids = {v.public_id for v in task.visits.all()}
    return [code for code in re.findall(r'class="mono">([^<]+)</td>', body) if code in ids]


@pytest.fixture
def jinmei(scjg, towns):
    return InspectionObjectFactory(name="溧阳市锦美服饰有限公司", owner_department=scjg, region=towns[0])


@pytest.fixture
def drawn(make_task, run_ceremony, jinmei):
    """Every object of the small directory drawn (ratio 1), 溧阳市锦美 among them."""
    task = run_ceremony(make_task(strata=EVERY_OBJECT, max_visits_per_inspector=20))
    assert task.status == Task.Status.DRAWN and task.visits.filter(inspection_object=jinmei).exists()
    return task


def test_search_matches_any_part_of_a_name(login, scjg_admin, drawn, jinmei):
    client = login(scjg_admin)
    for query in ("锦美", "溧阳市锦美", "服饰有限", " 锦美服饰 "):
        assert _shown(_page(client, drawn, q=query), drawn) == [jinmei.public_code], query
    body = _page(client, drawn, q="锦美")
    assert "符合条件的 1 个" in body and 'value="锦美"' in body
    # The code still matches by its start, in either case; not by its middle.
    assert _shown(_page(client, drawn, q=jinmei.public_code.lower()), drawn) == [jinmei.public_code]
    assert jinmei.public_code in _shown(_page(client, drawn, q=jinmei.public_code[:-3]), drawn)
    assert _shown(_page(client, drawn, q=jinmei.public_code[4:]), drawn) == []


def test_filter_by_inspector(login, scjg_admin, drawn, scjg_inspectors):
    client = login(scjg_admin)
    body = _page(client, drawn)
    matched = set(VisitMember.objects.filter(visit__task=drawn).values_list("inspector_id", flat=True))
    # The select offers the matched inspectors by name and department, nobody else.
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)（市场监管）</option>', body))
    assert {int(pk) for pk in options} == matched
    assert all(name.startswith("市场检查员") for name in options.values())
    person = next(p for p in scjg_inspectors if p.pk in matched)
    theirs = set(drawn.visits.filter(members__inspector=person).values_list("public_id", flat=True))
    body = _page(client, drawn, inspector=person.pk)
    assert set(_shown(body, drawn)) == theirs
    assert f"符合条件的 {len(theirs)} 个" in body and f'<option value="{person.pk}" selected>' in body
    # With a stratum and a search on top.
    first = sorted(theirs)[0]
    body = _page(client, drawn, inspector=person.pk, stratum="全部对象", q=first)
    assert _shown(body, drawn) == [first]
    # Clearing drops every filter and keeps nothing of them.
    assert "inspector=" not in re.search(r'<a href="([^"]*)#targets">清除</a>', body).group(1)


@pytest.mark.parametrize(
    "params",
    [
        {"inspector": "abc"},
        {"inspector": "²"},
        {"inspector": "-1"},
        {"inspector": "99999999999999999999"},
        {"inspector": "0"},
        {"stratum": "²"},
        {"stratum": "不存在的分层"},
        {"q": "a\x00b"},
        {"q": "x" * 500},
        {"q": "%_"},
        {"visit_page": "²"},
    ],
)
def test_odd_parameters_are_ignored(login, scjg_admin, drawn, params):
    body = _page(login(scjg_admin), drawn, **params)
    if "q" not in params:
        assert len(_shown(body, drawn)) == drawn.visits.count()


def test_an_inspector_of_another_task_is_no_filter(login, scjg_admin, drawn, wsjk_inspectors):
    # A real inspector, but none of this task's: ignored, the whole list shows.
    body = _page(login(scjg_admin), drawn, inspector=wsjk_inspectors[0].pk)
    assert len(_shown(body, drawn)) == drawn.visits.count() and "符合条件的" not in body


def test_objects_link_to_their_page_for_those_who_may_read_them(login, scjg_admin, wsjk_admin, drawn, jinmei, wsjk):
    detail = reverse("directory:detail", args=[jinmei.pk])
    assert f'href="{detail}"' in _page(login(scjg_admin), drawn, q="锦美")
    # 卫健 joins the task: it reads the task but not 市场监管's objects, so no link but the name.
    drawn.participating_departments.add(wsjk)
    body = _page(login(wsjk_admin), drawn, q="锦美")
    assert jinmei.name in body and f'href="{detail}"' not in body
    # Once 卫健 supervises the object too, its admin may open it.
    jinmei.supervising_departments.add(wsjk)
    assert f'href="{detail}"' in _page(login(wsjk_admin), drawn, q="锦美")


def test_witness_sees_no_team_no_inspector_filter_and_no_links(login, witness, joint_task, run_ceremony):
    """A witness-only reader of a drawn joint task (it entered its own input) sees the list as
    the public does: no teams, no inspector filter (which would tell the teams), no links."""
    task = run_ceremony(joint_task)
    visit = task.visits.select_related("inspection_object").first()
    member = visit.members.first()
    body = _page(login(witness), task)
    assert visit.public_id in body
    assert 'name="inspector"' not in body and "<th>检查组</th>" not in body
    assert reverse("directory:detail", args=[visit.inspection_object_id]) not in body
    assert reverse("imports:task_visits_export", args=[task.pk]) not in body
    # Asked for anyway, the inspector is ignored: the whole list shows.
    body = _page(login(witness), task, inspector=member.inspector_id)
    assert len(_shown(body, task)) == task.visits.count()


def test_export_link_for_those_who_see_the_teams(login, scjg_admin, scjg_inspector, drawn):
    link = reverse("imports:task_visits_export", args=[drawn.pk])
    for user in (scjg_admin, scjg_inspector):
        assert f'href="{link}"' in _page(login(user), drawn)
