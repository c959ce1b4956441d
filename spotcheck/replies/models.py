"""企业说明/异议 (``EnterpriseReply``) to a published result, and the department's answer to a
complaint from the 检查码 page (``ComplaintAnswer``). Neither is ever deleted: a reply is
accepted (then shown beside the result on the portal) or rejected with a reason the enterprise
reads on the status page; an answer is shown only on the 检查码 page of its visit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseReply(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("说明")
        OBJECTION = "objection", _("异议")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("不予采纳")

    # The version the enterprise replied to; the result itself (stable across corrections) and
    # the department that reviews it (the task's lead department, whose notice it is).
    published_result = models.ForeignKey(
        "publication.PublishedResult",
        verbose_name=_("所针对的公示版本"),
        on_delete=models.PROTECT,
        related_name="replies",
    )
    visit_result = models.ForeignKey(
        "results.VisitResult", verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("审核部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("内容"))
    # Never public: for the department to call back.
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.CharField(_("不予采纳的理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("企业说明/异议")
        verbose_name_plural = _("企业说明/异议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "-submitted_at"], name="reply_department_status_idx"),
            models.Index(fields=["visit_result", "status"], name="reply_result_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="reply_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="reply_rejected_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ComplaintAnswer(models.Model):
    """The department's answer to a complaint of the 检查码 page (``VisitFeedback`` with a
    complaint): one per complaint, shown to the enterprise on that page only (ratings and
    complaints are never public)."""

    feedback = models.OneToOneField(
        "inspections.VisitFeedback", verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="answer"
    )
    text = models.TextField(_("答复内容"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("投诉答复")
        verbose_name_plural = _("投诉答复")

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.answered_at:%Y-%m-%d}"
