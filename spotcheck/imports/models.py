"""Import and export jobs: an uploaded file validated and written all-or-nothing, or a file of
the rows a user may export written, by a background job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    """What every job of this app records of its life: who asked and when, how far it got (rows
    done of the total, a heartbeat the stale-job reaper reads), its place in the queue, why it
    failed, and when its file was retired. The progress, the reaper and the status fragment
    (``progress.py``, ``background.py``) work on these fields, whichever the job."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    failure = models.TextField(_("系统错误"), blank=True)
    queue_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ImportJob(BackgroundJob):
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
    # The file of a refused or failed import is deleted after the retention period
    # (SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS); its name and SHA-256 stay on the row.
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    # Row errors as [row, column, value, message] lists; at most ERRORS_KEPT of them are kept
    # (the command line prints every one), ``error_count`` counts them all.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    source = models.CharField(_("提交方式"), max_length=8, choices=Source.choices, default=Source.WEB)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    PURGEABLE_STATUSES = frozenset({Status.REJECTED, Status.FAILED})

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.SUCCEEDED, self.Status.REJECTED} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


def export_file_path(job: ExportJob, filename: str) -> str:
    # One folder per job, beside the import files (never under a public URL).
    return f"imports/exports/{job.pk}/{filename}"


class ExportJob(BackgroundJob):
    """An export written by a background job: the rows of one kind the asker may export, with
    the list page's filters, as xlsx or CSV. A model of its own rather than a kind of
    ``ImportJob``: an import keeps an uploaded file, its department, row errors and counts of
    what it changed; an export keeps filters, a format and the file it made, and who may fetch
    that file follows the export rules of the data (``access.py``), not the import's. What the
    two share, the job's life and progress, is ``BackgroundJob``."""

    Kind = ImportJob.Kind

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未完成")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel 表格（xlsx）")
        CSV = "csv", _("CSV 文本")

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})

    kind = models.CharField(_("导出类型"), max_length=12, choices=ImportJob.Kind.choices)
    format = models.CharField(_("文件格式"), max_length=4, choices=Format.choices)
    # The list page's query parameters, as ``exports.filter_params`` keeps them.
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    # The departments whose rows the file holds (the asker's export rights when it was
    # written); null: the whole region. Others may fetch the file if their rights cover these.
    departments = models.JSONField(_("数据所属部门"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("文件"), upload_to=export_file_path, max_length=255, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name or self.pk}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, self.processed_rows * 100 // self.total_rows)
