"""后续处置 (RULES.md): every problem item of a confirmed result is either handled — a
``FollowUp`` of one of the national kinds, or the recorded decision that it needs nothing more —
or visibly pending (待处置). A 责令改正 is re-checked (``ReCheck``, its own result); a 抄告 lands in
the target department's inbox with 已阅/已处理 marks. Nothing is deleted: a mistaken follow-up is
withdrawn with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        NONE_NEEDED = "none", _("无需后续处置")
        ROUTINE = "routine", _("反馈日常监管")
        RECTIFY = "rectify", _("责令改正")
        REFER = "refer", _("移送办案机构")
        NOTIFY = "notify", _("抄告相关部门")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        CLOSED = "closed", _("完结")
        WITHDRAWN = "withdrawn", _("已撤回")

    item_result = models.ForeignKey(
        "results.ItemResult", verbose_name=_("事项检查结果"), on_delete=models.PROTECT, related_name="followups"
    )
    # The item's department (ItemResult.department), kept here so the lists filter by index.
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("处置部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("处置方式"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=64, blank=True)
    target_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("抄告部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups_notified",
    )
    note = models.TextField(_("处置说明"), blank=True)
    # A 责令改正 found not corrected at its re-check and turned into another kind.
    escalated_from = models.ForeignKey(
        "self", verbose_name=_("由此转来"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    closed_on = models.DateField(_("完结日期"), null=True, blank=True)
    close_note = models.TextField(_("完结说明"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完结登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=255, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 抄告: the target department's marks in its inbox.
    notice_read_at = models.DateTimeField(_("已阅时间"), null=True, blank=True)
    notice_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("已阅人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_handled_at = models.DateTimeField(_("已处理时间"), null=True, blank=True)
    notice_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_handled_note = models.CharField(_("处理情况"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("后续处置")
        verbose_name_plural = _("后续处置")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "created_at"], name="followup_dept_status_idx"),
            models.Index(fields=["status", "kind", "due_on"], name="followup_status_due_idx"),
            models.Index(fields=["target_department", "created_at"], name="followup_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="rectify") | Q(due_on__isnull=False), name="followup_rectify_due"),
            models.CheckConstraint(condition=~Q(kind="refer") | ~Q(case_number=""), name="followup_refer_case"),
            models.CheckConstraint(
                condition=~Q(kind="notify") | Q(target_department__isnull=False), name="followup_notify_target"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="followup_closed_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""), name="followup_withdrawn_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReCheck(models.Model):
    """复查 of a 责令改正: its own result, recorded by the department — the date, at least two
    certified officers of its roster, 已改正 (the follow-up is 完结) or 未改正 (a new due date, or
    the follow-up turned into another kind)."""

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("已改正")
        NOT_CORRECTED = "not_corrected", _("未改正")

    followup = models.ForeignKey(
        FollowUp, verbose_name=_("后续处置"), on_delete=models.PROTECT, related_name="rechecks"
    )
    checked_on = models.DateField(_("复查日期"))
    officers = models.ManyToManyField("inspectors.Inspector", verbose_name=_("复查人员"), related_name="+")
    outcome = models.CharField(_("复查结果"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("复查情况"), blank=True)
    # 未改正 with a new period: the due date it replaced.
    previous_due_on = models.DateField(_("原整改期限"), null=True, blank=True)
    new_due_on = models.DateField(_("新整改期限"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("复查")
        verbose_name_plural = _("复查")
        ordering = ["followup", "checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.checked_on} {self.outcome}"
