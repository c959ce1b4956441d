"""A small demo load shared by the tests of this folder (each test gets its own, rolled back)."""

import pytest

from tests.clock import clock_at
from tests.factories import DEMO_ANCHOR, load_demo


@pytest.fixture(autouse=True)
def _clock_at_anchor():
    """The demo is loaded on its anchor date: the clock is there too (the dashboard, the
    follow-ups' and the windows' states are read on the load day)."""
    with clock_at(DEMO_ANCHOR):
        yield


@pytest.fixture
def demo(db):
    """300 objects, 30 inspectors, every account and item (needs the reference migrations)."""
    return load_demo()
