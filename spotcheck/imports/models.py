"""Import jobs: an uploaded file, validated and written all-or-nothing by a background job."""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        OBJECTS = "objects", "检查对象"
        INSPECTORS = "inspectors", "执法检查人员"
        ITEMS = "items", "抽查事项"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        SUCCEEDED = "succeeded", "已导入"
        REJECTED = "rejected", "有错误，未导入"
        FAILED = "failed", "系统错误"

    class Source(models.TextChoices):
        WEB = "web", "网页上传"
        CLI = "cli", "命令行"

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})
    ERRORS_KEPT = 5000

    kind = models.CharField("导入类型", max_length=12, choices=Kind.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    # Row errors as [row, column, value, message] lists; at most ERRORS_KEPT of them are kept
    # (the command line prints every one), ``error_count`` counts them all.
    errors = models.JSONField("错误", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    failure = models.TextField("系统错误", blank=True)
    source = models.CharField("提交方式", max_length=8, choices=Source.choices, default=Source.WEB)
    task_id = models.CharField("后台任务编号", max_length=64, blank=True)
    heartbeat_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

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
