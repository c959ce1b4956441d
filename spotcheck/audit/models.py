from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One append-only entry of the trail (全程留痕), chained to the previous one by SHA-256.

    ``entry_hash = SHA256(prev_hash ‖ canonical JSON of the entry's fields)``; editing, removing
    or reordering any entry breaks every hash after it (``manage.py verify_audit_chain``).
    """

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        CLI = "cli", _("命令行")
        JOB = "job", _("后台任务")
        SYSTEM = "system", _("系统")

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人账号"), max_length=150, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.SYSTEM)
    source_ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        # Append-only: the service creates entries; nothing updates one.
        if not self._state.adding:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")


class AuditAnchor(models.Model):
    """A published head of the chain: its sequence number and entry hash, and when it was taken.

    ``manage.py anchor_audit_chain`` (daily) records one here, shown on the public portal
    (/public/audit-anchors/), and appends it to the anchors file (SPOTCHECK_AUDIT_ANCHORS_FILE):
    copies that live outside the database, so that rewriting the chain (and recomputing every
    later hash) or cutting it short before an anchor no longer passes ``verify_audit_chain``.
    Append-only like the entries, by the same kind of database trigger (``triggers.py``).
    """

    seq = models.PositiveBigIntegerField(_("序号"), db_index=True)
    entry_hash = models.CharField(_("本条哈希"), max_length=64)
    taken_at = models.DateTimeField(_("锚定时间"))

    class Meta:
        verbose_name = _("审计日志锚点")
        verbose_name_plural = _("审计日志锚点")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("audit anchors are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit anchors are append-only")
