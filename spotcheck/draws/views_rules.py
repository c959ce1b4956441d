"""无事不扰规则 page: every staff member reads the region's yearly cap and its history; the joint
office's coordinator sets it. Thin: writes through ``frequency.frequency_rule_set``. Below it,
the cap on on-site inspections per department with its yearly statistics (``onsite.py``;
the coordinator sets a department's on ``views_onsite``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from spotcheck.accounts.scope import require_staff
from spotcheck.audit.models import AuditEntry
from spotcheck.core.forms import put_service_errors
from spotcheck.core.params import parse_year
from spotcheck.draws import frequency, onsite
from spotcheck.draws.access import can_set_frequency_rule
from spotcheck.draws.models import DrawFrequencyRule
from spotcheck.draws.onsite_selectors import current_year, department_caps, onsite_statistics

HISTORY_SHOWN = 20


class FrequencyRuleForm(forms.Form):
    max_draws_per_year = forms.IntegerField(
        label=gettext_lazy("每个对象每年最多被抽中次数"),
        required=False,
        min_value=1,
        max_value=frequency.MAX_DRAWS_PER_YEAR,
        help_text=gettext_lazy("各部门合计，按抽取前 365 天计算；留空则不限。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def frequency_rule_view(request):
    scope = require_staff(request.user)
    is_coordinator = can_set_frequency_rule(scope)
    rule = frequency.rule_for_user(request.user)
    form = FrequencyRuleForm(initial={"max_draws_per_year": rule.max_draws_per_year if rule else None})
    if request.method == "POST":
        if not is_coordinator:
            raise PermissionDenied(_("只有联席会议办公室协调员可以设置无事不扰规则。"))
        form = FrequencyRuleForm(request.POST)
        if form.is_valid():
            try:
                frequency.frequency_rule_set(
                    actor=request.user, max_draws_per_year=form.cleaned_data["max_draws_per_year"]
                )
            except ValidationError as exc:
                put_service_errors(exc, form)
            else:
                messages.success(request, _("已保存无事不扰规则，此后冻结的对象库按新规则排除。"))
                return redirect("draws:frequency_rule")
    history = []
    if rule is not None:
        history = list(
            AuditEntry.objects.filter(
                action="draws.frequency_rule.set",
                target_type=DrawFrequencyRule._meta.label_lower,
                target_id=str(rule.pk),
            ).order_by("-created_at", "-pk")[:HISTORY_SHOWN]
        )
    region_id = scope.home_region_id
    year = parse_year(request.GET.get("year")) or current_year()
    readable = scope.data_read_departments
    return render(
        request,
        "draws/frequency_rule.html",
        {
            "rule": rule,
            "form": form if is_coordinator else None,
            "history": history,
            # 无事不扰 per body (i13-onsite): the caps, and the year's on-site inspections of the
            # departments whose working data the user reads.
            "onsite_default": onsite.default_cap(),
            "onsite_caps": department_caps(region_id),
            "onsite_can_set": scope.coordinator_region_id is not None and scope.coordinator_region_id == region_id,
            "onsite_year": year,
            # The records are departments' working data: not for a witness-only user.
            "onsite_records_readable": not scope.is_witness_only,
            "onsite_stats": onsite_statistics(region_id, year, None if readable is None else set(readable)),
        },
    )
