"""证据材料: a photo or PDF a team took on site, attached to a visit or to one item of its
checklist. The bytes live in content-hash storage (``storage``); a row is never deleted and its
file never overwritten — a wrong file is withdrawn with a reason and stays for the auditor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        PDF = "pdf", _("PDF 文件")

    visit = models.ForeignKey("draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="evidence")
    # The checklist item it documents (one of the visit's, merged visits' included); empty: the
    # visit as a whole.
    item_version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("抽查事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    original_name = models.CharField(_("原文件名"), max_length=120)
    content_type = models.CharField(_("内容类型"), max_length=40)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    storage_key = models.CharField(_("存储位置"), max_length=120)
    width = models.PositiveIntegerField(_("宽（像素）"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高（像素）"), null=True, blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    # Chosen by the browser per upload: a resent upload (a lost answer, a retry) finds its row.
    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["visit", "uploaded_at"], name="evidence_visit_uploaded")]
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="evidence_one_row_per_client_id",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="evidence_withdrawn_by_and_at_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
