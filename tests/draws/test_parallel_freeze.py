"""A large directory's pool is gathered by several connections over ranges of public codes
(``pool_parallel``); the strata, digests and exclusions are those of the single statement."""

import psycopg
import pytest
from django.db import connection

from spotcheck.draws import frequency, pool_parallel, services
from spotcheck.draws.models import FrozenStratum, PoolExclusionGroup
from spotcheck.draws.selectors import full_record, pool_exclusions
from spotcheck.drawspec import engine
from tests.factories import InspectionObjectFactory, later_window


@pytest.mark.django_db(transaction=True)
def test_parallel_freeze_gives_what_the_single_statement_gives(
    make_task, run_ceremony, scjg_admin, coordinator, scjg, towns, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (exported snapshots, several connections)")
    for n in range(60):
        InspectionObjectFactory(
            region=towns[n % 2],
            owner_department=scjg,
            credit_level="CD"[n % 2] if n % 3 == 0 else "B",
            status="active" if n % 11 else "cancelled",
        )
    for n in range(5):  # other lengths and scripts than the USCCs
        InspectionObjectFactory(product=True, public_code=f"产品-{n:03d}", region=towns[0], owner_department=scjg)
    # A draw, then a yearly cap of one: the objects it drew are left out of later pools, by a
    # list read once and handed to every range (pool.objects_among).
    settings.SPOTCHECK_FREEZE_WORKERS = 1
    drawn = run_ceremony(make_task(max_visits_per_inspector=100))
    frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=1)
    used = []  # the parallel path runs for the second task only (a spy, the real function runs)
    gather = pool_parallel.freeze_in_parallel
    monkeypatch.setattr(pool_parallel, "freeze_in_parallel", lambda *args: used.append(args[-1]) or gather(*args))
    tasks = {}
    for workers, threshold in ((1, 10**9), (3, 0)):
        settings.SPOTCHECK_FREEZE_WORKERS, settings.SPOTCHECK_FREEZE_PARALLEL_ROWS = workers, threshold
        # In the week after the drawn task's window: the same item again there would be a redraw.
        task = make_task(max_visits_per_inspector=100, frequency_cap_days=0, **later_window(1))
        tasks[workers] = run_ceremony(task, draw=False)
    single, parallel = tasks[1], tasks[3]
    assert used == [3]
    # Stored in parts, one per range read: the parallel path ran, not its fallback.
    assert FrozenStratum.objects.filter(task=parallel, part__gt=0).exists()
    assert not FrozenStratum.objects.filter(task=single, part__gt=0).exists()

    def run_ceremony_draw(task):
        services.task_draw(actor=scjg_admin, task=task)
        task.refresh_from_db()
        return task

    def strata(task):
        return [(name, len(ids), ids.text) for name, ids in FrozenStratum.id_lists(task.pk).items()]

    assert strata(parallel) == strata(single) and all(count for _name, count, _text in strata(single))
    assert list(parallel.strata.values_list("name", "count", "digest")) == list(
        single.strata.values_list("name", "count", "digest")
    )
    assert parallel.draw.pool_digest == single.draw.pool_digest
    exclusions = {t: [(e.inspection_object_id, e.reason, e.detail) for e in pool_exclusions(t)] for t in tasks.values()}
    assert exclusions[parallel] == exclusions[single] and len(exclusions[single]) >= 5
    at_cap = {pk for pk, reason, _detail in exclusions[single] if reason == PoolExclusionGroup.Reason.YEARLY_CAP}
    assert at_cap == set(drawn.visits.values_list("inspection_object_id", flat=True))
    assert engine.verify_record(full_record(run_ceremony_draw(parallel))) == []


@pytest.mark.django_db(transaction=True)
def test_without_worker_connections_the_freeze_runs_as_one_statement(
    make_task, run_ceremony, scjg, towns, settings, monkeypatch, caplog
):
    """A server at its connection limit: the freeze still happens, in one statement."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (exported snapshots, several connections)")
    settings.SPOTCHECK_FREEZE_WORKERS, settings.SPOTCHECK_FREEZE_PARALLEL_ROWS = 2, 0
    real_connect = psycopg.connect
    calls = []

    def connect(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise psycopg.OperationalError("too many clients already")
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(pool_parallel.psycopg, "connect", connect)
    for n in range(30):
        InspectionObjectFactory(region=towns[n % 2], owner_department=scjg)
    task = run_ceremony(make_task(max_visits_per_inspector=100), draw=False)
    assert len(calls) == 2 and "one statement instead" in caplog.text
    assert task.status == "announced"
    assert not FrozenStratum.objects.filter(task=task, part__gt=0).exists()
    assert sum(s.count for s in task.strata.all()) == task.frozen_pool.member_count > 0
