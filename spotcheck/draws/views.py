"""Staff pages of inspection tasks and the draw ceremony. Thin: fetch through the access helper
and selectors, write through the services, show service errors to the user."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.core.forms import put_service_errors
from spotcheck.core.messages import flash_service_errors, run_service
from spotcheck.core.params import parse_id, parse_year
from spotcheck.directory.access import readable_object_ids
from spotcheck.directory.object_filter import describe_object_filter, describe_object_filters
from spotcheck.draws import access, ceremony_jobs, guide, selectors, services
from spotcheck.draws.access import get_task_for_user
from spotcheck.draws.forms import (
    ADD_SLOT_ROWS,
    BaseSlotFormSet,
    CancelForm,
    RedrawRefuseForm,
    WitnessInputForm,
    task_forms_for_edit,
    task_forms_for_entry,
)
from spotcheck.draws.models import CeremonyJob, Draw, FrozenPool, PoolExclusionGroup, Task
from spotcheck.drawspec import engine, verify_draw
from spotcheck.planning.access import get_entry_for_user, require_task_from_entry

Status = Task.Status
VERIFIER = Path(verify_draw.__file__)
EXCLUSIONS_PER_PAGE = 50
TASKS_PER_PAGE = 50
VISITS_PER_PAGE = 100
MEMBERS_PER_PAGE = 100
VISIT_QUERY_MAX = 100  # a search longer than any code or name finds nothing anyway


@login_required
@require_GET
def task_list_view(request):
    scope = require_staff(request.user)
    status = request.GET.get("status") or ""
    year = request.GET.get("year") or ""
    step = request.GET.get("step") or ""
    step = step if step in guide.TaskStep.values else ""
    # 发起部门: the home page's links to a department admin's own tasks name its departments.
    leads = sorted({pk for pk in (parse_id(v) for v in request.GET.getlist("lead")) if pk is not None})
    tasks = selectors.task_list(
        scope,
        status=status if status in Status.values else None,
        year=parse_year(year),
    )
    if leads:
        tasks = tasks.filter(lead_department_id__in=leads)
    if step:
        tasks = guide.tasks_at_step(tasks, step)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    query = [(k, v) for k, v in (("status", status), ("year", year), ("step", step)) if v]
    query += [("lead", str(pk)) for pk in leads]
    return render(
        request,
        "draws/task_list.html",
        {
            "page_obj": page,
            "tasks": page.object_list,
            "status": status,
            "year": year,
            "step": step,
            "leads": leads,
            "statuses": Status.choices,
            "steps": guide.TaskStep.choices,
            "lead_choices": list(
                Department.objects.filter(
                    is_active=True, pk__in=selectors.tasks_for_scope(scope).values("lead_department")
                )
                .order_by("sort_order", "pk")
                .values_list("pk", "short_name")
            ),
            "querystring": urlencode(query),
            "entries": list(selectors.entries_for_new_task(scope)[:200]) if scope.can_write_anything else [],
            "redraw_counts": selectors.redraw_counts(selectors.tasks_for_scope(scope)),
            "redraws_awaiting": list(selectors.redraws_awaiting_approval(scope)[:200])
            if scope.coordinator_region_id is not None
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request):
    entry_id = parse_id(request.GET.get("entry") or request.POST.get("entry"))
    if entry_id is None:
        raise Http404(_("请选择计划条目。"))
    entry = get_entry_for_user(request.user, entry_id)
    require_task_from_entry(scope_for(request.user), entry)
    candidates = selectors.redraw_candidates_for_entry(entry)
    posted = request.POST if request.method == "POST" else None
    form, slots = task_forms_for_entry(entry, posted, redraw_candidates=candidates)
    if posted is not None and ADD_SLOT_ROWS not in posted and form.is_valid() and slots.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create_from_entry(
                actor=request.user,
                entry=entry,
                title=data["title"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                slots=slots.slots(),
                lead_slot=slots.lead_slot(),
                max_visits_per_inspector=data["max_visits_per_inspector"],
                list_publication=data["list_publication"],
                cross_office=data["cross_office"],
                exclude_last_inspector=data["exclude_last_inspector"],
                replaces=data.get("replaces"),
                redraw_reason=data.get("redraw_reason") or "",
            )
        except ValidationError as exc:
            _put_task_errors(exc, form, slots)
        else:
            if task.replaces_id is not None:
                messages.success(request, _("已创建重新抽取任务草稿，待联席办批准后才能冻结对象库。"))
            else:
                messages.success(request, _("已创建抽查任务草稿。"))
            return redirect("draws:detail", pk=task.pk)
    return render(
        request,
        "draws/task_form.html",
        {"form": form, "slots": slots, "entry": entry, "scope_lines": describe_object_filter(entry.scope)},
    )


def _put_task_errors(exc: ValidationError, form, slots: BaseSlotFormSet) -> None:
    """The service's refusals about the team (code ``slots``) above the slot rows, the rest
    under their fields or at the top of the form."""
    if hasattr(exc, "error_dict"):
        put_service_errors(exc, form, extra={"slots": slots.add_service_errors, "lead_slot": slots.add_service_errors})
        return
    about_slots = [error for error in exc.error_list if error.code == "slots"]
    if about_slots:
        slots.add_service_errors([message for error in about_slots for message in error.messages])
    if rest := [error for error in exc.error_list if error.code != "slots"]:
        put_service_errors(ValidationError(rest), form)


def _witness_context(request, task: Task, form: WitnessInputForm | None = None, *, busy: bool | None = None) -> dict:
    scope = scope_for(request.user)
    operator = access.can_operate(scope, task)
    open_for_input = task.status == Status.ANNOUNCED and task.match_failed_at is None
    may_enter = open_for_input and access.can_enter_witness_input(scope, task)
    if may_enter and form is None:
        typed = access.can_type_witness_input(scope, task)
        form = WitnessInputForm(operator=typed, departments=_witness_departments(task))
    if busy is None:  # a freeze or draw waiting in the background
        busy = ceremony_jobs.active_job(task) is not None
    witnesses = list(selectors.witness_inputs(task))
    # A witness enters one input of their own; the operator may type several for others.
    own_input = next((w for w in witnesses if w.witness_user_id == request.user.pk), None)
    if own_input is not None and not access.can_type_witness_input(scope, task):
        may_enter = False
    return {
        "task": task,
        "witnesses": witnesses,
        "own_input": own_input,
        "witness_form": form if may_enter else None,
        "can_draw": operator and open_for_input and not busy,
        # Why the draw button cannot be used yet, said next to it ("" when it can).
        "draw_blocked": guide.witnesses_missing(task, witnesses) if open_for_input else "",
        "min_witnesses": engine.MIN_WITNESSES,
    }


def _witness_departments(task: Task):
    return Department.objects.filter(is_active=True, region_id=task.lead_department.region_id).order_by(
        "sort_order", "pk"
    )


def _other_params(request, *names: str) -> list[tuple[str, str]]:
    """The query parameters of the other lists on the page, carried by a list's own search
    form as hidden fields (so searching the visits keeps the exclusions' page, and so on)."""
    return [(key, value) for key, value in request.GET.items() if key not in names and value]


def _visit_context(request, task: Task, draw: Draw | None, strata: list, *, show_teams: bool) -> dict:
    """The targets of a drawn task, a page at a time: filtered by stratum and, for those who see
    the teams, by inspector; searched by any part of the name or the start of the code; the
    total from a count query. Each object links to its page where the reader may open it."""
    if draw is None or not draw.is_drawn:
        return {"visits": None}
    scope = scope_for(request.user)
    stratum = request.GET.get("stratum") or ""
    if stratum not in {s.name for s in strata}:
        stratum = ""
    inspectors = list(selectors.task_inspectors(task)) if show_teams else []
    inspector_id = parse_id(request.GET.get("inspector"))
    if inspector_id not in {i.pk for i in inspectors}:  # unknown, malformed, or teams not shown
        inspector_id = None
    # No NUL: PostgreSQL refuses it in a query's text.
    query = (request.GET.get("q") or "").replace("\x00", "").strip()[:VISIT_QUERY_MAX]
    visits = selectors.task_visit_list(task, stratum=stratum, query=query, inspector_id=inspector_id)
    page = Paginator(selectors.VisitPages(visits), VISITS_PER_PAGE).get_page(request.GET.get("visit_page"))
    filtered = bool(stratum or query or inspector_id)
    return {
        "visits": page,
        "visit_total": selectors.task_visit_count(task) if filtered else page.paginator.count,
        "visit_filtered": filtered,
        "visit_stratum": stratum,
        "visit_query": query,
        "visit_inspectors": inspectors,
        "visit_inspector": inspector_id,
        "visit_hidden": _other_params(request, "stratum", "q", "inspector", "visit_page"),
        "linked_objects": readable_object_ids(scope, (v.inspection_object_id for v in page.object_list)),
        "can_export_visits": show_teams,
    }


def _member_context(request, task: Task, frozen: FrozenPool | None) -> dict:
    """The members of one frozen stratum, a page at a time, when the reader asks for them: a
    province's stratum is millions of ids, not read on every view of the page."""
    name = request.GET.get("pool_stratum") or ""
    if frozen is None or not name:
        return {"members": None, "member_stratum": ""}
    query = (request.GET.get("pool_q") or "").strip()[:VISIT_QUERY_MAX]
    members = selectors.stratum_member_page(
        task, name, page=request.GET.get("pool_page"), per_page=MEMBERS_PER_PAGE, query=query
    )
    return {
        "members": members,
        "member_stratum": name,
        "member_query": query.upper(),
        "member_hidden": _other_params(request, "pool_stratum", "pool_q", "pool_page"),
    }


@login_required
@require_GET
def task_detail_view(request, pk: int):
    scope = scope_for(request.user)
    try:
        task = get_task_for_user(request.user, pk)
    except Http404:
        reason = access.out_of_scope_reason(scope, pk)
        if reason is None:
            raise
        return render(request, "draws/task_out_of_scope.html", {"reason": reason}, status=404)
    operator = access.can_operate(scope, task)
    # The result of a province's draw (10^5 targets and teams) is not for a page view either:
    # the targets are read from the visits, a page at a time.
    draw = Draw.objects.defer("result").filter(task=task).first()
    # The member and exclusion blobs of a province's pool run to megabytes: not for a page view.
    frozen = FrozenPool.objects.defer("exclusions").filter(task=task).first()
    strata = list(task.strata.order_by("position"))
    sizes = {}
    if draw is not None:
        sizes = {
            s["name"]: engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]) for s in draw.input["strata"]
        }
    reason = request.GET.get("reason") or ""
    job = ceremony_jobs.job_to_show(task)
    busy = job is not None and job.is_active  # a freeze or draw waits in the background
    # Read once: the page lists them and the record's copy and what a witness sees depend on them.
    departments = list(task.participating_departments.order_by("sort_order", "pk"))
    department_ids = {d.pk for d in departments}
    show_pool = access.can_see_pool(scope, task, department_ids)
    exclusions = selectors.pool_exclusions(task, reason if reason in PoolExclusionGroup.Reason.values else None)
    exclusion_page = Paginator(exclusions, EXCLUSIONS_PER_PAGE).get_page(request.GET.get("page")) if show_pool else None
    # The scope, the pool filter and each stratum's filter in words, their names read at once.
    scope_lines, pool_filter_lines, *stratum_lines = describe_object_filters(
        [task.scope, task.pool_filter, *(s.filter for s in strata)]
    )
    context = {
        "task": task,
        "draw": draw,
        "frozen": frozen,
        "strata": [
            {"stratum": s, "size": sizes.get(s.name), "conditions": lines}
            for s, lines in zip(strata, stratum_lines, strict=True)
        ],
        "scope_lines": scope_lines,
        "pool_filter_lines": pool_filter_lines,
        "items": task.items.select_related("item").order_by("item__code"),
        "departments": departments,
        "exclusion_counts": selectors.pool_exclusion_counts(task) if frozen and show_pool else [],
        "show_pool": show_pool,
        "show_teams": access.can_see_teams(scope, task, department_ids),
        "page_obj": exclusion_page,
        "reason": reason,
        # The exclusions' pager keeps the other lists' parameters.
        "querystring": urlencode(_other_params(request, "page")),
        "match_failure": selectors.match_failure(task),
        "slots": selectors.slots_described(task),
        "operator": operator,
        "can_freeze": operator and task.status == Status.DRAFT and not busy and not task.awaits_redraw_approval,
        "can_announce": operator and task.status == Status.FROZEN,
        # Until the notice the task may change (a frozen one is unfrozen first).
        "can_edit": operator and task.status in (Status.DRAFT, Status.FROZEN) and not busy,
        "can_unfreeze": operator and task.status == Status.FROZEN and not busy,
        "match_check": draw.match_check if draw is not None and task.status == Status.FROZEN else None,
        "match_check_message": services.infeasible_message(draw.match_check)
        if draw is not None and draw.match_check and not draw.match_check["feasible"]
        else "",
        "can_cancel": operator and task.status != Status.CANCELLED,
        "can_decide_redraw": access.can_decide_redraw(scope, task)
        and task.redraw_status == Task.RedrawStatus.REQUESTED
        and task.status == Status.DRAFT
        and task.created_by_id != request.user.pk,
        "redraw_refuse_form": RedrawRefuseForm(),
        # Only a cancelled task is replaced by a redraw.
        "replaced_by": list(task.replaced_by.order_by("created_at", "pk")) if task.status == Status.CANCELLED else [],
        "can_publish_list": operator
        and task.status == Status.DRAWN
        and task.list_published_at is None
        and task.list_publication == Task.ListPublication.AFTER_VISITS,
        "full_record": access.has_full_record_access(scope, task, department_ids),
        "cancel_form": CancelForm(),
        "ceremony_job": job,
        "now": timezone.now(),
    }
    show_targets = access.can_see_targets(scope, task, department_ids)
    context |= _visit_context(request, task, draw if show_targets else None, strata, show_teams=context["show_teams"])
    context |= _member_context(request, task, frozen if show_pool else None)
    context |= _witness_context(request, task, busy=busy)
    context["ceremony_steps"] = guide.ceremony_steps(
        task, draw=draw, witnesses=context["witnesses"], departments=departments, busy=busy
    )
    check = context["match_check"]
    context["announce_blocked"] = (
        next(step.missing for step in context["ceremony_steps"] if step.key == "announce")
        if check and not check["feasible"]
        else ""
    )
    return render(request, "draws/task_detail.html", context)


