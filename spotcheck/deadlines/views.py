"""期限看板 (/deadlines/): counts of visits near or past their window's end and of results due
for publication or overdue, each linking to its list; per department for its admins and
approvers, for all for the coordinator."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from spotcheck.core import counting
from spotcheck.core.counting import CappedRows
from spotcheck.deadlines import selectors
from spotcheck.deadlines.access import require_dashboard
from spotcheck.deadlines.board_text import board_text
from spotcheck.deadlines.forms import DepartmentFilter
from spotcheck.deadlines.selectors import Board, Horizon

ROWS_PER_PAGE = 50


def _departments(request, allowed: frozenset[int] | None) -> tuple[DepartmentFilter, frozenset[int] | None, str]:
    """The departments to show: the filter's one (within those allowed), else all allowed. A
    bad value is reported on the form and ignored."""
    form = DepartmentFilter(request.GET, departments=allowed)
    chosen = form.cleaned_data.get("department") if form.is_valid() else None
    if chosen is None:
        return form, allowed, ""
    return form, frozenset({chosen.pk}), urlencode({"department": chosen.pk})


@login_required
@require_GET
def dashboard_view(request):
    _scope, allowed = require_dashboard(request.user)
    form, departments, querystring = _departments(request, allowed)
    horizon = Horizon.on()
    counts = selectors.board_counts(departments, horizon)
    boards = [
        {
            "board": board,
            "title": board_text(board)[0],
            "explanation": board_text(board)[1],
            "count": counts[board],
            "url": reverse("deadlines:list", args=[board.value]) + (f"?{querystring}" if querystring else ""),
        }
        for board in Board
    ]
    return render(
        request,
        "deadlines/dashboard.html",
        {
            "form": form,
            "boards": boards,
            "horizon": horizon,
            "all_departments": allowed is None,
            "show_filter": allowed is None or len(allowed) > 1,
            "count_cap": counting.COUNT_CAP,
        },
    )


@login_required
@require_GET
def board_list_view(request, board: str):
    _scope, allowed = require_dashboard(request.user)
    try:
        chosen_board = Board(board)
    except ValueError:
        raise Http404 from None
    form, departments, querystring = _departments(request, allowed)
    horizon = Horizon.on()
    # The first COUNT_CAP rows, nearest deadline first, counted with one capped query.
    rows = CappedRows(selectors.board_list(chosen_board, departments, horizon))
    page_obj = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/board_list.html",
        {
            "form": form,
            "board": chosen_board,
            "title": board_text(chosen_board)[0],
            "explanation": board_text(chosen_board)[1],
            "page_obj": page_obj,
            "rows": page_obj.object_list,
            "total": rows.total,
            "querystring": querystring,
            "horizon": horizon,
            "is_visits": chosen_board in (Board.VISITS_SOON, Board.VISITS_LATE),
            "all_departments": allowed is None,
            "show_filter": allowed is None or len(allowed) > 1,
        },
    )
