"""检查对象名录库: the inspection objects and the code tables that describe them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IndustryQuerySet(models.QuerySet):
    def tree_order(self) -> "IndustryQuerySet":
        """门类 followed by its 大类 (A, 01…05, B, 06…), as drop-downs show them."""
        return self.annotate(section_code=Coalesce("parent__code", "code")).order_by("section_code", "-level", "code")


class Industry(models.Model):
    """国民经济行业分类 (GB/T 4754-2017): 门类 (a letter) and 大类 (two digits)."""

    class Level(models.TextChoices):
        SECTION = "section", _("门类")
        DIVISION = "division", _("大类")

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("所属门类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tag(models.Model):
    """分类标注: labels such as 重点监管, 食品生产, 特种设备使用单位."""

    code = models.CharField(_("标签代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("分类标注")
        verbose_name_plural = _("分类标注")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LicenceKind(models.Model):
    code = models.CharField(_("许可代码"), max_length=32, unique=True)
    name = models.CharField(_("许可名称"), max_length=100)
    issuing_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("发证部门"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("许可类别")
        verbose_name_plural = _("许可类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class InspectionObject(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL = "individual", _("个体工商户")
        COOPERATIVE = "cooperative", _("农民专业合作社")
        PRODUCT = "product", _("产品")
        PROJECT = "project", _("工程项目")
        BEHAVIOUR = "behaviour", _("行为")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        REVOKED = "revoked", _("吊销")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "注销")
        MOVED_OUT = "moved_out", _("迁出")

    class RiskLevel(models.TextChoices):
        LOW = "low", _("低风险")
        GENERAL = "general", _("一般风险")
        ELEVATED = "elevated", _("较高风险")
        HIGH = "high", _("高风险")

    class CreditLevel(models.TextChoices):
        A = "A", _("A 类（信用风险低）")
        B = "B", _("B 类（信用风险一般）")
        C = "C", _("C 类（信用风险较高）")
        D = "D", _("D 类（信用风险高）")

    class AnnualReport(models.TextChoices):
        REPORTED = "reported", _("已报送")
        NOT_REPORTED = "not_reported", _("未报送")
        LATE = "late", _("逾期补报")
        NOT_APPLICABLE = "na", _("不适用")

    # Kinds that are market entities and so carry a 统一社会信用代码.
    KINDS_WITH_USCC = frozenset({Kind.ENTERPRISE, Kind.INDIVIDUAL, Kind.COOPERATIVE})

    public_code = models.CharField(
        _("公开编码"),
        max_length=32,
        unique=True,
        help_text=_("统一社会信用代码；没有的对象（产品、项目、行为）为平台分配的稳定编码。"),
    )
    # Unique through a constraint, not unique=True, which on PostgreSQL adds a second
    # (pattern) index that no query uses; every index slows the million-row imports.
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True)
    kind = models.CharField(_("对象类型"), max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    # Searched through the trigram index on UPPER(name) (migration 0002), so no b-tree here.
    name = models.CharField(_("名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    address = models.CharField(_("住所（经营场所）"), max_length=255, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        related_name="inspection_objects",
        db_index=False,  # object_region_status_idx starts with region
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("登记状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("分类标注"), blank=True, related_name="objects_tagged")
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.GENERAL)
    credit_level = models.CharField(_("信用等级"), max_length=1, choices=CreditLevel.choices, default=CreditLevel.B)
    in_abnormal_list = models.BooleanField(_("列入经营异常名录"), default=False)
    in_serious_violation_list = models.BooleanField(_("列入严重违法失信名单"), default=False)
    annual_report_status = models.CharField(
        _("年报状态"), max_length=12, choices=AnnualReport.choices, default=AnnualReport.REPORTED
    )
    annual_report_year = models.PositiveSmallIntegerField(_("最近年报年度"), null=True, blank=True)
    owner_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("录入部门"), on_delete=models.PROTECT, related_name="owned_objects"
    )
    supervising_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("监管部门"), blank=True, related_name="supervised_objects"
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    retired_reason = models.CharField(_("停用原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        ordering = ["public_code"]
        indexes = [
            models.Index(fields=["region", "status"], name="object_region_status_idx"),
            models.Index(fields=["credit_level", "risk_level"], name="object_levels_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["uscc"], name="object_uscc_unique")]
        # Prefix search on public_code (LIKE 'X%') uses the pattern index PostgreSQL gets for
        # every unique CharField.

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


# The object's own data columns (attnames): what imports and the demo load write in bulk.
OBJECT_DATA_COLUMNS: tuple[str, ...] = tuple(
    f.attname
    for f in InspectionObject._meta.concrete_fields
    if f.name not in {"id", "public_code", "retired_at", "retired_reason", "created_at", "updated_at"}
)


class ObjectLicence(models.Model):
    inspection_object = models.ForeignKey(
        InspectionObject, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="licences"
    )
    kind = models.ForeignKey(LicenceKind, verbose_name=_("许可类别"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("许可证号"), max_length=64)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    retired_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    retired_reason = models.CharField(_("注销原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")
        constraints = [
            models.UniqueConstraint(fields=["inspection_object", "kind", "number"], name="licence_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class LevelChange(models.Model):
    """Every change of an object's risk or credit level, with when, why and on whose word."""

    class Field(models.TextChoices):
        RISK = "risk_level", _("风险等级")
        CREDIT = "credit_level", _("信用等级")

    inspection_object = models.ForeignKey(
        InspectionObject, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="level_changes"
    )
    field = models.CharField(_("等级类别"), max_length=16, choices=Field.choices)
    old_value = models.CharField(_("原等级"), max_length=10, blank=True)
    new_value = models.CharField(_("新等级"), max_length=10)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("变更原因"), max_length=255)
    source = models.CharField(_("依据来源"), max_length=100, help_text=_("如：信用风险分类结果、部门评定、导入文件"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("等级变更")
        verbose_name_plural = _("等级变更")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.old_value}→{self.new_value}"

    def _value_label(self, value: str) -> str:
        choices = InspectionObject.RiskLevel if self.field == self.Field.RISK else InspectionObject.CreditLevel
        return str(dict(choices.choices).get(value, value))

    @property
    def old_label(self) -> str:
        return self._value_label(self.old_value) if self.old_value else ""

    @property
    def new_label(self) -> str:
        return self._value_label(self.new_value)


class Penalty(models.Model):
    """行政处罚 on record for an object (recent penalties feed pool filters)."""

    inspection_object = models.ForeignKey(
        InspectionObject, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="penalties"
    )
    department = models.ForeignKey("accounts.Department", verbose_name=_("处罚部门"), on_delete=models.PROTECT)
    decision_number = models.CharField(_("处罚决定书文号"), max_length=64)
    decided_on = models.DateField(_("处罚日期"))
    summary = models.CharField(_("违法事实与处罚内容"), max_length=500)

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_number"], name="penalty_unique_decision"),
        ]

    def __str__(self) -> str:
        return self.decision_number