def _ceremony_step(action, success: str):
    """A POST-only view that runs one step of the ceremony on the task (the lead department's
    operators only) and goes back to it."""

    @login_required
    @require_POST
    def view(request, pk: int):
        task = get_task_for_user(request.user, pk, write=True)
        run_service(request, action, success, task=task)
        return redirect("draws:detail", pk=task.pk)

    return view


def _ceremony_step_or_job(step: str, success: str):
    """Freezing or drawing: in the request, or, for a large pool, as a background job that the
    task page follows (``ceremony_jobs``)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        task = get_task_for_user(request.user, pk, write=True)
        try:
            job = ceremony_jobs.ceremony_step_run_or_queue(actor=request.user, task=task, step=step)
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            if job is None:
                messages.success(request, success)
            else:
                queued = _("对象库约 %(n)s 个对象，已转入后台处理；完成后本页自动刷新。")
                messages.info(request, queued % {"n": intcomma(job.objects_estimate)})
        return redirect("draws:detail", pk=task.pk)

    return view


task_freeze_view = _ceremony_step_or_job(CeremonyJob.Step.FREEZE, gettext_lazy("对象库已冻结。"))
task_announce_view = _ceremony_step(services.task_announce, gettext_lazy("已发布任务公告，可以录入见证人输入。"))
task_draw_view = _ceremony_step_or_job(CeremonyJob.Step.DRAW, gettext_lazy("已揭晓服务器密钥并完成抽取。"))
task_publish_list_view = _ceremony_step(services.task_publish_list, gettext_lazy("已公开抽取名单。"))


@login_required
@require_GET
def task_job_view(request, pk: int):
    """The task page's background-job panel, polled while the job runs; once it has ended the
    whole page reloads to show the step's outcome."""
    task = get_task_for_user(request.user, pk)
    job = ceremony_jobs.job_to_show(task)
    if request.htmx and (job is None or not job.is_active):
        return HttpResponseClientRefresh()
    return render(request, "draws/_ceremony_job.html", {"task": task, "ceremony_job": job, "now": timezone.now()})


