"""The portal reads what the draws and planning tests build: reuse their fixtures."""

import pytest

from tests.draws.conftest import (  # noqa: F401
    food_item,
    food_qual,
    make_task,
    objects,
    run_ceremony,
    scjg_inspectors,
)
from tests.planning.conftest import draft_plan, published_plan, scjg_item  # noqa: F401


@pytest.fixture
def public(client):
    """An anonymous visitor."""
    client.logout()
    return client
