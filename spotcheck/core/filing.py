"""备案: the steps of filing with the joint office, one set for items and plans.

An item version goes draft → filing (提交备案) → published (备案通过并公布, the current version)
or back to returned; a published version is later superseded. A department's annual plan goes
draft → submitted (to its own approver) → filing (审核通过, waiting for the joint office) → filed
→ published, or back to returned. The same word means the same step in both: "filing" is
always "waiting for the joint office to file it", "published" always "public".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")  # with the department's approver (plans)
    RETURNED = "returned", _("已退回")
    FILING = "filing", _("待备案")  # with the joint office
    FILED = "filed", _("已备案")  # filed, not yet published (plans)
    PUBLISHED = "published", _("已公布")
    SUPERSEDED = "superseded", _("已被新版本替代")  # an item version after a newer one (items)


def filing_choices(*steps: FilingStatus) -> list[tuple[str, str]]:
    """The choices of a model whose filing takes only these steps, in this order."""
    return [(step.value, step.label) for step in steps]
