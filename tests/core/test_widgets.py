"""The multi-select widgets (spotcheck/core/widgets.py): short lists as checkbox columns, long
lists as searchable pickers that are plain multi-selects underneath, so a form posts and
validates the same values with or without JavaScript."""

import re

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.urls import reverse

from spotcheck.core.widgets import PICKER_SCRIPT, PICKER_STYLES, CheckboxColumns, SearchableSelectMultiple
from tests.factories import make_item

CHOICES = [("a", "甲"), ("b", "乙"), ("c", "丙")]


class ExampleForm(forms.Form):
    short = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=CheckboxColumns)
    long = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=SearchableSelectMultiple)


def test_both_post_and_validate_as_plain_multiple_choices():
    form = ExampleForm(data={"short": ["a", "c"], "long": ["b"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"short": ["a", "c"], "long": ["b"]}
    assert not ExampleForm(data={"long": ["z"]}).is_valid()


def test_checkbox_columns_lay_out_the_group_not_each_box():
    html = str(ExampleForm(initial={"short": ["b"]})["short"])
    assert re.search(r'<div id="id_short" class="check-columns">', html)
    boxes = re.findall(r"<input [^>]*>", html)
    assert len(boxes) == 3 and not any("class=" in box for box in boxes)
    assert 'value="b" id="id_short_1" checked' in html


def test_picker_is_a_multi_select_with_its_words_in_the_request_language():
    html = str(ExampleForm()["long"])
    assert re.search(r'<select name="long" class="picker"[^>]*multiple', html)
    assert 'data-picker-placeholder="输入名称搜索"' in html
    assert 'data-picker-no-results="没有匹配的选项"' in html


def test_picker_assets_are_served_from_here():
    media = str(ExampleForm().media)
    for asset in (PICKER_SCRIPT, PICKER_STYLES, "spotcheck/picker.js", "spotcheck/picker.css"):
        assert f"/static/{asset}" in media
        assert finders.find(asset), asset  # collected by collectstatic, served by WhiteNoise
    assert "http" not in media  # no CDN
    assert media.count("defer") == 2


@pytest.mark.django_db
def test_the_item_form_loads_the_picker_and_ticks_short_lists(login, scjg_admin, scjg):
    version = make_item(actor=scjg_admin, department=scjg, code="SCJG-W-1").versions.get()
    page = login(scjg_admin).get(reverse("catalog:version_edit", args=[version.pk])).content.decode()
    assert 'src="/static/spotcheck/picker.js"' in page
    assert re.search(r'<select name="scope_regions" class="picker"', page)
    assert re.search(r'<select name="scope_industries" class="picker"', page)
    assert 'id="id_scope_tags" class="check-columns"' in page
    assert 'id="id_required_qualifications" class="check-columns"' in page
    assert "<legend>检查方式<span" in page  # a checkbox group is named by its legend
