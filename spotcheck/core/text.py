"""Comparing names people type: the one normaliser (witness names, stratum names …)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise_name(value: str | None) -> str:
    """``value`` as the one name it reads as: NFKC (full-width → half-width, compatibility
    forms folded), invisible format characters removed (Unicode category Cf: zero-width
    space, joiners, BOM, soft hyphen, bidi marks …), white space collapsed to one space and
    trimmed. Two names that look the same on screen compare equal after this."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACE.sub(" ", text).strip()
