"""A final result of 市场监管's drawn task, ready to publish (tests/publication)."""

import pytest

from spotcheck.results import services as result_services
from tests.fixtures.results import result_data


@pytest.fixture
def officers(result_officers):
    return result_officers


@pytest.fixture
def final_result(result_officers, result_approved):
    first, second = result_officers
    visit = result_approved
    result = result_services.result_save(actor=first, visit=visit, data=result_data(visit), base_revision=None)
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    result.refresh_from_db()
    assert result.status == "confirmed"
    return result


def correct(result, officers, *, codes=("A", "D"), reason="复核后更正"):
    """A correction of ``result``, saved and confirmed again (final)."""
    first, second = officers
    data = result_data(result.visit, codes=codes)
    result = result_services.result_save(
        actor=first, visit=result.visit, data=data, base_revision=result.revision, reason=reason
    )
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=result.revision)
    result.refresh_from_db()
    return result
