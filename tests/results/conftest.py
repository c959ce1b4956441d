"""Short names for the results fixtures (tests/fixtures/results.py) inside tests/results."""

import pytest


@pytest.fixture
def visit(result_visit):
    return result_visit


@pytest.fixture
def officers(result_officers):
    return result_officers


@pytest.fixture
def approved(result_approved):
    return result_approved
