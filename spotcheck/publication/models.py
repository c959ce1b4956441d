"""What has been made public of the results: one ``ResultNotice`` per task (检查结果公告) and, in
it, one ``PublishedResult`` row per published version of a result. A row holds the public record
itself (``record``, built by ``public_record.public_record``): the portal and the open data read
only these rows, never the results' working tables, so nothing that was not published can leak
through them. A correction adds a version and supersedes the last; a withdrawal marks the row.
Neither deletes: the old text stays here and in the audit trail for the auditor, while the
portal shows only the current text with the correction's note."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultNotice(models.Model):
    """「{机关}{年}年度第{N}号抽查任务检查结果公告」: numbered per department and year when the
    first of the task's results is published; later results of the task join it."""

    task = models.OneToOneField(
        "draws.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="result_notice"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("抽查机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("公告序号"))
    first_published_at = models.DateTimeField(_("首次公示时间"))
    updated_at = models.DateTimeField(_("最近更新时间"))

    class Meta:
        verbose_name = _("检查结果公告")
        verbose_name_plural = _("检查结果公告")
        ordering = ["-first_published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "number"], name="result_notice_number_unique"),
        ]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="result_notice_updated_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _("%(department)s%(year)s年度第%(number)s号抽查任务检查结果公告") % {
            "department": self.department.name,
            "year": self.year,
            "number": self.number,
        }


class PublishedResult(models.Model):
    class State(models.TextChoices):
        CURRENT = "current", _("公示中")
        SUPERSEDED = "superseded", _("已更正（旧版本）")
        WITHDRAWN = "withdrawn", _("已撤下")

    notice = models.ForeignKey(
        ResultNotice, verbose_name=_("检查结果公告"), on_delete=models.PROTECT, related_name="results"
    )
    visit_result = models.ForeignKey(
        "results.VisitResult", verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="publications"
    )
    # The object the result is about, kept here so that an enterprise's page and the search read
    # this table alone.
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("公示版本"))
    revision = models.PositiveIntegerField(_("所公示的结果版本号"))
    record = models.JSONField(_("公示内容"))
    completed_on = models.DateField(_("抽查完成日期"))
    problem_found = models.BooleanField(_("发现问题"), default=False)
    published_at = models.DateTimeField(_("公示时间"))
    # None when the daily job published it (the audit entry says so).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deadline this version answered: the 20 working days for the first, the 5 of a
    # correction for the later ones; and whether it was met.
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    on_time = models.BooleanField(_("按时公示"), default=True)
    correction_reason = models.CharField(_("更正说明"), max_length=255, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.CURRENT)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤下人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("撤下说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("已公示的检查结果")
        verbose_name_plural = _("已公示的检查结果")
        ordering = ["notice", "completed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit_result", "version"], name="published_result_version_unique"),
            # At most one version of a result is shown at a time (current or withdrawn).
            models.UniqueConstraint(
                fields=["visit_result"],
                condition=~models.Q(state="superseded"),
                name="published_result_one_shown",
            ),
        ]
        indexes = [
            models.Index(fields=["inspection_object", "-completed_on"], name="published_result_object_idx"),
            models.Index(fields=["notice", "state"], name="published_result_notice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_result_id} v{self.version} ({self.state})"
