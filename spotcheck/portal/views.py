"""Public portal pages (一公开): no login, only what has been published."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from spotcheck.catalog.scope_filter import describe_scope
from spotcheck.draws import engine
from spotcheck.draws.models import Task
from spotcheck.planning.selectors import live_entries, published_plans
from spotcheck.planning.strata import describe_stratum_filter
from spotcheck.portal.selectors import (
    drawn_targets,
    list_is_public,
    notice_strata,
    public_plan,
    public_plan_history,
    public_record,
    public_task,
    public_tasks,
    withdrawn_public_entries,
)

PAGE_SIZE = 30
INDEX_SIZE = 10
VERIFIER = Path(engine.__file__).with_name("verify_draw.py")


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def index_view(request):
    return render(
        request,
        "portal/index.html",
        {"plans": published_plans()[:INDEX_SIZE], "tasks": public_tasks()[:INDEX_SIZE]},
    )


@require_GET
def plan_list_view(request):
    page_obj = Paginator(published_plans(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/plan_list.html", {"page_obj": page_obj})


@require_GET
def plan_detail_view(request, pk: int):
    plan = public_plan(pk)
    entries = [
        {
            "entry": e,
            "scope_lines": describe_scope(e.scope),
            "strata": [{"stratum": s, "conditions": describe_stratum_filter(s.filter)} for s in e.live_strata],
        }
        for e in live_entries(plan)
    ]
    return render(
        request,
        "portal/plan_detail.html",
        {
            "plan": plan,
            "entries": entries,
            "withdrawn_entries": withdrawn_public_entries(plan),
            "events": public_plan_history(plan),
        },
    )


@require_GET
def task_list_view(request):
    page_obj = Paginator(public_tasks(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/task_list.html", {"page_obj": page_obj})


@require_GET
def task_detail_view(request, code: str):
    task = public_task(code)
    record = public_record(task)
    drawn = task.draw.is_drawn
    show_list = list_is_public(task)
    return render(
        request,
        "portal/task_detail.html",
        {
            "task": task,
            "draw": task.draw,
            "record": record,
            "strata": notice_strata(record),
            "is_drawn": drawn,
            # Witness inputs are shown once they can no longer influence anything.
            "witnesses": list(task.witness_inputs.all()) if drawn else [],
            "show_list": show_list,
            "targets": drawn_targets(task, record) if show_list else [],
            "list_pending": drawn and not show_list,
            "after_visits": task.list_publication == Task.ListPublication.AFTER_VISITS,
        },
    )


@require_GET
def task_record_view(request, code: str):
    """The task's public record (or, until the list is public, its notice) as a JSON file."""
    task = public_task(code)
    record = public_record(task)
    content = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return _attachment(content, f"{task.code}.json", "application/json; charset=utf-8")


@require_GET
def verifier_view(request):
    """The one-file verifier, served as it is in the code base (standard library only)."""
    return _attachment(VERIFIER.read_bytes(), "verify_draw.py", "text/x-python; charset=utf-8")
