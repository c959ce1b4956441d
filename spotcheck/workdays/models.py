"""The administrator's table of holidays: one row per State Council holiday notice entered.

Loading a year again (a corrected file, a revised notice) adds a new ``HolidayYear`` and marks
the old one superseded instead of deleting it: deadlines computed earlier stay explainable
("retire, don't destroy"), and the auditor can read what the table said when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    notice = models.CharField(_("节假日安排通知"), max_length=255, help_text=_("国务院办公厅通知的文号或标题"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"))
    # Set when a later load of the same year replaced this one; only the row without it counts.
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year", "-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(superseded_at__isnull=True), name="workdays_one_current_notice_per_year"
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)d 年节假日安排") % {"year": self.year}


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    holiday_year = models.ForeignKey(
        HolidayYear, verbose_name=_("节假日安排"), on_delete=models.PROTECT, related_name="days"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=64, blank=True, help_text=_("如：国庆节"))

    class Meta:
        verbose_name = _("节假日安排日期")
        verbose_name_plural = _("节假日安排日期")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["holiday_year", "date"], name="workdays_one_entry_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
