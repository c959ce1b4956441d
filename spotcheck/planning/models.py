"""Annual inspection plans (年度抽查计划): a department's plan or the region's joint plan
(部门联合抽查计划), their entries, the strata of each entry and the readable history."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spotcheck.core.filing import FilingStatus, filing_choices


class AnnualPlan(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门年度抽查计划")
        JOINT = "joint", _("部门联合抽查计划")

    # The steps of filing shared with items (core.filing); a plan is approved by its
    # department before the joint office files it, and published after.
    Status = FilingStatus
    STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.FILING, Status.FILED, Status.PUBLISHED)
    STATUS_CHOICES = filing_choices(*STATUSES)

    # The department (or the joint office) may still change the content.
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})

    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("编制部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_plans",
        help_text=_("联合抽查计划不属于单个部门，由联席办编制。"),
    )
    year = models.PositiveSmallIntegerField(_("计划年度"))
    kind = models.CharField(_("计划类型"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("调整次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("备案受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_late = models.BooleanField(_("逾期备案"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    retired_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year", "kind", "department__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="joint") & models.Q(department__isnull=True))
                | (models.Q(kind="department") & models.Q(department__isnull=False)),
                name="plan_joint_has_no_department",
            ),
            models.UniqueConstraint(
                fields=["department", "year"],
                condition=models.Q(kind="department", retired_at__isnull=True),
                name="plan_one_per_department_year",
                violation_error_message=_("该部门本年度已有年度抽查计划。"),
            ),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(kind="joint", retired_at__isnull=True),
                name="plan_one_joint_per_region_year",
                violation_error_message=_("本区划本年度已有部门联合抽查计划。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def is_joint(self) -> bool:
        return self.kind == self.Kind.JOINT

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES and self.retired_at is None

    @property
    def filing_deadline(self) -> dt.date:
        """Plans are filed with the joint office by 31 January of the plan year."""
        return dt.date(self.year, 1, 31)

    def filing_overdue_on(self, today: dt.date) -> bool:
        """Not yet filed and the deadline has passed (a late filing is flagged on the plan)."""
        return self.filed_at is None and self.retired_at is None and today > self.filing_deadline

    @property
    def is_filing_overdue(self) -> bool:
        return self.filing_overdue_on(timezone.localdate())  # TIME_ZONE is Asia/Shanghai


class PlanEntry(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常抽查")
        SPECIAL = "special", _("专项抽查")
        JOINT = "joint", _("联合抽查")

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("任务编号"), max_length=32)
    name = models.CharField(_("任务名称"), max_length=200)
    kind = models.CharField(_("抽查类型"), max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    items = models.ManyToManyField("catalog.InspectionItem", verbose_name=_("抽查事项"), related_name="plan_entries")
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("发起部门"), on_delete=models.PROTECT, related_name="+"
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("参与部门"), blank=True, related_name="+"
    )
    # Same form as an item's scope (spotcheck.directory.object_filter, the scope keys).
    scope = models.JSONField(_("抽查对象范围"), default=dict, blank=True)
    window_start = models.DateField(_("开始日期"))
    window_end = models.DateField(_("结束日期"))
    frequency_cap_days = models.PositiveSmallIntegerField(
        _("同一对象抽查间隔（天）"),
        default=365,
        help_text=_("无事不扰：在此天数内已被抽中的对象不再抽取。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    retired_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                condition=models.Q(retired_at__isnull=True),
                name="plan_entry_unique_code",
                violation_error_message=_("本计划中已有相同编号的条目。"),
            ),
            models.CheckConstraint(
                condition=models.Q(window_start__lte=models.F("window_end")), name="plan_entry_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlanStratum(models.Model):
    """One stratum of an entry's pool: the objects its filter picks, drawn at its ratio."""

    entry = models.ForeignKey(PlanEntry, verbose_name=_("计划条目"), on_delete=models.PROTECT, related_name="strata")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("分层名称"), max_length=100)
    # An object filter (spotcheck.directory.object_filter) of the keys a task stratum takes.
    filter = models.JSONField(_("分层条件"), default=dict, blank=True)
    ratio = models.CharField(_("抽取比例"), max_length=12, help_text=_("0 到 1 之间的小数，如 0.05 表示 5%"))
    min_count = models.PositiveIntegerField(_("最少抽取数"), null=True, blank=True)
    max_count = models.PositiveIntegerField(_("最多抽取数"), null=True, blank=True)
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽取分层")
        verbose_name_plural = _("抽取分层")
        ordering = ["entry", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "name"],
                condition=models.Q(retired_at__isnull=True),
                name="plan_stratum_unique_name",
                violation_error_message=_("本条目中已有同名的分层。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanEvent(models.Model):
    """One step of a plan's history with the whole plan as it stood then (entries and strata
    included), so every published version can be shown again."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("plan event", "编制")
        SUBMITTED = "submitted", pgettext_lazy("plan event", "提交审核")
        RETURNED = "returned", pgettext_lazy("plan event", "退回")
        APPROVED = "approved", pgettext_lazy("plan event", "审核通过")
        FILED = "filed", pgettext_lazy("plan event", "备案")
        PUBLISHED = "published", pgettext_lazy("plan event", "公布")
        ADJUSTED = "adjusted", pgettext_lazy("plan event", "调整")
        RETIRED = "retired", pgettext_lazy("plan event", "作废")

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("环节"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因/说明"), max_length=500, blank=True)
    revision = models.PositiveIntegerField(_("调整次数"), default=0)
    snapshot = models.JSONField(_("计划快照"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("计划记录")
        verbose_name_plural = _("计划记录")
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_action_display()}"
