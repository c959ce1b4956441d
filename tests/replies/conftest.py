"""A published result whose visit has its 检查码 (tests/replies, the write-access table and the
browser journey): 市场监管's drawn task, the visit approved, the result confirmed by both
officers and published by the department admin."""

import pytest

from spotcheck.inspections.models import VisitCode
from spotcheck.publication import services as publication
from spotcheck.results import services as result_services
from tests.fixtures.results import result_data


def publish_result(officers, visit, publisher, *, codes=("1",)):
    """Save, confirm and publish the result of ``visit``; the published row."""
    first, second = officers
    result = result_services.result_save(
        actor=first, visit=visit, data=result_data(visit, codes=codes), base_revision=None
    )
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    [row] = publication.results_publish(actor=publisher, task=visit.task, result_ids=[result.pk])
    return row


@pytest.fixture
def published(result_officers, result_approved, scjg_admin):
    return publish_result(result_officers, result_approved, scjg_admin, codes=("A", "D"))


@pytest.fixture
def code(published):
    return VisitCode.objects.get(visit=published.visit_result.visit).code
