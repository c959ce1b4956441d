"""Password validators of the platform (``AUTH_PASSWORD_VALIDATORS``), beside Django's own.

``PersonalNameValidator`` refuses a password that contains the user's own name, and
``RegionNameValidator`` one that contains the name of the region the installation serves: both
are the first words an attacker tries. Chinese names are also compared as pinyin (pypinyin),
since 张伟明 is typed as "zhangweiming" on a Latin keyboard. A name is matched whole (the
region's full name, 溧阳市 / liyangshi, not every syllable of it), so ordinary words do not trip
it; parts shorter than ``MIN_PART`` letters (or two Chinese characters) are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

MIN_PART = 3  # Latin letters/digits; a Chinese part needs two characters
_HAN = re.compile(r"[\u3400-\u9fff]")
_SEPARATORS = re.compile(r"[\s\-_.·•,，、/]+")


def _fold(text: str) -> str:
    """Compatibility-normalised, case-folded, without separators (Ｚhang Wei → zhangwei)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _variants(name: str) -> set[str]:
    """The forms of a name worth refusing: as written, its pinyin, and for a Chinese personal
    name of three or more characters its given name (the last two) and that one's pinyin."""
    forms: set[str] = set()
    for part in filter(None, _SEPARATORS.split(unicodedata.normalize("NFKC", name))):
        han = "".join(_HAN.findall(part))
        if len(han) >= 2:
            forms.add(han)
            forms.add("".join(lazy_pinyin(han)).casefold())
        folded = _fold(part)
        if len(folded) >= MIN_PART and not _HAN.search(folded) and not folded.isdigit():
            forms.add(folded)
    return {f for f in forms if len(f) >= (2 if _HAN.search(f) else MIN_PART)}


def _given_name_variants(full_name: str) -> set[str]:
    forms: set[str] = set()
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", full_name)):
        han = "".join(_HAN.findall(part))
        if len(han) >= 3:
            given = han[-2:]
            forms |= {given, "".join(lazy_pinyin(given)).casefold()}
    return forms


def _contained(password: str, forms: set[str]) -> bool:
    folded = _fold(password)
    return any(form in folded for form in forms)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese: Django 5.2 changed the message's msgid and its
    zh_Hans catalogue still has the old one, so the stock validator answers in English."""

    def get_error_message(self) -> str:
        return _("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


class PersonalNameValidator:
    """The password must not contain the username, the full name or its pinyin."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        # The username whole (scjg_026 → "scjg026"): its parts would refuse "…2026" for "026".
        username = _fold(getattr(user, "username", "") or "")
        forms = {username} if len(username) >= MIN_PART else set()
        full_name = getattr(user, "full_name", "") or ""
        forms |= _variants(full_name) | _given_name_variants(full_name)
        if _contained(password, forms):
            raise ValidationError(_("密码不能包含您的用户名或姓名（含姓名的拼音）。"), code="password_contains_name")

    def get_help_text(self) -> str:
        return _("密码不能包含您的用户名或姓名（含姓名的拼音）。")


def region_names() -> set[str]:
    """The forms of the installation's region (``SPOTCHECK_REGION_CODE``): its name, the name's
    pinyin and its code. Empty before the region is set up."""
    from spotcheck.accounts.models import Region  # validators load with the settings, before apps

    code = settings.SPOTCHECK_REGION_CODE
    region = Region.objects.filter(code=code).only("name").first()
    forms = {code} if code else set()
    if region is not None:
        name = _fold(region.name)
        forms |= {name, "".join(lazy_pinyin(name)).casefold()}
    return {f for f in forms if f}


class RegionNameValidator:
    """The password must not contain the region's name (溧阳市, liyangshi) or its code."""

    def validate(self, password: str, user: Any = None) -> None:
        if _contained(password, region_names()):
            raise ValidationError(_("密码不能包含本地区划的名称或代码。"), code="password_contains_region")

    def get_help_text(self) -> str:
        return _("密码不能包含本地区划的名称或代码。")
