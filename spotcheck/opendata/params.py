"""The query parameters of the open data API, validated: a bad value (a page that is not a number,
a page size past the limit, a year that is not one, a one-character name fragment, an unknown
department, region or code, a parameter that does not exist) is a 400 naming the parameter,
never a 500 and never silently ignored. The same serializers document the parameters in the
schema."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.validators import normalize_uscc
from spotcheck.draws.models import Task
from spotcheck.planning.models import AnnualPlan
from spotcheck.portal import selectors
from spotcheck.portal import selectors_search as search_selectors
from spotcheck.publication.models import PublishedResult
from spotcheck.results.codes import ResultCode

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
NAME_MIN, NAME_MAX = 2, 100


class PageParams(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=10**6, default=1, help_text=_("页码，从 1 开始"))
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=format_lazy(_("每页条数，1 到 {max}，默认 {default}"), max=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE),
    )


class _Filters(PageParams):
    department = serializers.CharField(
        required=False, max_length=16, help_text=_("部门代码（见 /codes/ 的 departments）")
    )
    region = serializers.CharField(
        required=False, max_length=12, help_text=_("区划代码（见 /codes/ 的 regions），含其下级区划")
    )
    year = serializers.IntegerField(required=False, min_value=1949, max_value=2999, help_text=_("年度"))
    date_from = serializers.DateField(required=False, help_text=_("起始日期（含），YYYY-MM-DD"))
    date_to = serializers.DateField(required=False, help_text=_("截止日期（含），YYYY-MM-DD"))
    q = serializers.CharField(
        required=False,
        min_length=NAME_MIN,
        max_length=NAME_MAX,
        help_text=format_lazy(_("名称片段，至少 {min} 个字"), min=NAME_MIN),
    )

    def validate_department(self, value: str) -> str:
        if not selectors.public_departments().filter(code=value).exists():
            raise serializers.ValidationError(_("没有代码为“%(code)s”的部门。") % {"code": value})
        return value

    def validate_region(self, value: str) -> list[int]:
        ids = selectors.region_subtree_ids(value)
        if ids is None:
            raise serializers.ValidationError(_("没有代码为“%(code)s”的区划。") % {"code": value})
        return ids

    def validate_q(self, value: str) -> str:
        value = value.strip()
        if len(value) < NAME_MIN:
            raise serializers.ValidationError(_("名称片段至少 %(min)s 个字。") % {"min": NAME_MIN})
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": [_("截止日期早于起始日期。")]})
        return attrs


class ItemParams(_Filters):
    category = serializers.ChoiceField(required=False, choices=ItemVersion.Category.choices, help_text=_("事项类别"))
    method = serializers.ChoiceField(required=False, choices=ItemVersion.Method.choices, help_text=_("检查方式"))
    current = serializers.BooleanField(required=False, help_text=_("true：只要现行版本；false：只要已被替代的版本"))


class PlanParams(_Filters):
    kind = serializers.ChoiceField(required=False, choices=AnnualPlan.Kind.choices, help_text=_("计划类型"))


class TaskParams(_Filters):
    kind = serializers.ChoiceField(required=False, choices=Task.Kind.choices, help_text=_("任务类型"))
    drawn = serializers.BooleanField(required=False, help_text=_("true：已抽取；false：尚未抽取"))


class NoticeParams(_Filters):
    pass


STATE_CHOICES = [(s.value, s.label) for s in (PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN)]


class EnterpriseResultParams(PageParams):
    department = serializers.CharField(required=False, max_length=16, help_text=_("抽查机关（任务牵头部门）代码"))
    year = serializers.IntegerField(required=False, min_value=1949, max_value=2999, help_text=_("抽查完成年度"))
    date_from = serializers.DateField(required=False, help_text=_("抽查完成日期起（含）"))
    date_to = serializers.DateField(required=False, help_text=_("抽查完成日期止（含）"))
    result = serializers.ChoiceField(
        required=False, choices=ResultCode.choices, help_text=_("检查结果代码（只匹配公示中的结果）")
    )
    state = serializers.ChoiceField(required=False, choices=STATE_CHOICES, help_text=_("公示状态"))

    validate_department = _Filters.validate_department
    validate = _Filters.validate


class ResultParams(_Filters):
    result = serializers.ChoiceField(
        required=False, choices=ResultCode.choices, help_text=_("检查结果代码（只匹配公示中的结果）")
    )
    state = serializers.ChoiceField(required=False, choices=STATE_CHOICES, help_text=_("公示状态"))
    uscc = serializers.CharField(required=False, max_length=40, help_text=_("统一社会信用代码（18 位）"))
    task = serializers.CharField(required=False, max_length=32, help_text=_("任务编号"))
    notice = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text=_("检查结果公告编号"))

    def validate_uscc(self, value: str) -> str:
        try:
            return normalize_uscc(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def parse(params_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The request's query parameters, validated by ``params_class``; 400 naming each bad one."""
    data = {key: request.query_params.get(key) for key in request.query_params}
    unknown = sorted(set(data) - set(params_class().fields))
    if unknown:
        raise ValidationError({key: [_("没有这个参数。")] for key in unknown})
    serializer = params_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


SEARCH_CRITERIA = {"q", "code", "department", "region", "industry", "result", "date_from", "date_to"}


class EnterpriseSearchParams(PageParams):
    """The portal search's criteria (/public/search/), by code."""

    q = serializers.CharField(
        required=False,
        min_length=NAME_MIN,
        max_length=NAME_MAX,
        help_text=format_lazy(_("名称片段，至少 {min} 个字"), min=NAME_MIN),
    )
    code = serializers.CharField(required=False, max_length=32, help_text=_("公开编码或统一社会信用代码"))
    department = serializers.CharField(required=False, max_length=16, help_text=_("有结果公示的部门代码"))
    region = serializers.CharField(required=False, max_length=12, help_text=_("区划代码，含其下级区划"))
    industry = serializers.CharField(required=False, max_length=5, help_text=_("行业代码（GB/T 4754），含其下级"))
    result = serializers.ChoiceField(
        required=False,
        choices=[("none", _("未发现问题")), ("problem", _("发现问题")), *ResultCode.choices],
        help_text=_("none：未发现问题；problem：发现问题；或一个检查结果代码"),
    )
    date_from = serializers.DateField(required=False, help_text=_("抽查完成日期起（含）"))
    date_to = serializers.DateField(required=False, help_text=_("抽查完成日期止（含）"))

    def _reference(self, kind: str, value: str, message: str) -> Any:
        found = search_selectors.search_reference(kind, value)
        if found is None:
            raise serializers.ValidationError(message % {"code": value})
        return found

    def validate_q(self, value: str) -> str:
        return _Filters.validate_q(self, value)

    def validate_code(self, value: str) -> str:
        return value.strip().upper()

    def validate_department(self, value: str) -> Any:
        return self._reference("department", value, _("没有代码为“%(code)s”的部门。"))

    def validate_region(self, value: str) -> Any:
        return self._reference("region", value, _("没有代码为“%(code)s”的区划。"))

    def validate_industry(self, value: str) -> Any:
        return self._reference("industry", value, _("没有代码为“%(code)s”的行业。"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = _Filters.validate(self, attrs)
        if not any(
            k in attrs for k in ("q", "code", "department", "region", "industry", "result", "date_from", "date_to")
        ):
            raise serializers.ValidationError({"q": [_("请至少给出一个检索条件。")]})
        return attrs
