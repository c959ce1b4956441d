"""A small demo load shared by the tests of this folder (each test gets its own, rolled back)."""

import datetime as dt

import pytest

from spotcheck.demo.services import demo_load
from tests.conftest import clock_at

ANCHOR = dt.date(2026, 3, 2)


def load(objects=300, inspectors=30, seed="test", **kwargs):
    kwargs.setdefault("anchor", ANCHOR)
    return demo_load(actor="pytest", objects=objects, inspectors=inspectors, seed=seed, **kwargs)


@pytest.fixture(autouse=True)
def _clock_at_anchor():
    """The demo's tasks run in a window from its anchor date: the clock is there too."""
    with clock_at(ANCHOR):
        yield


@pytest.fixture
def demo(db):
    """300 objects, 30 inspectors, every account and item (needs the reference migrations)."""
    return load()
