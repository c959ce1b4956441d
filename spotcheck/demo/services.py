"""Loading the demo region (溧阳市) in one transaction: frame, accounts, roster, items, then the
objects in streaming batches, then the year's plans and draws. The first parts are a data
import, so rows are bulk-written; the audit trail gets one ``demo.load`` entry for the setup,
one per object batch and one at the end. Plans and draws go through the planning and draw
services with the demo accounts as actors, each step audited as a user's would be."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from spotcheck.audit.services import audit_record
from spotcheck.core import codes
from spotcheck.demo.clock import clock_at, story
from spotcheck.demo.data.departments import JOINT_OFFICE_CODE
from spotcheck.demo.inspections_story import create_inspections
from spotcheck.demo.items import create_items
from spotcheck.demo.objects import ObjectGenerator
from spotcheck.demo.people import create_recusals, create_roster, create_staff_accounts, hashed_demo_password
from spotcheck.demo.plans_and_draws import create_plans_and_draws
from spotcheck.demo.portal_story import create_portal
from spotcheck.demo.references import DemoDataError, Frame, demo_region_exists, ensure_frame, load_reference_ids
from spotcheck.demo.writers import BatchCounts, make_writer
from spotcheck.directory.services import PUBLIC_CODE_LETTERS, public_code_series
from spotcheck.draws.models import Task

AUDIT_ACTION = "demo.load"
DEFAULT_SEED = 2026
DEFAULT_BATCH_SIZE = 5000
# How many ids of the first batch are kept to pick recusal partners from.
_RECUSAL_POOL = 2000

# (objects written, objects wanted, seconds since the first object batch began)
Progress = Callable[[int, int, float], None]


@dataclass
class DemoLoadResult:
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _locked_code_counters(county_code: str) -> dict[str, int]:
    """The directory's public-code counters for the demo county, locked for this load."""
    prefixes = [f"{letter}{county_code}" for letter in PUBLIC_CODE_LETTERS.values()]
    last = codes.lock_series(public_code_series(prefix) for prefix in prefixes)
    return {prefix: last[public_code_series(prefix)] for prefix in prefixes}


def _load_setup(
    *,
    actor: Any,
    objects: int,
    inspectors: int,
    seed: object,
    batch_size: int,
    use_copy: bool | None,
    anchor: dt.date,
    progress: Progress | None,
) -> tuple[dict[str, int], Frame, dict[str, int], int, BatchCounts]:
    """The region's data as an import: frame, accounts, roster, items, objects and recusals."""
    refs = load_reference_ids()
    frame, frame_created = ensure_frame()
    joint_office = frame.departments[JOINT_OFFICE_CODE]
    password_hash = hashed_demo_password()
    users = create_staff_accounts(seed=seed, frame=frame, password_hash=password_hash)
    roster, roster_counts = create_roster(
        seed=seed, count=inspectors, frame=frame, refs=refs, anchor=anchor, password_hash=password_hash
    )
    item_counts = create_items(seed=seed, frame=frame, refs=refs, users=users, anchor=anchor)
    setup_counts = {
        "regions_and_departments": frame_created,
        "staff_accounts": len(users),
        **roster_counts,
        **item_counts,
    }
    audit_record(
        actor=actor,
        action=AUDIT_ACTION,
        target=frame.county,
        after={"phase": "setup", "seed": str(seed), "anchor": anchor, **setup_counts},
        department=joint_office,
    )

    generator = ObjectGenerator(
        seed=seed,
        frame=frame,
        refs=refs,
        anchor=anchor,
        code_numbers=_locked_code_counters(frame.county.code),
    )
    writer = make_writer(use_copy)
    objects_started = time.perf_counter()
    totals = BatchCounts()
    recusal_pool: list[int] = []
    number = 0
    while totals.objects < objects:
        number += 1
        size = min(batch_size, objects - totals.objects)
        counts, ids = writer.write(generator.rows(size), size)
        totals.add(counts)
        if not recusal_pool:
            recusal_pool = ids[:_RECUSAL_POOL]
        audit_record(
            actor=actor,
            action=AUDIT_ACTION,
            target=frame.county,
            after={"phase": "objects", "batch": number, "first_id": ids[0], "last_id": ids[-1], **counts.as_dict()},
            department=joint_office,
        )
        if progress is not None:
            progress(totals.objects, objects, time.perf_counter() - objects_started)

    recusals = create_recusals(seed=seed, roster=roster, object_ids=recusal_pool, admins=users)
    for prefix, last_value in generator.code_numbers.items():
        codes.raise_to(public_code_series(prefix), last_value)

    return setup_counts, frame, users, recusals, totals


@transaction.atomic
def demo_load(
    *,
    actor: Any,
    objects: int,
    inspectors: int,
    seed: object = DEFAULT_SEED,
    batch_size: int = DEFAULT_BATCH_SIZE,
    if_empty: bool = False,
    use_copy: bool | None = None,
    anchor: dt.date | None = None,
    progress: Progress | None = None,
) -> DemoLoadResult:
    """Generate the demo region. Same seed (and anchor date) → same data. All or nothing."""
    if objects < 0 or inspectors < 0:
        raise DemoDataError("检查对象数和检查人员数不能为负数。")
    if batch_size < 1:
        raise DemoDataError("批大小至少为 1。")
    if demo_region_exists():
        if if_empty:
            return DemoLoadResult(skipped=True)
        raise DemoDataError("演示区划（溧阳市 320481 及其镇街）已经存在：请换一个空数据库，或加 --if-empty 跳过。")
    started = time.perf_counter()
    anchor = anchor or timezone.localdate()
    # When each step happens (the setup in the December before the year, the plans in January,
    # the tasks, then the inspections up to yesterday): the services and the audit trail take
    # those times.
    timeline = story(anchor, timezone.now())
    with clock_at(timeline.setup):
        setup_counts, frame, users, recusals, totals = _load_setup(
            actor=actor,
            objects=objects,
            inspectors=inspectors,
            seed=seed,
            batch_size=batch_size,
            use_copy=use_copy,
            anchor=anchor,
            progress=progress,
        )
    joint_office = frame.departments[JOINT_OFFICE_CODE]
    # Last, through the services: the plans and the draws read the whole directory and roster.
    plan_counts = create_plans_and_draws(seed=seed, frame=frame, users=users, anchor=anchor, story=timeline)
    # i13-demo: a drawn task's inspections, results, evidence and follow-ups.
    plan_counts.update(create_inspections(users=users, days=timeline.inspections))
    # demo14: results published, corrected and withdrawn (the portal's result notices), after
    # the inspections' story; its task is the one with results by then.
    story_task = Task.objects.filter(visits__result__isnull=False).distinct().first()
    plan_counts.update(create_portal(users=users, days=timeline.inspections, story_task=story_task))

    all_counts = {**setup_counts, **totals.as_dict(), "recusals": recusals, **plan_counts}
    seconds = time.perf_counter() - started
    audit_record(
        actor=actor,
        action=AUDIT_ACTION,
        target=frame.county,
        after={"phase": "done", "seed": str(seed), "batch_size": batch_size, **all_counts},
        department=joint_office,
    )
    return DemoLoadResult(skipped=False, counts=all_counts, seconds=seconds)
