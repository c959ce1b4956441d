"""Filter pieces every list shares, so the Chinese UI reads the same everywhere: yes/no filters
offer 全部/是/否 (not Django's 未知), sort options say 升序/降序 (not django-filter's English
"(descending)"). The empty choice of selects is 全部 through FILTERS_EMPTY_CHOICE_LABEL."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


def yes_no_any() -> forms.Select:
    # NullBooleanField reads "true"/"false" and treats "" as "not filtered".
    return forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice means 全部."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", yes_no_any())
        super().__init__(*args, **kwargs)


class OrderingFilter(django_filters.OrderingFilter):
    """Sort options in Chinese: "编码", "编码（降序）"."""

    descending_fmt = _("%s（降序）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("默认排序"))
        super().__init__(*args, **kwargs)
