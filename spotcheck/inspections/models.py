"""检查实施: what happens to a drawn visit. Today: 合并检查, visits of different departments'
tasks to one object carried out together (进一次门，查多项事); the results, evidence and
follow-up of a visit come next."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MergedVisit(models.Model):
    """合并检查: visits of different departments' tasks to one object, carried out together
    (进一次门，查多项事). Confirmed by the joint office's coordinator; never deleted — a merged
    visit that no longer holds (a task cancelled, plans changed) is dissolved with a reason."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认合并")
        DISSOLVED = "dissolved", _("已解除合并")

    code = models.CharField(_("合并检查编号"), max_length=32, unique=True)
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="merged_visits"
    )
    planned_start = models.DateField(_("计划检查开始日期"), help_text=_("各任务检查时间的重叠部分。"))
    planned_end = models.DateField(_("计划检查截止日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"))
    dissolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dissolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    dissolved_reason = models.CharField(_("解除原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("合并检查")
        verbose_name_plural = _("合并检查")
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="merged_visit_window_ordered"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="confirmed", dissolved_at__isnull=True)
                    | models.Q(status="dissolved", dissolved_at__isnull=False)
                ),
                name="merged_visit_dissolved_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED


class MergedVisitMember(models.Model):
    """One visit grouped into a merged visit. ``is_active`` follows the merged visit (cleared when
    it is dissolved), so the database itself keeps a visit in at most one active merged visit."""

    merged_visit = models.ForeignKey(
        MergedVisit, verbose_name=_("合并检查"), on_delete=models.PROTECT, related_name="members"
    )
    visit = models.ForeignKey(
        "draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="merged_visit_memberships"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("合并检查所含检查")
        verbose_name_plural = _("合并检查所含检查")
        ordering = ["merged_visit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["merged_visit", "visit"], name="merged_visit_member_unique_visit"),
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(is_active=True), name="visit_in_one_active_merged_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_visit_id}: {self.visit_id}"


class MergeDecline(models.Model):
    """不予合并: the coordinator decided that these visits of one object are carried out
    separately; the decision and its reason are kept, and the pairs are not proposed again.
    When the proposal was to add visits to a merged visit (``merged_visit``), ``visits`` holds its
    members too, and the pairs of two members are not part of the decision."""

    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="+"
    )
    visits = models.ManyToManyField("draws.Visit", verbose_name=_("检查"), related_name="merge_declines")
    merged_visit = models.ForeignKey(
        MergedVisit,
        verbose_name=_("未加入的合并检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declines",
    )
    reason = models.CharField(_("不予合并原因"), max_length=255)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(_("决定时间"))

    class Meta:
        verbose_name = _("不予合并记录")
        verbose_name_plural = _("不予合并记录")
        ordering = ["-declined_at", "-id"]

    def __str__(self) -> str:
        return f"{self.inspection_object_id}: {self.reason}"


# ---------------------------------------------------------------------------
# 审批 (approval before the visit; issue 13, item 2)
# ---------------------------------------------------------------------------


class VisitApproval(models.Model):
    """审批: the body's responsible person (主体负责人) approves a visit before it is carried out;
    a visit started in an emergency is approved afterwards (事后补批). Never deleted: an approval
    withdrawn with a reason stays readable; at most one current approval per visit."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("事前审批")
        EMERGENCY = "emergency", _("事后补批")

    visit = models.ForeignKey("draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("审批类型"), max_length=10, choices=Kind.choices, default=Kind.BEFORE)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"))
    emergency_reason = models.CharField(_("紧急先行检查原因"), max_length=255, blank=True)
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
        verbose_name = _("检查审批")
        verbose_name_plural = _("检查审批")
        ordering = ["-approved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(withdrawn_at__isnull=True), name="visit_approval_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.get_kind_display()}"


class EmergencyStart(models.Model):
    """紧急先行检查: a visit started before its approval, marked for approval afterwards. One per
    visit; the later approval is of kind 事后补批."""

    visit = models.OneToOneField(
        "draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="emergency_start"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("先行检查时间"))
    reason = models.CharField(_("紧急先行检查原因"), max_length=255)

    class Meta:
        verbose_name = _("紧急先行检查")
        verbose_name_plural = _("紧急先行检查")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.started_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------
# 检查码 (扫码入企), 到场登记, 企业评价/投诉 (issue 13, item 3)
# ---------------------------------------------------------------------------


class VisitCode(models.Model):
    """检查码: the code of an approved (or emergency-started) visit, printed as a QR for the
    enterprise to check that the visit is real. Issued once, in the transaction of the approval
    or emergency start; never deleted nor reused — an approval withdrawn leaves the code, and the
    public page then says the visit is not approved."""

    visit = models.OneToOneField(
        "draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="check_code"
    )
    code = models.CharField(_("检查码"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("检查码")
        verbose_name_plural = _("检查码")

    def __str__(self) -> str:
        return self.code


class VisitCheckIn(models.Model):
    """到场登记: a team member records the team's arrival at the object — server time, and the
    browser's location where the inspector allowed it. One per visit: it is what the yearly cap
    (无事不扰) counts as an on-site inspection by the visit's body. In a merged visit each
    department's team checks in on its own visit (``merged_visit`` notes the merged visit)."""

    visit = models.OneToOneField(
        "draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="check_in"
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        "inspectors.Inspector", verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="check_ins"
    )
    checked_in_at = models.DateTimeField(_("到场时间"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    merged_visit = models.ForeignKey(
        MergedVisit,
        verbose_name=_("合并检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_ins",
    )

    class Meta:
        verbose_name = _("到场登记")
        verbose_name_plural = _("到场登记")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="visit_check_in_location_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.checked_in_at:%Y-%m-%d %H:%M}"

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VisitFeedback(models.Model):
    """企业评价/投诉: after the team checked in, the enterprise rates the visit (满意度 1–5)
    and/or complains, on the public 检查码 page, without login. Visible to the visit's
    departments and the coordinator only, never public; never deleted."""

    class Kind(models.TextChoices):
        RATING = "rating", _("评价")
        COMPLAINT = "complaint", _("投诉")

    visit = models.ForeignKey("draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    complaint = models.TextField(_("投诉内容"), blank=True)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("企业评价/投诉")
        verbose_name_plural = _("企业评价/投诉")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="visit_feedback_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=False) | ~models.Q(complaint=""),
                name="visit_feedback_not_empty",
            ),
        ]
        indexes = [models.Index(fields=["visit", "created_at"], name="visit_feedback_by_visit")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_complaint(self) -> bool:
        return bool(self.complaint)
