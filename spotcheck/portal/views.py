"""Public portal pages (一公开): no login, only what has been published."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from spotcheck.audit.anchors import anchor_line
from spotcheck.directory.object_filter import describe_object_filter
from spotcheck.draws import onsite
from spotcheck.draws.models import DepartmentOnSiteCap, DrawFrequencyRule, Task
from spotcheck.draws.selectors import task_visit_count
from spotcheck.drawspec import verify_draw
from spotcheck.planning.selectors import live_entries, published_plans
from spotcheck.planning.strata import describe_stratum_filters
from spotcheck.portal import selectors_results
from spotcheck.portal.row_urls import row_url
from spotcheck.portal.selectors import (
    list_is_public,
    notice_strata,
    public_page_record,
    public_plan,
    public_plan_history,
    public_record,
    public_redraw_counts,
    public_replaced_task,
    public_replacements,
    public_targets,
    public_task,
    public_tasks,
    published_anchors,
    withdrawn_public_entries,
)
from spotcheck.replies.selectors import accepted_replies  # voice14

PAGE_SIZE = 30
ANCHORS_PER_PAGE = 100
TARGETS_PER_PAGE = 100
QUERY_MAX = 100  # longer than any code or name: finds nothing anyway
INDEX_SIZE = 10
VERIFIER = Path(verify_draw.__file__)


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
        {
            "plans": published_plans()[:INDEX_SIZE],
            "tasks": public_tasks()[:INDEX_SIZE],
            "result_notices": selectors_results.public_result_notices()[:INDEX_SIZE],  # pub14
            # 无事不扰: the yearly cap is public, as the plans are.
            "frequency_rules": DrawFrequencyRule.objects.select_related("region").order_by("region__code"),
            "latest_anchor": published_anchors().first(),
            # 无事不扰 per body (i13-onsite): the default cap on on-site inspections and each
            # department's own.
            "onsite_default": onsite.default_cap(),
            "onsite_caps": DepartmentOnSiteCap.objects.filter(follows_default=False)
            .select_related("department__region")
            .order_by("department__region__code", "department__sort_order", "department__code"),
        },
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
            "scope_lines": describe_object_filter(e.scope),
            "strata": [
                {"stratum": s, "conditions": c}
                for s, c in zip(e.live_strata, describe_stratum_filters([s.filter for s in e.live_strata]), strict=True)
            ],
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
    return render(request, "portal/task_list.html", {"page_obj": page_obj, "redraw_counts": public_redraw_counts()})


@require_GET
def task_detail_view(request, code: str):
    task = public_task(code)
    record = public_page_record(task)
    drawn = task.draw.is_drawn
    show_list = list_is_public(task)
    strata = notice_strata(record)
    context = {
        "task": task,
        "draw": task.draw,
        "record": record,
        "strata": strata,
        "is_drawn": drawn,
        # Witness inputs are shown once they can no longer influence anything.
        "witnesses": list(task.witness_inputs.all()) if drawn else [],
        "show_list": show_list,
        "list_pending": drawn and not show_list,
        "after_visits": task.list_publication == Task.ListPublication.AFTER_VISITS,
        # 重新抽取: both tasks link to each other, the cancelled one stays public.
        "replaced_task": public_replaced_task(task),
        "replacements": public_replacements(task),
        # pub14: the task's result notice, once a result of it is public.
        "result_notice": selectors_results.public_result_notices().filter(task=task).first(),
    } | _browser_verifier_limit()
    if show_list:
        stratum = request.GET.get("stratum") or ""
        if stratum not in {s.name for s in strata}:
            stratum = ""
        # No NUL: PostgreSQL refuses it in a query's text.
        query = (request.GET.get("q") or "").replace("\x00", "").strip()[:QUERY_MAX]
        targets = public_targets(task, stratum=stratum, query=query)
        page_obj = Paginator(targets, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
        filtered = bool(stratum or query)
        context |= {
            "targets": page_obj,
            "target_total": task_visit_count(task) if filtered else page_obj.paginator.count,
            "target_filtered": filtered,
            "target_stratum": stratum,
            "target_query": query,
        }
    return render(request, "portal/task_detail.html", context)


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


def _browser_verifier_limit() -> dict[str, int]:
    limit = settings.SPOTCHECK_VERIFY_IN_BROWSER_MAX_BYTES
    return {"verify_max_bytes": limit, "verify_max_mb": max(1, limit // (1024 * 1024))}


@require_GET
def verify_view(request):
    """Verify any draw record in the browser (a file opened from disk, or pasted): the page's
    own script (static/portal/verify/) does the work; the record never leaves the browser."""
    return render(request, "portal/verify.html", _browser_verifier_limit())


@require_GET
def audit_anchor_list_view(request):
    """The audit chain's published heads: copies of them outside the platform make a rewrite or
    a truncation of the trail before an anchor detectable (``verify_audit_chain --anchors``)."""
    page_obj = Paginator(published_anchors(), ANCHORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/audit_anchors.html", {"page_obj": page_obj})


@require_GET
def audit_anchor_file_view(request):
    """Every published anchor, oldest first, one JSON object a line: the anchors file's format,
    which ``verify_audit_chain --anchors`` reads."""
    lines = [anchor_line(anchor) + "\n" for anchor in published_anchors().reverse()]
    return _attachment("".join(lines).encode(), "audit-anchors.jsonl", "text/plain; charset=utf-8")


# ------------------------------------------------------------------ 检查结果公告 (pub14)


@require_GET
def result_notice_list_view(request):
    page_obj = Paginator(selectors_results.public_result_notices(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/result_notice_list.html", {"page_obj": page_obj})


@require_GET
def result_notice_view(request, pk: int):
    notice = selectors_results.public_result_notice(pk)
    page_obj = Paginator(selectors_results.notice_results(notice), TARGETS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    replies = accepted_replies(rows)  # voice14: 企业说明（已审核） beside the result
    results = [selectors_results.public_result(row) for row in rows]
    # load14: each row's two links at the cost of one reverse each (row_urls).
    enterprise_url, reply_url = row_url("portal:enterprise"), row_url("portal:reply")
    return render(
        request,
        "portal/result_notice.html",
        {
            "notice": notice,
            "page_obj": page_obj,
            "results": [(r, replies.get(r.pk, []), enterprise_url(r.public_code), reply_url(r.pk)) for r in results],
        },
    )


@require_GET
def enterprise_view(request, public_code: str):
    """A page per enterprise (as the national publicity system shows it): every published result
    of every department, with its 后续处置 where public."""
    obj = selectors_results.public_object(public_code)
    page_obj = Paginator(selectors_results.object_results(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    results = [selectors_results.public_result(row) for row in rows]
    followups = selectors_results.public_followups(rows)
    replies = accepted_replies(rows)  # voice14: 企业说明（已审核） beside the result
    return render(
        request,
        "portal/enterprise.html",
        {
            # The name as last published (masked for a 个体工商户), not the directory's.
            "name": results[0].name if results else "",
            "public_code": obj.public_code,
            "uscc": obj.uscc or "",
            "page_obj": page_obj,
            "rows": [(r, followups.get(r.pk, []), replies.get(r.pk, [])) for r in results],
        },
    )


# (portal14) The error pages of a portal-only host (spotcheck/urls_portal.py): in the portal's
# layout, linking back to the portal, as the staff ones would to a workspace that is not there.


# load14: the portal's language switch is a link, not the staff side's POST form with a CSRF
# token, so that one copy of a page serves every anonymous visitor (portal/page_cache.py). It
# sets only the visitor's own language cookie, which Django's set_language (POST only) would.
@require_GET
def language_view(request, code: str):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("portal:index")
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def page_not_found_view(request, exception=None):
    return render(request, "portal/404.html", status=404)


def permission_denied_view(request, exception=None):
    return render(request, "portal/403.html", status=403)
