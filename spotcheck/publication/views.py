"""检查结果公示 pages: a department's list of tasks with results to publish, a task's results
with their publication (publish all or some, publish a correction, withdraw), all thin: fetched
through ``access``, read through ``selectors``, written through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.scope import Role, require_staff, scope_for
from spotcheck.core.messages import flash_service_errors
from spotcheck.core.params import parse_id
from spotcheck.draws.selectors import tasks_for_scope
from spotcheck.publication import access, selectors, services
from spotcheck.publication.models import PublishedResult
from spotcheck.results.models import VisitResult

PER_PAGE = 50


@login_required
@require_GET
def index_view(request):
    """The tasks with a final result to publish or a correction to publish, in the departments
    whose results the user reads (region-wide readers: all)."""
    scope = require_staff(request.user)
    tasks = tasks_for_scope(scope)
    if not scope.reads_all:
        tasks = tasks.filter(
            lead_department_id__in=scope.departments_with_role(Role.DEPT_ADMIN, Role.APPROVER, Role.AUDITOR)
        )
    page = Paginator(selectors.tasks_awaiting(tasks), PER_PAGE).get_page(request.GET.get("page"))
    rows = [(task, selectors.task_counts(task)) for task in page.object_list]
    return render(request, "publication/index.html", {"rows": rows, "page_obj": page})


@login_required
@require_GET
def task_view(request, pk: int):
    task = access.get_publication_task_for_user(request.user, pk)
    page = Paginator(selectors.task_results_for_publication(task), PER_PAGE).get_page(request.GET.get("page"))
    notice = getattr(task, "result_notice", None)
    awaiting = set(
        selectors.awaiting_publication(VisitResult.objects.filter(pk__in=[r.pk for r in page.object_list])).values_list(
            "pk", flat=True
        )
    )
    corrections = set(
        selectors.awaiting_correction(VisitResult.objects.filter(pk__in=[r.pk for r in page.object_list])).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "publication/task.html",
        {
            "task": task,
            "notice": notice,
            "results": page.object_list,
            "page_obj": page,
            "awaiting": awaiting,
            "corrections": corrections,
            "counts": selectors.task_counts(task),
            "may_publish": access.may_publish(scope_for(request.user), task),
        },
    )


def _back(task_pk: int):
    return redirect(reverse("publication:task", args=[task_pk]))


@login_required
@require_POST
def publish_view(request, pk: int):
    task = access.get_publication_task_for_user(request.user, pk, write=True)
    chosen = request.POST.getlist("result")
    ids = None
    if chosen:
        ids = [parsed for raw in chosen if (parsed := parse_id(raw)) is not None]
        if not ids:
            messages.error(request, _("请选择要公示的检查结果。"))
            return _back(task.pk)
    try:
        published = services.results_publish(actor=request.user, task=task, result_ids=ids)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        count = len(published)
        messages.success(
            request,
            ngettext("已公示 %(count)d 个检查结果。", "已公示 %(count)d 个检查结果。", count) % {"count": count},
        )
    return _back(task.pk)


@login_required
@require_POST
def correct_view(request, pk: int):
    visit_result = get_object_or_404(VisitResult.objects.select_related("visit__task"), pk=pk)
    task = access.get_publication_task_for_user(request.user, visit_result.visit.task_id, write=True)
    try:
        services.result_publication_correct(
            actor=request.user, visit_result=visit_result, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已公示更正后的检查结果。"))
    return _back(task.pk)


@login_required
@require_POST
def withdraw_view(request, pk: int):
    published = get_object_or_404(PublishedResult.objects.select_related("notice__task"), pk=pk)
    task = access.get_publication_task_for_user(request.user, published.notice.task_id, write=True)
    try:
        services.result_publication_withdraw(
            actor=request.user, published=published, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已撤下该检查结果。"))
    return _back(task.pk)
