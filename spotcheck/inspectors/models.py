"""执法检查人员名录库: inspectors, their qualifications, availability and recusals (回避)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Qualification(models.Model):
    code = models.CharField(_("资格代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("执法资格")
        verbose_name_plural = _("执法资格")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    class Kind(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", _("公务员")
        QUALIFIED_STAFF = "qualified_staff", _("具有执法资格人员")
        EXTERNAL_EXPERT = "external_expert", _("外部专家")
        THIRD_PARTY = "third_party", _("第三方机构")

    class Availability(models.TextChoices):
        ON_DUTY = "on_duty", _("在岗")
        ON_LEAVE = "on_leave", _("休假")
        TRANSFERRED = "transferred", _("调离")

    # Kinds that act under an enforcement certificate (执法证), which must be valid to be matched.
    KINDS_WITH_CERTIFICATE = frozenset({Kind.CIVIL_SERVANT, Kind.QUALIFIED_STAFF})

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="inspectors"
    )
    code = models.CharField(
        _("人员编码"),
        max_length=32,
        unique=True,
        help_text=_("公开编码：持证人员为执法证号，其他人员为平台分配的编码。"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("人员类别"), max_length=16, choices=Kind.choices, default=Kind.CIVIL_SERVANT)
    certificate_number = models.CharField(_("执法证号"), max_length=32, blank=True)
    certificate_expires_on = models.DateField(_("执法证有效期至"), null=True, blank=True)
    post = models.CharField(_("岗位/职务"), max_length=50, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    jurisdictions = models.ManyToManyField(
        "accounts.Region", verbose_name=_("管辖片区"), blank=True, related_name="inspectors"
    )
    can_lead = models.BooleanField(_("可任组长"), default=False)
    qualifications = models.ManyToManyField(
        Qualification, verbose_name=_("执法资格"), blank=True, related_name="inspectors"
    )
    specialties = models.CharField(_("专业特长"), max_length=255, blank=True)
    availability = models.CharField(
        _("在岗状态"), max_length=12, choices=Availability.choices, default=Availability.ON_DUTY
    )
    availability_from = models.DateField(_("状态起始日期"), null=True, blank=True)
    availability_until = models.DateField(_("状态截止日期"), null=True, blank=True)
    availability_reason = models.CharField(_("状态变更原因"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspector_profile",
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    retired_reason = models.CharField(_("停用原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员")
        ordering = ["department", "code"]
        constraints = [
            # 执法证号 are issued once; two people never share one.
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="inspector_unique_certificate_number",
                violation_error_message=_("该执法证号已登记在其他人员名下。"),
            ),
            models.CheckConstraint(
                condition=models.Q(availability_until__isnull=True)
                | models.Q(availability_from__isnull=True)
                | models.Q(availability_until__gte=models.F("availability_from")),
                name="inspector_availability_dates_ordered",
                violation_error_message=_("状态截止日期不能早于起始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["certificate_expires_on"], name="inspector_cert_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def holds_certificate(self) -> bool:
        return self.kind in self.KINDS_WITH_CERTIFICATE

    # The three rules below are mirrored, clause for clause, by ``matchable_q`` so that the
    # database can select matchable inspectors; tests/inspectors checks the two agree.

    def is_available_on(self, day: dt.date) -> bool:
        """Whether the inspector is at work on ``day``. Leave runs from ``availability_from``
        to ``availability_until`` (both inclusive, either open); a transfer (调离) has no end:
        from its first day on the inspector is never matched again."""
        if self.availability == self.Availability.ON_DUTY:
            return True
        started = self.availability_from is None or self.availability_from <= day
        if self.availability == self.Availability.TRANSFERRED:
            return not started
        ended = self.availability_until is not None and self.availability_until < day
        return not started or ended

    def certificate_valid_on(self, day: dt.date) -> bool:
        if self.kind not in self.KINDS_WITH_CERTIFICATE:
            return True
        return bool(self.certificate_number) and (
            self.certificate_expires_on is not None and self.certificate_expires_on >= day
        )

    def is_matchable_on(self, day: dt.date) -> bool:
        """May this inspector be put on a team for work on ``day``? Never when retired,
        absent, or (for certificate holders) without a valid 执法证."""
        return self.retired_at is None and self.is_available_on(day) and self.certificate_valid_on(day)

    def unmatchable_reasons(self, day: dt.date) -> list[str]:
        """Why ``is_matchable_on(day)`` is false, in words for the detail page (empty when matchable)."""
        reasons = []
        if self.retired_at is not None:
            reasons.append(gettext("已停用"))
        if not self.is_available_on(day):
            label = self.get_availability_display()
            start = self.availability_from or "—"
            if self.availability == self.Availability.TRANSFERRED:
                reasons.append(gettext("%(status)s（自 %(start)s 起）") % {"status": label, "start": start})
            else:
                end = self.availability_until or "—"
                reasons.append(
                    gettext("%(status)s（%(start)s 至 %(end)s）") % {"status": label, "start": start, "end": end}
                )
        if not self.certificate_valid_on(day):
            if not self.certificate_number or self.certificate_expires_on is None:
                reasons.append(gettext("缺少执法证号或有效期"))
            else:
                reasons.append(gettext("执法证已于 %(day)s 过期") % {"day": self.certificate_expires_on})
        return reasons

    def certificate_state_on(self, day: dt.date, warn_days: int = 30) -> str:
        """``none`` (no certificate needed or held), ``missing``, ``expired``, ``expiring``
        (within ``warn_days``) or ``valid``: drives the badge in lists."""
        if self.kind not in self.KINDS_WITH_CERTIFICATE and not self.certificate_expires_on:
            return "none"
        if not self.certificate_number or self.certificate_expires_on is None:
            return "missing"
        if self.certificate_expires_on < day:
            return "expired"
        if self.certificate_expires_on <= day + dt.timedelta(days=warn_days):
            return "expiring"
        return "valid"

    @classmethod
    def matchable_q(cls, day: dt.date) -> models.Q:
        """``is_matchable_on(day)`` as a database condition (same three rules)."""
        not_retired = models.Q(retired_at__isnull=True)
        not_started = models.Q(availability_from__isnull=False, availability_from__gt=day)
        leave_over = models.Q(availability_until__isnull=False, availability_until__lt=day)
        available = (
            models.Q(availability=cls.Availability.ON_DUTY)
            | models.Q(availability=cls.Availability.TRANSFERRED) & not_started
            | models.Q(availability=cls.Availability.ON_LEAVE) & (not_started | leave_over)
        )
        certificate = ~models.Q(kind__in=cls.KINDS_WITH_CERTIFICATE) | (
            ~models.Q(certificate_number="") & models.Q(certificate_expires_on__gte=day)
        )
        return not_retired & available & certificate


class Recusal(models.Model):
    """回避: an inspector who must never be matched to an object. Private to the inspector's
    department and to auditors."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="recusals"
    )
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="recusals"
    )
    reason = models.CharField(_("回避原因"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    ended_reason = models.CharField(_("解除原因"), max_length=255, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "inspection_object"],
                condition=models.Q(ended_at__isnull=True),
                name="recusal_one_active_per_pair",
                violation_error_message=_("该人员与该检查对象已有有效的回避关系。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.inspection_object}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
