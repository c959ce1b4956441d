"""Pages of the on-site cap per body (无事不扰, ``onsite.py``): a department's cap set by the
coordinator, the on-site inspection records (the over-cap ones flagged to the coordinator), their
withdrawal by the department and the coordinator's 已阅. Thin: writes through the services."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_department_data_reader, require_staff
from spotcheck.core.forms import put_service_errors
from spotcheck.core.messages import run_service
from spotcheck.core.params import parse_id, parse_year
from spotcheck.draws import onsite
from spotcheck.draws.access import can_review_over_cap, get_onsite_inspection_for_user
from spotcheck.draws.models import DepartmentOnSiteCap
from spotcheck.draws.onsite_selectors import onsite_inspections_for_scope, region_departments

ROWS_PER_PAGE = 50


class OnSiteCapForm(forms.Form):
    DEFAULT, OWN, NONE = "default", "own", "none"
    mode = forms.ChoiceField(
        label=gettext_lazy("上限"),
        widget=forms.RadioSelect,
        choices=[
            (DEFAULT, gettext_lazy("采用默认上限")),
            (OWN, gettext_lazy("本部门上限")),
            (NONE, gettext_lazy("不限")),
        ],
    )
    max_per_year = forms.IntegerField(
        label=gettext_lazy("每年对同一对象最多现场检查次数"),
        required=False,
        min_value=1,
        max_value=onsite.MAX_ONSITE_PER_YEAR,
        help_text=gettext_lazy("选择“本部门上限”时填写；按检查前 365 天计算。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.OWN and data.get("max_per_year") is None and "max_per_year" not in self.errors:
            self.add_error("max_per_year", _("请填写本部门每年最多现场检查次数。"))
        return data


def _cap_department(request, department_id: int) -> Department:
    """The department whose cap the page sets: the coordinator's region's; anyone else on staff
    reads the caps on the rules page but gets a 403 here, another region's department a 404."""
    scope = require_staff(request.user)
    department = Department.objects.filter(pk=department_id).select_related("region").first()
    if department is None or (
        scope.coordinator_region_id is not None and department.region_id != scope.coordinator_region_id
    ):
        raise Http404(_("没有找到该部门。"))
    if scope.coordinator_region_id is None:
        raise PermissionDenied(_("只有本地区联席会议办公室协调员可以设置部门的现场检查年度上限。"))
    return department


@login_required
@require_http_methods(["GET", "POST"])
def onsite_cap_view(request, department_id: int):
    department = _cap_department(request, department_id)
    own = DepartmentOnSiteCap.objects.filter(department=department).first()
    if own is None or own.follows_default:
        initial = {"mode": OnSiteCapForm.DEFAULT}
    elif own.max_per_year is None:
        initial = {"mode": OnSiteCapForm.NONE}
    else:
        initial = {"mode": OnSiteCapForm.OWN, "max_per_year": own.max_per_year}
    form = OnSiteCapForm(initial=initial)
    if request.method == "POST":
        form = OnSiteCapForm(request.POST)
        if form.is_valid():
            mode = form.cleaned_data["mode"]
            try:
                onsite.onsite_cap_set(
                    actor=request.user,
                    department=department,
                    max_per_year=form.cleaned_data["max_per_year"] if mode == OnSiteCapForm.OWN else None,
                    follows_default=mode == OnSiteCapForm.DEFAULT,
                )
            except ValidationError as exc:
                put_service_errors(exc, form)
            else:
                messages.success(
                    request, _("已保存%(department)s的现场检查年度上限。") % {"department": department.name}
                )
                return redirect(f"{reverse('draws:frequency_rule')}#onsite-caps")
    return render(
        request,
        "draws/onsite_cap.html",
        {"department": department, "form": form, "default_cap": onsite.default_cap(), "own": own},
    )


def _list_params(request, scope) -> dict:
    department_id = parse_id(request.GET.get("department"))
    readable = scope.data_read_departments
    if department_id is not None and readable is not None and department_id not in readable:
        department_id = None
    state = request.GET.get("state") or ""
    return {
        "department": department_id,
        "year": parse_year(request.GET.get("year")),
        "state": state if state in ("review", "withdrawn") else "",
    }


@login_required
@require_http_methods(["GET"])
def onsite_list_view(request, over_cap_only: bool = False):
    """现场检查记录 (or only the over-cap ones: 超上限现场检查) of the departments the user reads."""
    scope = require_department_data_reader(request.user)
    params = _list_params(request, scope)
    rows = onsite_inspections_for_scope(scope)
    if over_cap_only:
        rows = rows.filter(over_cap=True)
    if params["department"] is not None:
        rows = rows.filter(department_id=params["department"])
    if params["year"] is not None:
        rows = rows.filter(inspected_at__year=params["year"])
    if params["state"] == "review":
        rows = rows.filter(withdrawn_at__isnull=True, reviewed_at__isnull=True)
    elif params["state"] == "withdrawn":
        rows = rows.exclude(withdrawn_at=None)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    departments = region_departments(scope.home_region_id)
    if scope.data_read_departments is not None:
        departments = departments.filter(pk__in=scope.data_read_departments)
    for row in page.object_list:
        row.can_withdraw = row.withdrawn_at is None and scope.can_write_department(row.department_id)
        row.can_review = (
            row.over_cap and row.withdrawn_at is None and row.reviewed_at is None and (can_review_over_cap(scope, row))
        )
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return render(
        request,
        "draws/onsite_list.html",
        {
            "page_obj": page,
            "over_cap_only": over_cap_only,
            "params": params,
            "departments": departments,
            "querystring": query,
            "default_cap": onsite.default_cap(),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤回原因"), max_length=255)


def _back(request) -> str:
    """Back to the list the form was posted from (a local path only)."""
    target = request.POST.get("next") or ""
    return target if target.startswith("/tasks/rules/") and "//" not in target else reverse("draws:onsite_list")


@login_required
@require_POST
def onsite_withdraw_view(request, pk: int):
    row = get_onsite_inspection_for_user(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤回原因（不超过 255 个字符）。"))
        return redirect(_back(request))
    run_service(
        request,
        onsite.onsite_inspection_withdraw,
        _("已撤回该现场检查记录，不再计入年度上限。"),
        row=row,
        reason=form.cleaned_data["reason"],
    )
    return redirect(_back(request))


@login_required
@require_POST
def onsite_review_view(request, pk: int):
    row = get_onsite_inspection_for_user(request.user, pk)
    if not can_review_over_cap(require_staff(request.user), row):
        raise PermissionDenied(_("只有本地区联席会议办公室协调员可以处理超上限提示。"))
    run_service(request, onsite.onsite_over_cap_review, _("已阅。"), row=row)
    return redirect(_back(request))
