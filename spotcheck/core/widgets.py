"""The two ways a form offers several choices, neither needing Ctrl-click (issue 12, item 9).

- A short list (object kinds, tags, licence kinds, qualifications, departments: a few dozen at
  most) is a set of plain checkboxes in columns that wrap on a phone: ``CheckboxColumns``.
- A long list (regions, GB/T 4754 industries, items: hundreds to ~1,400 entries) is a searchable
  picker: ``SearchableSelectMultiple``, a plain ``<select multiple>`` that
  ``spotcheck/picker.js`` turns into a Tom Select control (type part of a Chinese name, tap to
  pick, × to remove). Without JavaScript the plain select still posts the same values.
  A template that renders such a form puts ``{{ form.media }}`` in its ``head`` block.

Why Tom Select, from the ``django-tomselect`` wheel: Tom Select is plain JavaScript (no jQuery),
maintained, made for touch screens, and fires native ``change`` events on the select, which the
scope forms' htmx match count listens to. The wheel ships Tom Select's script and stylesheet
(served by staticfiles/WhiteNoise, never a CDN); we use only those assets, not its autocomplete
views: every choice is already in the page. It works under our CSP: no inline script, and the
only styles it sets go through the CSSOM (``element.style``), which ``style-src-attr`` allows.
Django admin's vendored Select2 was the alternative; it needs jQuery and fires jQuery-only
change events, which htmx does not see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext

PICKER_SCRIPT = "django_tomselect/js/django-tomselect.min.js"
PICKER_STYLES = "django_tomselect/vendor/tom-select/css/tom-select.default.min.css"


class CheckboxColumns(forms.CheckboxSelectMultiple):
    """A short list of choices as checkboxes laid out in columns (``.check-columns`` in app.css)."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "check-columns", **(attrs or {})}, choices)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # The class lays out the group's <div>; the checkboxes themselves do not take it.
        option = super().create_option(*args, **kwargs)
        option["attrs"].pop("class", None)
        return option


class SearchableSelectMultiple(forms.SelectMultiple):
    """A long list of choices as a searchable picker (a plain multi-select without JavaScript)."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "picker", **(attrs or {})}, choices)

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={"all": [PICKER_STYLES, "spotcheck/picker.css"]},
            js=[forms.Script(PICKER_SCRIPT, defer=True), forms.Script("spotcheck/picker.js", defer=True)],
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The picker's own words, in the language of this request (picker.js reads them).
        attrs = {
            "data-picker-placeholder": gettext("输入名称搜索"),
            "data-picker-no-results": gettext("没有匹配的选项"),
            "data-picker-remove": gettext("移除"),
            **(attrs or {}),
        }
        return super().get_context(name, value, attrs)
