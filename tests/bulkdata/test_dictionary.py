"""The data dictionary (/public/data/dictionary/): every field of every file and of the public
result record, every code list as the code defines it, the licence and the update time."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from spotcheck.bulkdata.fields import CODE_LISTS, FIELDS, RECORD_FIELDS


@pytest.mark.django_db
def test_every_field_and_code_is_on_the_page(client, settings):
    page = client.get(reverse("portal:bulkdata:dictionary")).content.decode()
    for fields in [*FIELDS.values(), RECORD_FIELDS]:
        for f in fields:
            assert f">{escape(f.key)}<" in page, f.key
            assert escape(str(f.meaning)) in page
    for code_list in CODE_LISTS.values():
        for value, label in code_list.codes():
            assert f">{value}<" in page and escape(label) in page, (code_list.key, value)
    assert settings.SPOTCHECK_OPEN_DATA_LICENCE in page and "尚未生成" in page


@pytest.mark.django_db
def test_the_licence_is_a_setting(client, settings):
    settings.SPOTCHECK_OPEN_DATA_LICENCE = "本数据按 ODC-BY 开放"
    assert "本数据按 ODC-BY 开放" in client.get(reverse("portal:bulkdata:index")).content.decode()


def test_every_field_names_a_known_code_list():
    for fields in [*FIELDS.values(), RECORD_FIELDS]:
        for f in fields:
            assert not f.codes or f.codes in CODE_LISTS
    with translation.override("en"):
        assert all(c.codes() for c in CODE_LISTS.values())
