"""The portal's drawn list searched by any part of a name (issue 12, item 5): "锦美" finds
溧阳市锦美…, as on the staff page; it shows what the portal showed before and links nowhere
into the back office."""

import re

import pytest
from django.urls import reverse

from spotcheck.draws.models import Task
from tests.factories import InspectionObjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinmei(scjg, towns):
    return InspectionObjectFactory(name="溧阳市锦美服饰有限公司", owner_department=scjg, region=towns[0])


@pytest.fixture
def drawn(make_task, run_ceremony, jinmei):
    return run_ceremony(make_task(strata=[{"name": "全部对象", "ratio": "1"}], max_visits_per_inspector=20))


def _targets(page, task):
    ids = {v.public_id for v in task.visits.all()}
    return [code for code in re.findall(r'<span class="mono">([^<]+)</span>', page) if code in ids]


@pytest.mark.parametrize("query", ["锦美", "溧阳市锦美", "服饰", "锦美服饰有限公司"])
def test_a_fragment_of_a_name_finds_the_object(public, drawn, jinmei, query):
    page = public.get(reverse("portal:task_detail", args=[drawn.code]), {"q": query}).content.decode()
    assert _targets(page, drawn) == [jinmei.public_code]
    assert "符合条件的 1 个" in page and jinmei.name in page


def test_codes_match_by_their_start_only(public, drawn, jinmei):
    url = reverse("portal:task_detail", args=[drawn.code])
    page = public.get(url, {"q": jinmei.public_code[:-2].lower()}).content.decode()
    assert jinmei.public_code in _targets(page, drawn)
    assert _targets(public.get(url, {"q": jinmei.public_code[5:]}).content.decode(), drawn) == []


def test_no_team_no_inspector_filter_no_staff_links(public, drawn, jinmei):
    member = drawn.visits.get(inspection_object=jinmei).members.select_related("inspector").first()
    url = reverse("portal:task_detail", args=[drawn.code])
    page = public.get(url, {"q": "锦美", "inspector": member.inspector_id}).content.decode()
    assert member.inspector.name not in page and 'name="inspector"' not in page
    assert reverse("directory:detail", args=[jinmei.pk]) not in page
    assert reverse("draws:detail", args=[drawn.pk]) not in page
    # The inspector parameter filters nothing on the portal.
    page = public.get(url, {"inspector": member.inspector_id}).content.decode()
    assert len(_targets(page, drawn)) == drawn.visits.count()


@pytest.mark.parametrize("params", [{"q": "a\x00b"}, {"stratum": "²"}, {"q": "%"}, {"page": "²"}])
def test_odd_parameters_are_no_error(public, drawn, params):
    assert public.get(reverse("portal:task_detail", args=[drawn.code]), params).status_code == 200


def test_a_list_not_public_is_not_searched(public, make_task, run_ceremony, jinmei):
    task = run_ceremony(
        make_task(
            strata=[{"name": "全部对象", "ratio": "1"}],
            max_visits_per_inspector=20,
            list_publication=Task.ListPublication.AFTER_VISITS,
        )
    )
    page = public.get(reverse("portal:task_detail", args=[task.code]), {"q": "锦美"}).content.decode()
    assert jinmei.public_code not in page and "名单将在检查结束后公布" in page


@pytest.fixture
def operator_shop(scjg, towns):
    return InspectionObjectFactory(
        name="张小明五金店", kind="individual", legal_representative="张小明", owner_department=scjg, region=towns[0]
    )


def test_an_individuals_operator_is_neither_shown_nor_searchable(public, make_task, run_ceremony, operator_shop):
    """(pub14) The drawn list shows a 个体工商户 as the result notices do: the operator's name
    masked; and a search by that name does not find it."""
    drawn = run_ceremony(make_task(strata=[{"name": "全部对象", "ratio": "1"}], max_visits_per_inspector=20))
    url = reverse("portal:task_detail", args=[drawn.code])
    page = public.get(url).content.decode()
    assert "***五金店" in page and "张小明" not in page
    assert _targets(public.get(url, {"q": "张小明"}).content.decode(), drawn) == []
    assert _targets(public.get(url, {"q": "五金店"}).content.decode(), drawn) == [operator_shop.public_code]
