"""Numbers that arrive from outside (a URL, a query string, a form field that is not a form):
read at the edge, so an odd value is a 404 or a clear 400, never a 500 further in.

``str.isdigit()`` is not the test: it accepts "²" and "٣", which ``int()`` then refuses."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

# A primary key in a URL: ASCII digits that fit PostgreSQL's bigint.
ID_PATTERN = r"[0-9]{1,18}"
_ID = re.compile(rf"^{ID_PATTERN}$")
# The years a plan, task or filter may name.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_id(value: Any) -> int | None:
    """The id in ``value`` ("123"), or None for anything else ("", "x", "²", "1e5", "-1")."""
    text = str(value).strip() if value is not None else ""
    return int(text) if _ID.match(text) else None


def parse_year(value: Any) -> int | None:
    """A year between FIRST_YEAR and LAST_YEAR, or None."""
    number = parse_id(value)
    return number if number is not None and FIRST_YEAR <= number <= LAST_YEAR else None


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    """A year in a filter (API and lists): outside FIRST_YEAR–LAST_YEAR, or not a whole number,
    is the filter's 400 with the reason, not a database error."""

    field_class = YearField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("年度"))
        super().__init__(*args, **kwargs)
