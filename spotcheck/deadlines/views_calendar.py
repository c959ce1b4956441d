"""The working-day calendar's page (/workdays/, issue 13 item 10): each year as the platform
knows it — entered by an administrator, known by the chinesecalendar package, or unknown (dates
in it are provisional) — a year's months, and the upload of a year's notice (system admin;
the coordinator and the auditor read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spotcheck.deadlines.access import require_calendar_reader
from spotcheck.deadlines.calendar_view import FIRST_PACKAGE_YEAR, year_months, year_states
from spotcheck.deadlines.forms import HolidayYearUploadForm
from spotcheck.deadlines.recompute import holiday_year_enter
from spotcheck.workdays.access import may_load_holiday_year
from spotcheck.workdays.calendar import package_knows
from spotcheck.workdays.csv_file import rows_from_bytes
from spotcheck.workdays.models import HolidayYear
from spotcheck.workdays.selectors import current_calendar, replaced_notice_text
from spotcheck.workdays.services import FIRST_YEAR, LAST_YEAR


def _page(request, form: HolidayYearUploadForm, status: int = 200):
    return render(
        request,
        "deadlines/calendar.html",
        {
            "years": year_states(timezone.localdate()),
            "form": form,
            "may_load": may_load_holiday_year(request.user),
            "first_package_year": FIRST_PACKAGE_YEAR,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_view(request):
    require_calendar_reader(request.user)
    if request.method == "GET":
        return _page(request, HolidayYearUploadForm())
    if not may_load_holiday_year(request.user):
        raise PermissionDenied(_("只有系统管理员可以录入节假日安排。"))
    form = HolidayYearUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        rows = rows_from_bytes(data["file"].read())
    except ValidationError as exc:
        form.add_error("file", exc)
        return _page(request, form, status=400)
    try:
        loaded, recomputed = holiday_year_enter(actor=request.user, year=data["year"], notice=data["notice"], rows=rows)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        form.add_error(None, _("文件未录入：%(n)d 处错误，未写入任何数据。") % {"n": len(exc.messages)})
        return _page(request, form, status=400)
    messages.success(
        request,
        _("已录入 %(year)d 年节假日安排（%(notice)s），重新计算了 %(n)d 条检查结果的公示期限。")
        % {"year": loaded.year, "notice": loaded.notice, "n": recomputed},
    )
    replaced = replaced_notice_text(loaded)
    if replaced:
        messages.info(request, replaced)
    return redirect("deadlines:calendar_year", year=loaded.year)


@login_required
@require_GET
def calendar_year_view(request, year: str):
    require_calendar_reader(request.user)
    try:
        number = int(year)
    except ValueError:
        raise Http404 from None
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise Http404
    entered = HolidayYear.objects.filter(year=number, superseded_at__isnull=True).select_related("entered_by").first()
    calendar = current_calendar()
    return render(
        request,
        "deadlines/calendar_year.html",
        {
            "year": number,
            "entered": entered,
            "package": package_knows(number),
            "provisional": calendar.is_provisional(number),
            "months": year_months(number, calendar, entered),
            "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
        },
    )
