"""The download of a drawn task's visits and teams (the task page's export button)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from spotcheck.draws.access import get_task_for_user
from spotcheck.imports.exports import CONTENT_TYPES
from spotcheck.imports.visit_export import SHEET_TITLE, task_visits_export


@login_required
@require_GET
def task_visits_export_view(request, pk: int):
    task = get_task_for_user(request.user, pk)  # another department's task: 404
    out = io.BytesIO()
    task_visits_export(actor=request.user, task=task, out=out)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{task.code}-{SHEET_TITLE}-{stamp}.xlsx"
    return HttpResponse(
        out.getvalue(),
        content_type=CONTENT_TYPES["xlsx"],
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
