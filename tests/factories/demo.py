"""A small demo region, loaded through the demo's own service."""

import datetime as dt

from spotcheck.demo.services import demo_load

DEMO_ANCHOR = dt.date(2026, 6, 1)


def load_demo(objects=300, inspectors=30, seed="test", **kwargs):
    kwargs.setdefault("anchor", DEMO_ANCHOR)
    return demo_load(actor="pytest", objects=objects, inspectors=inspectors, seed=seed, **kwargs)
