"""An object's 抽查记录 (issue 12, item 5): the tasks whose draws it was in, on its directory
page, as far as the reader may know of them — a department's own and joined tasks, and what
the portal lists; a witness learns no more than the portal tells."""

import re

import pytest
from django.urls import reverse

from spotcheck.accounts.scope import scope_for
from spotcheck.draws import services
from spotcheck.draws.selectors import object_draws
from tests.factories import InspectionObjectFactory
from tests.fixtures.deadlines import complete_visits

pytestmark = pytest.mark.usefixtures("spring_2026", "scjg", "wsjk")

AFTER_VISITS = "after_visits"


@pytest.fixture
def two_draws(objects, scjg_task, make_wsjk_task, wsjk):
    """objects[0] drawn by 市场监管 (list public at the draw) and by 卫健 (list after the
    visits, not public yet); 卫健 supervises it too."""
    wsjk_task = make_wsjk_task(list_publication=AFTER_VISITS)
    obj = objects[0]
    obj.supervising_departments.add(wsjk)
    assert scjg_task.visits.filter(inspection_object=obj).exists()
    assert wsjk_task.visits.filter(inspection_object=obj).exists() and wsjk_task.list_published_at is None
    return obj, scjg_task, wsjk_task


def _section(client, obj):
    response = client.get(reverse("directory:detail", args=[obj.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<h2>抽查记录</h2>") :].split("</section>")[0]


def _codes(rows):
    return [row.task.code for row in rows]


def test_the_department_sees_its_own_draws_linked_to_the_task(login, scjg_admin, two_draws):
    obj, scjg_task, wsjk_task = two_draws
    section = _section(login(scjg_admin), obj)
    assert scjg_task.code in section and scjg_task.title in section
    assert f'href="{reverse("draws:detail", args=[scjg_task.pk])}"' in section
    visit = scjg_task.visits.select_related("stratum").get(inspection_object=obj)
    assert visit.stratum.name in section and "市场监管" in section
    assert f"{scjg_task.draw.drawn_at:%Y-%m-%d}" in section
    # 卫健's list is not public yet: 市场监管 does not learn of that draw.
    assert wsjk_task.code not in section
    assert "列出本部门发起或参与的任务" in section


def test_another_departments_draw_appears_once_public_with_a_portal_link(login, scjg_admin, wsjk_admin, two_draws):
    obj, scjg_task, wsjk_task = two_draws
    # 卫健 reads its own task and sees 市场监管's public one, linked to the portal.
    section = _section(login(wsjk_admin), obj)
    assert f'href="{reverse("draws:detail", args=[wsjk_task.pk])}"' in section
    assert f'href="{reverse("portal:task_detail", args=[scjg_task.code])}"' in section
    assert f'href="{reverse("draws:detail", args=[scjg_task.pk])}"' not in section
    complete_visits(wsjk_task, wsjk_admin)  # the list waits until every visit is done (deadlines)
    services.task_publish_list(actor=wsjk_admin, task=wsjk_task)
    section = _section(login(scjg_admin), obj)
    assert f'href="{reverse("portal:task_detail", args=[wsjk_task.code])}"' in section
    assert "卫健" in section


@pytest.mark.parametrize("persona", ["coordinator", "auditor"])
def test_region_wide_readers_see_every_draw_newest_first(request, login, persona, two_draws):
    obj, scjg_task, wsjk_task = two_draws
    user = request.getfixturevalue(persona)
    rows = object_draws(scope_for(user), obj)
    assert _codes(rows) == [wsjk_task.code, scjg_task.code]  # 卫健 drew later
    assert all(row.link == "staff" for row in rows)
    section = _section(login(user), obj)
    assert section.index(wsjk_task.code) < section.index(scjg_task.code)
    assert "列出本部门发起或参与的任务" not in section


def test_a_joined_task_is_the_participants_own(login, wsjk_admin, objects, joint_task, run_ceremony, wsjk):
    task = run_ceremony(joint_task)
    visit = task.visits.select_related("inspection_object").first()
    visit.inspection_object.supervising_departments.add(wsjk)
    rows = object_draws(scope_for(wsjk_admin), visit.inspection_object)
    assert _codes(rows) == [task.code] and rows[0].link == "staff"
    assert rows[0].departments == ["市场监管", "卫健"]


def test_a_witness_learns_only_what_the_portal_shows(login, witness, two_draws):
    obj, scjg_task, _ = two_draws
    # The directory is not the witness's: its page is a 404 …
    assert login(witness).get(reverse("directory:detail", args=[obj.pk])).status_code == 404
    # … and its scope lists the public draws only, linked to the portal.
    rows = object_draws(scope_for(witness), obj)
    assert _codes(rows) == [scjg_task.code] and rows[0].link == "public"


def test_an_object_never_drawn(login, scjg_admin, scjg, towns):
    obj = InspectionObjectFactory(name="从未被抽中的商行", owner_department=scjg, region=towns[0])
    section = _section(login(scjg_admin), obj)
    assert "没有抽查记录" in section and not re.search(r"<tbody>", section)


@pytest.mark.parametrize("persona", ["coordinator", "scjg_admin"])
def test_the_draws_are_read_in_three_queries(request, persona, two_draws, django_assert_num_queries):
    obj, *_ = two_draws
    scope = scope_for(request.getfixturevalue(persona))
    # The visits with their tasks and strata, the tasks' participants, which tasks open.
    with django_assert_num_queries(3):
        rows = object_draws(scope, obj)
        assert rows and all(row.departments for row in rows)


def test_a_witness_of_a_task_learns_its_draw_only_once_public(
    witness, wsjk_admin, scjg_admin, joint_task, run_ceremony
):
    joint_task.list_publication = AFTER_VISITS
    joint_task.save(update_fields=["list_publication"])
    task = run_ceremony(joint_task)  # the witness entered its own input: it reads the task
    obj = task.visits.select_related("inspection_object").first().inspection_object
    assert object_draws(scope_for(witness), obj) == []
    complete_visits(task, scjg_admin)
    services.task_publish_list(actor=scjg_admin, task=task)
    rows = object_draws(scope_for(witness), obj)
    # Public now; the witness reads the task as its witness, so the staff page opens for it.
    assert _codes(rows) == [task.code] and rows[0].link == "staff"
