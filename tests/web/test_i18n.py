"""English through Django i18n: Chinese (zh-hans) stays the default, the language switch, the
cookie and Accept-Language give English pages, and the committed catalogue is complete and
compiled (a fresh machine needs no gettext tools)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from spotcheck.accounts.models import Membership
from spotcheck.catalog.validators import validate_methods
from spotcheck.core.choices import source_labels
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.validators import normalize_uscc, validate_object_fields

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- pages -----------------------------------------------------------------------------------------


def test_home_is_chinese_by_default(login, scjg_admin):
    html = page(login(scjg_admin).get(reverse("web:home")))
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html and "检查对象" in html
    assert "部门管理员" in html  # the role's choice label
    assert "Dashboard" not in html


def test_home_in_english_with_the_language_cookie(login, scjg_admin):
    client = login(scjg_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client.get(reverse("web:home")))
    assert '<html lang="en">' in html
    assert "Double Random, One Public Joint Supervision Platform" in html
    assert "Dashboard" in html and "My roles" in html
    assert "Inspection object" in html and "Inspection item" in html
    assert "Department administrator" in html  # Membership.Role label
    assert "工作台" not in html
    # The switch offers the way back to Chinese.
    assert 'value="zh-hans"' in html and "中文" in html


def test_objects_list_in_english_with_accept_language(login, coordinator, obj):
    html = page(login(coordinator).get(reverse("directory:list"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Inspection object directory" in html
    assert "More filters" in html and "Name or code" in html  # template and filter labels
    # Model choice labels of the row; the data stays as entered.
    assert '<td data-label="Type">Enterprise</td>' in html
    assert ">General risk</span>" in html and ">Active</span>" in html
    assert obj.name in html
    assert "<h1" in html and "检查对象名录库" not in html and ">企业<" not in html


def test_objects_list_is_chinese_without_a_preference(login, coordinator, obj):
    html = page(login(coordinator).get(reverse("directory:list")))
    assert "检查对象名录库" in html and '<td data-label="类型">企业</td>' in html and ">一般风险</span>" in html
    assert "Inspection object directory" not in html


def test_language_switch_posts_to_setlang_and_login_page_follows(client):
    login_url = reverse("accounts:login")
    assert "用户名" in page(client.get(login_url))

    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302 and response["Location"] == login_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = page(client.get(login_url))
    assert "Log in" in html and "Username" in html and "Password" in html
    assert "用户名" not in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login_url})
    assert "用户名" in page(client.get(login_url))


def test_failed_login_message_in_english(client, scjg_admin):
    response = client.post(
        reverse("accounts:login"), {"username": "scjg_admin", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The username or password is incorrect." in response.content.decode()


# --- labels and messages from Python ------------------------------------------------------------


def test_model_labels_follow_the_active_language():
    assert InspectionObject.Kind.ENTERPRISE.label == "企业"
    assert str(InspectionObject._meta.verbose_name) == "检查对象"
    with translation.override("en"):
        assert InspectionObject.Kind.ENTERPRISE.label == "Enterprise"
        assert InspectionObject.Status.CANCELLED.label == "Deregistered"
        assert Membership.Role.COORDINATOR.label == "Joint Conference Office coordinator"
        assert str(InspectionObject._meta.verbose_name) == "Inspection object"
        assert str(InspectionObject._meta.get_field("uscc").verbose_name) == "Unified Social Credit Code (USCC)"
        assert str(InspectionObject._meta.get_field("in_abnormal_list").verbose_name) == (
            "On the List of Abnormal Operations"
        )


def test_service_messages_follow_the_active_language():
    with pytest.raises(ValidationError) as chinese:
        normalize_uscc("12345")
    assert chinese.value.messages == ["统一社会信用代码“12345”应为 18 位，实为 5 位。"]
    with translation.override("en"), pytest.raises(ValidationError) as english:
        normalize_uscc("12345")
    assert english.value.messages == ["The USCC “12345” must have 18 characters; it has 5."]


def test_chinese_labels_in_input_are_accepted_whatever_the_language(obj):
    """Import files and users write the Chinese labels; an English page must still read them."""
    with translation.override("en"):
        assert source_labels(InspectionObject.Kind)["individual"] == "个体工商户"
        assert validate_methods("实地核查；Document review") == ["on_site", "document"]
        cleaned = validate_object_fields({"risk_level": "高风险", "credit_level": "C 类（信用风险较高）"}, instance=obj)
        assert cleaned == {"risk_level": "high", "credit_level": "C"}
        assert validate_object_fields({"status": "Deregistered"}, instance=obj) == {"status": "cancelled"}
        with pytest.raises(ValidationError) as refused:
            validate_object_fields({"risk_level": "very high"}, instance=obj)
    assert refused.value.message_dict["risk_level"] == [
        "Risk level “very high” is not a valid choice; choose from: Low risk, General risk, Elevated risk, High risk."
    ]


# --- the catalogue ---------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries are skipped, as msgfmt does)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        keyword = ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[keyword] += ast.literal_eval(line)
            else:
                keyword, text = line.split(" ", 1)
                fields[keyword] = ast.literal_eval(text)
        if "msgid" not in fields:
            continue
        if "msgstr" in fields:
            msgstr = {0: fields["msgstr"]}
        else:
            msgstr = {int(key[7:-1]): text for key, text in fields.items() if key.startswith("msgstr[")}
        entries.append(Entry(fields["msgid"], fields.get("msgctxt"), fields.get("msgid_plural"), msgstr, flags))
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(CATALOGUE / "django.po")


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    messages = [e for e in po_entries if e.msgid]
    assert len(messages) > 500
    untranslated = [e.msgid for e in messages if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid or "(header)" for e in po_entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    for e in messages:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == [0, 1], e.msgid


def test_format_arguments_are_kept(po_entries):
    named = re.compile(r"%\((\w+)\)[sd]")
    for e in po_entries:
        if not e.msgid:
            continue
        expected = set(named.findall(e.msgid))
        for text in e.msgstr.values():
            assert set(named.findall(text)) == expected, e.msgid
            if "python-format" in e.flags:
                # A literal percent sign must stay escaped where the msgid is a format string.
                assert text.count("%%") == e.msgid.count("%%"), e.msgid


def test_official_terms_are_used(po_entries):
    translations = {(e.msgctxt, e.msgid): e.msgstr.get(0) for e in po_entries}
    assert translations[(None, "检查对象")] == "Inspection object"
    assert translations[(None, "抽查事项")] == "Inspection item"
    assert translations[(None, "执法检查人员")] == "Inspector"
    assert translations[(None, "统一社会信用代码")] == "Unified Social Credit Code (USCC)"
    assert translations[(None, "经营异常名录")] == "List of Abnormal Operations"
    assert translations[(None, "严重违法失信名单")] == "List of Seriously Illegal and Dishonest Enterprises"
    assert translations[(None, "双随机、一公开 联合监管平台")].startswith("Double Random, One Public")
    assert "Joint Conference Office" in translations[(None, "联席办协调员")]


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo is the .po compiled: run compilemessages after editing the .po."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in po_entries:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected[key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                expected[(key, index)] = text
    # msgfmt leaves the POT-Creation-Date out of the header it compiles.
    for catalogue in (compiled, expected):
        catalogue[""] = re.sub(r"POT-Creation-Date: .*\n", "", catalogue[""])
    assert compiled == expected