class ObjectFinding(models.Model):
    """风险记录: a problem found on an object, with its source, so that later strata (the object
    filter's ``findings_within_days``) and every department's page see it. Written by the apps
    above (today: a confirmed inspection result with a problem, through the follow-ups app);
    never deleted — a source that no longer holds (a corrected result) retires its entry with a
    reason."""

    class SourceKind(models.TextChoices):
        RESULT = "result", _("抽查检查结果")

    inspection_object = models.ForeignKey(
        InspectionObject, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="findings"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("发现部门"), on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField(_("发现日期"))
    source_kind = models.CharField(_("来源类别"), max_length=16, choices=SourceKind.choices)
    # What wrote it, as the writer identifies it (for a result: its item result's id), so that
    # writing it again updates the one entry instead of adding another.
    source_key = models.CharField(_("来源标识"), max_length=64)
    source_reference = models.CharField(_("来源"), max_length=255, help_text=_("如：任务编号、检查、事项编码"))
    codes = models.JSONField(_("检查结果代码"), default=list, blank=True)
    summary = models.CharField(_("问题摘要"), max_length=500)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    retired_reason = models.CharField(_("撤销原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("风险记录")
        verbose_name_plural = _("风险记录")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["found_on", "inspection_object"], name="finding_found_object_idx")]
        constraints = [
            # One standing entry per source; a retired one stays beside a later one.
            models.UniqueConstraint(
                fields=["source_kind", "source_key"],
                condition=models.Q(retired_at__isnull=True),
                name="finding_one_standing_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(retired_at__isnull=True) | ~models.Q(retired_reason=""),
                name="finding_retired_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_object_id} {self.found_on} {self.source_reference}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
