"""Annual plans and their entries, made through the planning services."""

import datetime as dt

from spotcheck.planning import services


def entry_kwargs(plan, items, lead, /, **overrides):
    """Valid arguments of services.entry_add (actor and plan excluded)."""
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
    """A draft plan of ``department`` with one entry (of ``item``) and the default strata."""
    plan = services.plan_create(actor=actor, year=year, title=f"{year}年度抽查计划", department=department)
    entry = services.entry_add(actor=actor, plan=plan, **entry_kwargs(plan, [item], department))
    services.entry_add_default_strata(actor=actor, entry=entry)
    return plan, entry
