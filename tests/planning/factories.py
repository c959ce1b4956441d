"""Helpers of the planning tests: published items and a plan with one valid entry."""

import datetime as dt

from spotcheck.planning import services
from tests.catalog.factories import make_item, publish


def published_item(*, actor, coordinator, department, code):
    item = make_item(actor=actor, department=department, code=code, name=f"{code} 监督检查")
    publish(item, actor=actor, coordinator=coordinator)
    item.refresh_from_db()
    return item


def entry_kwargs(plan, items, lead, /, **overrides):
    data = {
        "code": "E1",
        "name": "食品经营者日常监督抽查",
        "kind": "routine",
        "items": items,
        "lead_department": lead,
        "window_start": dt.date(plan.year, 3, 1),
        "window_end": dt.date(plan.year, 10, 31),
    }
    data.update(overrides)
    return data


def plan_with_entry(*, actor, department, item, year=2027):
    plan = services.plan_create(actor=actor, year=year, title=f"{year}年度抽查计划", department=department)
    entry = services.entry_add(actor=actor, plan=plan, **entry_kwargs(plan, [item], department))
    services.entry_add_default_strata(actor=actor, entry=entry)
    return plan, entry
