"""执法检查人员名录库: inspectors, their qualifications, availability and recusals (回避)."""

import datetime as dt

from django.conf import settings
from django.db import models


class Qualification(models.Model):
    code = models.CharField("资格代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.CharField("说明", max_length=255, blank=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "执法资格"
        verbose_name_plural = "执法资格"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    class Kind(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", "公务员"
        QUALIFIED_STAFF = "qualified_staff", "具有执法资格人员"
        EXTERNAL_EXPERT = "external_expert", "外部专家"
        THIRD_PARTY = "third_party", "第三方机构"

    class Availability(models.TextChoices):
        ON_DUTY = "on_duty", "在岗"
        ON_LEAVE = "on_leave", "休假"
        TRANSFERRED = "transferred", "调离"

    # Kinds that act under an enforcement certificate (执法证), which must be valid to be matched.
    KINDS_WITH_CERTIFICATE = frozenset({Kind.CIVIL_SERVANT, Kind.QUALIFIED_STAFF})

    department = models.ForeignKey(
        "accounts.Department", verbose_name="所属部门", on_delete=models.PROTECT, related_name="inspectors"
    )
    code = models.CharField(
        "人员编码", max_length=32, unique=True, help_text="公开编码：持证人员为执法证号，其他人员为平台分配的编码。"
    )
    name = models.CharField("姓名", max_length=50)
    kind = models.CharField("人员类别", max_length=16, choices=Kind.choices, default=Kind.CIVIL_SERVANT)
    certificate_number = models.CharField("执法证号", max_length=32, blank=True)
    certificate_expires_on = models.DateField("执法证有效期至", null=True, blank=True)
    post = models.CharField("岗位/职务", max_length=50, blank=True)
    title = models.CharField("职称", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    jurisdictions = models.ManyToManyField(
        "accounts.Region", verbose_name="管辖片区", blank=True, related_name="inspectors"
    )
    can_lead = models.BooleanField("可任组长", default=False)
    qualifications = models.ManyToManyField(
        Qualification, verbose_name="执法资格", blank=True, related_name="inspectors"
    )
    specialties = models.CharField("专业特长", max_length=255, blank=True)
    availability = models.CharField(
        "在岗状态", max_length=12, choices=Availability.choices, default=Availability.ON_DUTY
    )
    availability_from = models.DateField("状态起始日期", null=True, blank=True)
    availability_until = models.DateField("状态截止日期", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspector_profile",
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    retired_reason = models.CharField("停用原因", max_length=255, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员"
        ordering = ["department", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def is_available_on(self, day: dt.date) -> bool:
        """Whether the inspector is at work on ``day`` (leave and transfer have date ranges)."""
        if self.availability == self.Availability.ON_DUTY:
            return True
        started = self.availability_from is None or self.availability_from <= day
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


class Recusal(models.Model):
    """回避: an inspector who must never be matched to an object. Private to the inspector's
    department and to auditors."""

    inspector = models.ForeignKey(
        Inspector, verbose_name="执法检查人员", on_delete=models.PROTECT, related_name="recusals"
    )
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name="检查对象", on_delete=models.PROTECT, related_name="recusals"
    )
    reason = models.CharField("回避原因", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)
    ended_reason = models.CharField("解除原因", max_length=255, blank=True)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "inspection_object"],
                condition=models.Q(ended_at__isnull=True),
                name="recusal_one_active_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.inspection_object}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
