"""The open data API's tests (issue 14, item 6): an anonymous client, and a result of 市场监管's
drawn task, final and published in its result notice."""

import pytest

from spotcheck.publication import services as publication
from spotcheck.results import services as result_services
from tests.fixtures.results import result_data

API = "/public/api/v1/"


@pytest.fixture
def get(client):
    """GET an API path (relative to /public/api/v1/) as an anonymous visitor; returns the response."""

    def _get(path, **params):
        return client.get(API + path, params)

    return _get


def confirm(officers, visit, **data):
    first, second = officers
    result = result_services.result_save(actor=first, visit=visit, data=result_data(visit, **data), base_revision=None)
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    result.refresh_from_db()
    return result


@pytest.fixture
def final_result(result_officers, result_approved):
    return confirm(result_officers, result_approved)


@pytest.fixture
def published(final_result, scjg_admin):
    """The published row of ``final_result`` (one result in the task's notice)."""
    [row] = publication.results_publish(actor=scjg_admin, task=final_result.visit.task)
    return row
