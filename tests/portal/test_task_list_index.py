"""The portal's task notices, newest first, read from their index (load14): the home page and the
task list page read the head of ``task_announced_idx`` instead of sorting every announced task
(12 ms a page at 10^4 tasks, 0.5 ms from the index)."""

import pytest
from django.db import connection
from django.urls import reverse

from spotcheck.portal.selectors import public_tasks

pytestmark = pytest.mark.django_db


def test_task_list_is_newest_notice_first(public, make_task, run_ceremony):
    announced = [run_ceremony(make_task(), draw=False) for _ in range(3)]
    make_task()  # a draft: never public
    codes = [t.code for t in public_tasks()]
    assert codes == [t.code for t in sorted(announced, key=lambda t: (t.announced_at, t.pk), reverse=True)]
    listing = public.get(reverse("portal:task_list")).content.decode()
    positions = [listing.index(code) for code in codes]
    assert positions == sorted(positions)


@pytest.mark.postgres_only
def test_task_list_page_reads_the_announced_index(make_task, run_ceremony):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (its plan)")
    run_ceremony(make_task(), draw=False)
    sql, params = public_tasks()[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        # A table of one task is cheapest to read whole: leave the planner the index or a
        # (disabled) scan and sort.
        cursor.execute("SET enable_seqscan = off; SET enable_sort = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_sort")
    assert "task_announced_idx" in plan, plan
