"""抽查事项清单 (一单): inspection items, each a chain of filed versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spotcheck.core.filing import FilingStatus, filing_choices


class InspectionItem(models.Model):
    """The stable identity of an item; what it says lives in its versions."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="inspection_items"
    )
    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    current_version = models.OneToOneField(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("最近一个已备案并公布的版本。"),
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    retired_reason = models.CharField(_("停用原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        ordering = ["department", "code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.code} {name}".strip()


class ItemVersion(models.Model):
    # The steps of filing shared with plans (core.filing): an item's take the joint office's
    # filing and publication as one step.
    Status = FilingStatus
    STATUSES = (Status.DRAFT, Status.FILING, Status.RETURNED, Status.PUBLISHED, Status.SUPERSEDED)
    STATUS_CHOICES = filing_choices(*STATUSES)

    # A version still in the filing process; an item has at most one at a time.
    OPEN_STATUSES = frozenset({Status.DRAFT, Status.FILING, Status.RETURNED})
    # Versions that were published: readable by every staff member, forever.
    PUBLISHED_STATUSES = frozenset({Status.PUBLISHED, Status.SUPERSEDED})
    # The department may still change the text.
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
    # The free-text guideline fields (检查依据/检查内容/检查流程/审批权限/公示程序/归档方式).
    GUIDELINE_FIELDS = (
        "inspection_basis",
        "inspection_content",
        "inspection_procedure",
        "approval_authority",
        "disclosure_procedure",
        "archiving_method",
    )

    class Category(models.TextChoices):
        KEY = "key", _("重点检查事项")
        GENERAL = "general", _("一般检查事项")

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("实地核查")
        DOCUMENT = "document", _("书面检查")
        ONLINE = "online", _("网络监测")
        THIRD_PARTY = "third_party", _("委托第三方")

    item = models.ForeignKey(
        InspectionItem, verbose_name=_("抽查事项"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.DRAFT)
    name = models.CharField(_("事项名称"), max_length=200)
    sub_items = models.JSONField(_("检查子项"), default=list, blank=True)
    category = models.CharField(_("事项类别"), max_length=8, choices=Category.choices, default=Category.GENERAL)
    legal_basis = models.TextField(_("抽查依据"))
    implementing_body = models.CharField(_("实施主体"), max_length=200)
    # Structured filter over the objects: {"kinds": [...], "industries": [codes], "licences": [codes],
    # "tags": [codes], "regions": [codes]}; an absent or empty list does not restrict.
    scope = models.JSONField(_("抽查对象范围"), default=dict, blank=True)
    scope_description = models.CharField(_("抽查对象说明"), max_length=255, blank=True)
    default_ratio = models.DecimalField(
        _("默认抽查比例"), max_digits=7, decimal_places=6, help_text=_("0 到 1 之间，如 0.05 表示 5%")
    )
    times_per_year = models.PositiveSmallIntegerField(_("默认抽查频次（次/年）"), default=1)
    methods = models.JSONField(_("检查方式"), default=list)
    required_qualifications = models.ManyToManyField(
        "inspectors.Qualification", verbose_name=_("检查人员资格要求"), blank=True, related_name="+"
    )
    joint_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("联合抽查部门"), blank=True, related_name="+"
    )
    inspection_basis = models.TextField(_("检查依据"), blank=True)
    inspection_content = models.TextField(_("检查内容"), blank=True)
    inspection_procedure = models.TextField(_("检查流程"), blank=True)
    approval_authority = models.TextField(_("审批权限"), blank=True)
    disclosure_procedure = models.TextField(_("公示程序"), blank=True)
    archiving_method = models.TextField(_("归档方式"), blank=True)
    change_note = models.CharField(_("修订说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交备案时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("备案审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_note = models.CharField(_("审查意见/退回理由"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(default_ratio__gte=0) & models.Q(default_ratio__lte=1),
                name="item_version_ratio_0_1",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status__in=["draft", "filing", "returned"]),
                name="item_version_one_open",
                violation_error_message=_("该事项已有一个正在起草或备案中的版本。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def method_labels(self) -> list[str]:
        labels = dict(self.Method.choices)
        return [labels.get(m, m) for m in self.methods]


class ChecklistQuestion(models.Model):
    """检查表: one question of a version's checklist, with the rule it checks."""

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查内容"), max_length=500)
    basis = models.CharField(_("检查依据"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("检查表条目")
        verbose_name_plural = _("检查表条目")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="checklist_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class FilingEvent(models.Model):
    """One step of a version's filing (备案) history, shown with the version: who drafted,
    submitted, returned (and why), accepted. The audit trail holds the same facts for auditors;
    this is the readable history every reader of the version may see."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("filing event", "起草")
        SUBMITTED = "submitted", pgettext_lazy("filing event", "提交备案")
        RETURNED = "returned", pgettext_lazy("filing event", "退回")
        ACCEPTED = "accepted", pgettext_lazy("filing event", "备案通过并公布")
        SUPERSEDED = "superseded", pgettext_lazy("filing event", "被新版本替代")

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="filing_events"
    )
    action = models.CharField(_("环节"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("备案记录")
        verbose_name_plural = _("备案记录")
        ordering = ["version", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_action_display()}"
