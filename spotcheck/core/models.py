"""The one model of the bottom floor."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeCounter(models.Model):
    """The last number handed out in one series of codes: tasks per department and year
    (``task:SCJG-2026``), merged visits per year (``merged_visit:2026``), objects without a
    USCC per kind and county (``object:P320481``), inspectors per department and kind
    (``inspector:SCJG-E``). It only grows, so a code is never handed out twice, even when the
    row that had it changes its code or is retired. Use ``codes.next_number``."""

    series = models.CharField(_("编号序列"), max_length=48, unique=True)
    last_value = models.PositiveBigIntegerField(_("已用最大序号"), default=0)

    class Meta:
        verbose_name = _("编号序号")
        verbose_name_plural = _("编号序号")

    def __str__(self) -> str:
        return f"{self.series}: {self.last_value}"
