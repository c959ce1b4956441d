"""The manifest of the open-data bulk files (issue 14, item 6; bulk14): one row per file, with
the SHA-256, size and row count of the bytes on disk and when its content last changed. The files
themselves live in ``SPOTCHECK_BULK_ROOT`` (by default ``SPOTCHECK_MEDIA_ROOT/opendata``) and go
out only through the portal's download view."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkFile(models.Model):
    class Kind(models.TextChoices):
        RESULTS = "results", _("检查结果")
        TASKS = "tasks", _("抽查任务")
        TARGETS = "targets", _("抽取名单")
        PLANS = "plans", _("年度抽查计划")
        ITEMS = "items", _("抽查事项清单")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    name = models.CharField(_("文件名"), max_length=100, unique=True)
    kind = models.CharField(_("数据"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("格式"), max_length=4, choices=Format.choices)
    # None: not per year (the item list in force).
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    # None: the region's joint plans (made by the joint office, no department of their own).
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    rows = models.PositiveIntegerField(_("行数"))
    # When the bytes last changed; a rebuild with the same content keeps it (and the file).
    updated_at = models.DateTimeField(_("更新时间"))
    checked_at = models.DateTimeField(_("最近生成时间"))

    class Meta:
        verbose_name = _("开放数据文件")
        verbose_name_plural = _("开放数据文件")
        ordering = ["-year", "department__sort_order", "department__code", "kind", "format"]

    def __str__(self) -> str:
        return self.name
