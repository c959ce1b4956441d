"""Published results to search (tests/portal: the search and its browser journey; search14)."""

import pytest

from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Visit
from spotcheck.inspections import services as inspections_services
from spotcheck.publication import services
from spotcheck.results import services as result_services
from tests.factories import MembershipFactory, UserFactory
from tests.factories.directory import IndustryFactory
from tests.fixtures.results import result_data
from tests.fixtures.visits import link_inspector

# (name, kind, legal representative, codes, completed on) of the first three visits' objects.
PUBLISHED = [
    ("溧阳市金鼎五金有限公司", "enterprise", "MARKER-LEGALREP", ("1",), "2026-02-10"),
    ("王小明五金店", "individual", "王小明", ("A", "D"), "2026-02-12"),
    ("天目湖餐饮管理有限公司", "enterprise", "李四", ("E",), "2026-02-16"),
]


def _team_user(inspector):
    if inspector.user_id is None:
        user = UserFactory(username=f"officer{inspector.pk}", full_name=inspector.name)
        MembershipFactory(user=user, department=inspector.department, role="inspector")
        link_inspector(user, inspector)
    return inspector.user


@pytest.fixture
def industries(db):
    section = IndustryFactory(code="C", name="制造业", level="section")
    division = IndustryFactory(code="33", name="金属制品业", level="division", parent=section)
    other = IndustryFactory(code="H", name="住宿和餐饮业", level="section")
    return section, division, other


@pytest.fixture
def published(scjg_task, scjg_approver, scjg_admin, industries, towns):
    """Three results of 市场监管's task published: a 五金 company (no problem, 溧城街道, industry
    33 of 门类 C), a 个体工商户 (problem found, 埭头镇) and a 餐饮 company (E, 溧城街道, H)."""
    _, division, other = industries
    visits = list(Visit.objects.filter(task=scjg_task).select_related("inspection_object").order_by("rank", "pk")[:3])
    for visit, (name, kind, operator, _, _) in zip(visits, PUBLISHED, strict=True):
        InspectionObject.objects.filter(pk=visit.inspection_object_id).update(
            name=name,
            kind=kind,
            legal_representative=operator,
            address="MARKER-ADDRESS-9",
            region=towns[1] if kind == "individual" else towns[0],
            industry=other if "餐饮" in name else division,
        )
    inspections_services.visits_approve(actor=scjg_approver, task=scjg_task, visits=visits)
    for visit, (_, _, _, codes, completed_on) in zip(visits, PUBLISHED, strict=True):
        first, second = [_team_user(m.inspector) for m in visit.members.select_related("inspector__department")]
        data = result_data(visit, codes=codes) | {"completed_on": completed_on}
        result = result_services.result_save(actor=first, visit=visit, data=data, base_revision=None)
        for user in (second, first):
            result_services.result_confirm(actor=user, visit_result=result, revision=1)
    services.results_publish(actor=scjg_admin, task=scjg_task)
    return [InspectionObject.objects.get(pk=v.inspection_object_id) for v in visits]
