"""A notice (提醒) to one user. Never deleted: read ones stay in the inbox, and what the platform
told whom and when stays answerable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Kind(models.TextChoices):
        VISIT_WINDOW = "visit_window", _("检查即将截止")
        PUBLICATION_DUE = "publication_due", _("结果即将到公示期限")
        PUBLICATION_OVERDUE = "publication_overdue", _("结果逾期未公示")
        # gaps14: the enterprise's voice (the replies app) tells the reviewers at once.
        REPLY_SUBMITTED = "reply_submitted", _("企业说明/异议待审核")
        COMPLAINT_RECEIVED = "complaint_received", _("企业投诉待答复")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    # What the notice is about and for which day ("visit-window:42:2026-06-25"): one notice per
    # user and key, so a job run twice on a day tells nobody twice.
    key = models.CharField(_("提醒标识"), max_length=120)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提醒时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内提醒")
        verbose_name_plural = _("站内提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user_and_key"),
        ]
        indexes = [
            # The inbox (newest first) and the unread count of one user.
            models.Index(fields=["user", "-created_at"], name="notice_inbox_idx"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