@login_required
@require_POST
def task_cancel_view(request, pk: int):
    task = get_task_for_user(request.user, pk, write=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        run_service(request, services.task_cancel, _("任务已作废。"), task=task, reason=form.cleaned_data["reason"])
    else:
        messages.error(request, _("请填写作废原因。"))
    return redirect("draws:detail", pk=task.pk)


@login_required
@require_POST
def task_redraw_approve_view(request, pk: int):
    """The coordinator approves a redraw (the task page's button)."""
    task = get_task_for_user(request.user, pk)
    run_service(request, services.task_redraw_approve, _("已批准重新抽取，任务可以冻结对象库。"), task=task)
    return redirect("draws:detail", pk=task.pk)


@login_required
@require_POST
def task_redraw_refuse_view(request, pk: int):
    """The coordinator refuses a redraw, with the reason."""
    task = get_task_for_user(request.user, pk)
    form = RedrawRefuseForm(request.POST)
    if form.is_valid():
        run_service(
            request, services.task_redraw_refuse, _("已不同意重新抽取。"), task=task, reason=form.cleaned_data["reason"]
        )
    else:
        messages.error(request, _("请填写不同意的原因。"))
    return redirect("draws:detail", pk=task.pk)


@login_required
@require_POST
def witness_add_view(request, pk: int):
    """A witness enters their own input; an operator types one for a named witness. With htmx
    only the witness block is sent back."""
    task = get_task_for_user(request.user, pk)
    scope = scope_for(request.user)
    # Before the form is read: a user who may enter no input gets a 403, not form errors.
    access.require_witness_entry(scope, task)
    operator = access.can_type_witness_input(scope, task)
    form = WitnessInputForm(request.POST, operator=operator, departments=_witness_departments(task))
    if form.is_valid():
        data = form.cleaned_data
        extra = {}
        if operator:
            extra = {"witness_name": data["witness_name"], "witness_department": data["witness_department"]}
        try:
            services.witness_input_add(actor=request.user, task=task, value=data["value"], **extra)
        except ValidationError as exc:
            put_service_errors(exc, form)
        else:
            messages.success(request, _("已录入见证人输入。"))
            if request.htmx:
                # The whole page follows an input: the steps, what is missing and the draw
                # button, not only the block of inputs.
                return HttpResponseClientRefresh()
            form = None
    if not request.htmx:
        if form is not None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("draws:detail", pk=task.pk)
    task.refresh_from_db()
    return render(request, "draws/_witnesses.html", _witness_context(request, task, form))


@login_required
@require_GET
def task_record_view(request, pk: int):
    """The draw record as JSON: the full record for those who may read the recusals of the
    task's departments (their admins, auditors); the public copy (no exclusions) for everyone
    else who reads the task (witnesses, the coordinator, participating departments)."""
    task = get_task_for_user(request.user, pk)
    full = access.has_full_record_access(scope_for(request.user), task)
    record = services.task_record_download(actor=request.user, task=task, full=full)
    if record is None:
        raise Http404(_("该任务尚未冻结对象库，没有抽取记录。"))
    body = json.dumps(record, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    suffix = "" if full else "-public"
    response["Content-Disposition"] = f'attachment; filename="{task.code}{suffix}.json"'
    return response


@login_required
@require_GET
def verifier_download_view(request):
    require_staff(request.user)
    return FileResponse(
        VERIFIER.open("rb"), as_attachment=True, filename="verify_draw.py", content_type="text/x-python"
    )


@login_required
@require_GET
def task_witnesses_view(request, pk: int):
    """The witness block alone (htmx refresh while the ceremony runs)."""
    task = get_task_for_user(request.user, pk)
    return render(request, "draws/_witnesses.html", _witness_context(request, task))


@login_required
@require_http_methods(["GET", "POST"])
def task_edit_view(request, pk: int):
    """Edit a task until its notice; a frozen task's freeze is discarded (the form says so)."""
    task = get_task_for_user(request.user, pk, write=True)
    if task.status not in (Status.DRAFT, Status.FROZEN):
        messages.error(request, _("任务公告发布后不能再修改任务。"))
        return redirect("draws:detail", pk=task.pk)
    posted = request.POST if request.method == "POST" else None
    form, slots = task_forms_for_edit(task, posted)
    if posted is not None and ADD_SLOT_ROWS not in posted and form.is_valid() and slots.is_valid():
        data = form.cleaned_data
        changes = {field: data[field] for field in services.EDITABLE_FIELDS if field in data}
        changes["title"] = changes["title"].strip() or task.title
        changes["slots"], changes["lead_slot"] = slots.slots(), slots.lead_slot()
        try:
            services.task_update(actor=request.user, task=task, **changes)
        except ValidationError as exc:
            _put_task_errors(exc, form, slots)
        else:
            messages.success(request, _("已保存任务修改，请重新冻结对象库。"))
            return redirect("draws:detail", pk=task.pk)
    if posted is None and request.GET.get("cap"):  # from the feasibility check's "adjust" link
        form.initial["max_visits_per_inspector"] = parse_id(request.GET["cap"]) or task.max_visits_per_inspector
    return render(request, "draws/task_edit.html", {"form": form, "slots": slots, "task": task})


task_unfreeze_view = _ceremony_step(services.task_unfreeze, gettext_lazy("已解除冻结，任务退回草稿。"))
