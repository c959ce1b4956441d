"""A published result of 市场监管's drawn task, with marker values in every private field of the
people and the object around it (tests/bulkdata)."""

import pytest

from spotcheck.inspectors.models import Inspector
from spotcheck.publication import services as publication
from spotcheck.results import services as result_services
from tests.fixtures.results import result_data

MARKERS = ("MARKERLEGAL", "MARKER-ADDRESS", "MARKER-PHONE", "MARKER-INSPECTOR", "MARKER-NOTE", "MARKER-OFFICER")


@pytest.fixture
def published(result_officers, result_approved, scjg_admin):
    """The visit's object is a 个体工商户 named after its operator; people carry markers."""
    visit = result_approved
    obj = visit.inspection_object
    obj.kind = "individual"
    obj.legal_representative = "MARKERLEGAL"
    obj.name = "MARKERLEGAL五金店"
    obj.address = "MARKER-ADDRESS 1号"
    obj.save(update_fields=["kind", "legal_representative", "name", "address"])
    Inspector.objects.filter(visit_slots__visit__task=visit.task).update(name="MARKER-INSPECTOR", phone="MARKER-PHONE")
    first, second = result_officers
    for user in (first, second):
        user.full_name = "MARKER-OFFICER"
        user.save(update_fields=["full_name"])
    result = result_services.result_save(
        actor=first, visit=visit, data=result_data(visit, note="MARKER-NOTE"), base_revision=None
    )
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    [row] = publication.results_publish(actor=scjg_admin, task=visit.task)
    return row
