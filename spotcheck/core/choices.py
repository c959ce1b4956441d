"""Source-language (Chinese) labels of choices.

Choice labels are lazy translations, shown in the language of the page. Import and export
files, and values typed by users, carry the Chinese labels whatever that language is, so code
that reads or writes them asks for the source labels here. With translation deactivated,
gettext gives back the msgid, which is the Chinese text itself.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation


def source_labels(choices: type[models.Choices]) -> dict[str, str]:
    """``{value: Chinese label}`` of a choices enum, as plain strings."""
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}
