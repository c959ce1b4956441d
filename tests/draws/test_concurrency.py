"""Two operators pressing 'draw' at once on the same task give one draw (row lock)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from spotcheck.draws import services
from spotcheck.draws.models import Draw, Task, Visit, VisitMember


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_draws_give_one(make_task, run_ceremony, scjg_admin, coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent connections)")
    task = run_ceremony(make_task(), draw=False)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def operator(actor) -> None:
        try:
            start.wait()
            services.task_draw(actor=actor, task=Task.objects.get(pk=task.pk))
            outcomes.append("drawn")
        except ValidationError as exc:
            outcomes.append("refused: " + exc.messages[0])
        except Exception as exc:  # anything else is a failure of the test
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=operator, args=(a,)) for a in (scjg_admin, coordinator)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["drawn", "refused"], outcomes
    assert "已经抽取" in next(o for o in outcomes if o.startswith("refused"))
    draw = Draw.objects.get(task=task)
    assert draw.is_drawn
    assert Visit.objects.filter(task=task).count() == len(draw.result["targets"])
    assert VisitMember.objects.filter(visit__task=task).count() == 2 * len(draw.result["targets"])
