"""A small demo load shared by the tests of this folder (each test gets its own, rolled back)."""

import pytest

from tests.clock import clock_at
from tests.factories import DEMO_ANCHOR, load_demo


@pytest.fixture(autouse=True)
def _clock_at_anchor():
    """The demo's tasks run in a window from its anchor date: the clock is there too."""
    with clock_at(DEMO_ANCHOR):
        yield


@pytest.fixture
def demo(db):
    """300 objects, 30 inspectors, every account and item (needs the reference migrations)."""
    return load_demo()
