"""Merged visits are made of drawn tasks: the task and ceremony fixtures of tests/draws."""

from tests.draws.conftest import (  # noqa: F401 (fixtures)
    food_item,
    food_qual,
    health_item,
    make_task,
    objects,
    run_ceremony,
    scjg_inspectors,
    wsjk_inspectors,
)
