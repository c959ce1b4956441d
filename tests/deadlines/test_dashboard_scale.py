"""期限看板 at a province's scale (issue 13's benchmark, bench/bench_inspections.py): counts stop
at the platform's cap ("1,000+", core.counting) and the lists page through their first rows;
visits not done are found through each visit's copy of its result's status, which the result
services keep in step and which says what the finality rule says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from spotcheck.core import counting
from spotcheck.core.counting import CappedCount
from spotcheck.deadlines.finality import visit_done
from spotcheck.deadlines.selectors import Board, Horizon, board_counts, visits_not_done
from spotcheck.draws.models import Visit
from spotcheck.results import services
from spotcheck.results.models import VisitResult
from tests.clock import clock_at
from tests.fixtures.deadlines import make_result
from tests.fixtures.results import result_data

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
TODAY = D("2026-06-25")  # the task's window ends on 30 June: its visits are "soon"


@pytest.fixture
def visits(scjg_task):
    return list(Visit.objects.filter(task=scjg_task).order_by("pk"))


def _state(visit: Visit) -> str:
    return Visit.objects.values_list("result_state", flat=True).get(pk=visit.pk)


def test_a_capped_count_reads_as_more_than():
    assert (str(CappedCount(1001, 1000)), CappedCount(1001, 1000).truncated) == ("1,000+", True)
    assert (str(CappedCount(1000, 1000)), CappedCount(1000, 1000).truncated) == ("1,000", False)
    assert not CappedCount(0, 1000) and CappedCount(0, 1000).shown == 0


def test_counts_and_lists_stop_at_the_cap(login, visits, scjg_admin, monkeypatch):
    assert len(visits) >= 6
    monkeypatch.setattr(counting, "COUNT_CAP", 3)
    count = board_counts(None, Horizon.on(TODAY))[Board.VISITS_SOON]
    assert (count.value, count.truncated, str(count)) == (4, True, "3+")
    soon = reverse("deadlines:list", args=[Board.VISITS_SOON.value])
    with clock_at(TODAY):
        client = login(scjg_admin)
        page = client.get(reverse("deadlines:dashboard")).content.decode()
        assert f'<a href="{soon}" data-count="4" data-capped' in page and ">3+</a>" in page
        assert "超过 3 条时显示为“3+”" in page
        listing = client.get(soon).content.decode()
        assert listing.count("data-visit=") == 3 and "超过 3 条，下面按期限先后列出前 3 条" in listing
        # The nearest first, by rank: the first three of the task's visits.
        shown = [v.pk for v in sorted(visits, key=lambda v: (v.rank, v.pk))[:3]]
        assert all(f'data-visit="{pk}"' in listing for pk in shown)
        # Under the cap the count is exact, and so is the list.
        for visit in visits[2:]:
            make_result(visit, scjg_admin)
        count = board_counts(None, Horizon.on(TODAY))[Board.VISITS_SOON]
        assert (count.value, count.truncated, str(count)) == (2, False, "2")
        listing = client.get(soon).content.decode()
        assert listing.count("data-visit=") == 2 and 'data-total="2"' in listing and "共 2 条" in listing


def test_the_results_lists_stop_at_the_cap_nearest_deadline_first(login, visits, scjg_admin, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_CAP", 2)
    results = [make_result(v, scjg_admin, confirmed_on=D("2026-05-04")) for v in visits[:4]]
    for n, result in enumerate(results):
        VisitResult.objects.filter(pk=result.pk).update(publication_due_on=D("2026-06-10") - dt.timedelta(days=n))
    count = board_counts(None, Horizon.on(TODAY))[Board.RESULTS_OVERDUE]
    assert (count.value, str(count)) == (3, "2+")
    with clock_at(TODAY):
        listing = login(scjg_admin).get(reverse("deadlines:list", args=[Board.RESULTS_OVERDUE.value])).content.decode()
    assert listing.count("data-result=") == 2
    assert listing.index(f'data-result="{results[3].pk}"') < listing.index(f'data-result="{results[2].pk}"')
    assert f'data-result="{results[0].pk}"' not in listing


@pytest.mark.parametrize("needs_approval", [False, True])
def test_the_copy_says_what_the_finality_rule_says(visits, scjg_admin, scjg, needs_approval):
    scjg.results_need_approval = needs_approval
    scjg.save(update_fields=["results_need_approval"])
    for visit, status in zip(visits, VisitResult.Status.values, strict=False):
        make_result(visit, scjg_admin, status=status)
    by_rule = set(Visit.objects.filter(task=visits[0].task).exclude(visit_done()).values_list("pk", flat=True))
    by_copy = set(visits_not_done(None, Horizon.on(TODAY), late=False).values_list("pk", flat=True))
    assert by_copy == by_rule
    final = {"approved"} if needs_approval else {"approved", "confirmed"}
    assert len(by_rule) == len(visits) - len(final)


@pytest.mark.usefixtures("spring_2026")
def test_the_result_services_keep_the_copy_in_step(result_officers, result_approved, scjg, scjg_approver):
    scjg.results_need_approval = True
    scjg.save(update_fields=["results_need_approval"])
    first, second = result_officers
    visit = result_approved
    assert _state(visit) == ""
    result = services.result_save(actor=first, visit=visit, data=result_data(visit), base_revision=None)
    assert _state(visit) == "entered"
    services.result_confirm(actor=first, visit_result=result, revision=1)
    assert _state(visit) == "entered"  # one confirmation of two
    services.result_confirm(actor=second, visit_result=result, revision=1)
    assert _state(visit) == "confirmed"
    services.result_approve(actor=scjg_approver, task=visit.task)
    assert _state(visit) == "approved"
    services.result_save(actor=first, visit=visit, data=result_data(visit), base_revision=1, reason="更正检查日期")
    assert _state(visit) == "entered"  # a correction is confirmed and approved anew
    assert _state(visit) == VisitResult.objects.get(visit=visit).status
