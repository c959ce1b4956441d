"""Import jobs: an uploaded file, validated and written all-or-nothing by a background job."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        OBJECTS = "objects", _("检查对象")
        INSPECTORS = "inspectors", _("执法检查人员")
        ITEMS = "items", _("抽查事项")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("系统错误")

    class Source(models.TextChoices):
        WEB = "web", _("网页上传")
        CLI = "cli", _("命令行")

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})
    ERRORS_KEPT = 5000

    kind = models.CharField(_("导入类型"), max_length=12, choices=Kind.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    # Row errors as [row, column, value, message] lists; at most ERRORS_KEPT of them are kept
    # (the command line prints every one), ``error_count`` counts them all.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    failure = models.TextField(_("系统错误"), blank=True)
    source = models.CharField(_("提交方式"), max_length=8, choices=Source.choices, default=Source.WEB)
    queue_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The file of a refused or failed import is deleted after the retention period
    # (SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS); its name and SHA-256 stay on the row.
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    PURGEABLE_STATUSES = frozenset({Status.REJECTED, Status.FAILED})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.SUCCEEDED, self.Status.REJECTED} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)
