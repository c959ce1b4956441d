"""抽查事项清单 (一单): inspection items, each a chain of filed versions."""

from django.conf import settings
from django.db import models


class InspectionItem(models.Model):
    """The stable identity of an item; what it says lives in its versions."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name="所属部门", on_delete=models.PROTECT, related_name="inspection_items"
    )
    code = models.CharField("事项编码", max_length=32, unique=True)
    current_version = models.OneToOneField(
        "ItemVersion",
        verbose_name="现行版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="最近一个已备案并公布的版本。",
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    retired_reason = models.CharField("停用原因", max_length=255, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "抽查事项"
        verbose_name_plural = "抽查事项"
        ordering = ["department", "code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.code} {name}".strip()


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待备案"
        ACCEPTED = "accepted", "已备案"
        RETURNED = "returned", "已退回"
        SUPERSEDED = "superseded", "已被新版本替代"

    # A version still in the filing process; an item has at most one at a time.
    OPEN_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})
    # Versions that were published: readable by every staff member, forever.
    PUBLISHED_STATUSES = frozenset({Status.ACCEPTED, Status.SUPERSEDED})
    # The department may still change the text.
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})

    class Category(models.TextChoices):
        KEY = "key", "重点检查事项"
        GENERAL = "general", "一般检查事项"

    class Method(models.TextChoices):
        ON_SITE = "on_site", "实地核查"
        DOCUMENT = "document", "书面检查"
        ONLINE = "online", "网络监测"
        THIRD_PARTY = "third_party", "委托第三方"

    item = models.ForeignKey(InspectionItem, verbose_name="抽查事项", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField("事项名称", max_length=200)
    sub_items = models.JSONField("检查子项", default=list, blank=True)
    category = models.CharField("事项类别", max_length=8, choices=Category.choices, default=Category.GENERAL)
    legal_basis = models.TextField("抽查依据")
    implementing_body = models.CharField("实施主体", max_length=200)
    # Structured filter over the objects: {"kinds": [...], "industries": [codes], "licences": [codes],
    # "tags": [codes], "regions": [codes]}; an absent or empty list does not restrict.
    scope = models.JSONField("抽查对象范围", default=dict, blank=True)
    scope_description = models.CharField("抽查对象说明", max_length=255, blank=True)
    default_ratio = models.DecimalField(
        "默认抽查比例", max_digits=7, decimal_places=6, help_text="0 到 1 之间，如 0.05 表示 5%"
    )
    times_per_year = models.PositiveSmallIntegerField("默认抽查频次（次/年）", default=1)
    methods = models.JSONField("检查方式", default=list)
    required_qualifications = models.ManyToManyField(
        "inspectors.Qualification", verbose_name="检查人员资格要求", blank=True, related_name="+"
    )
    joint_departments = models.ManyToManyField(
        "accounts.Department", verbose_name="联合抽查部门", blank=True, related_name="+"
    )
    inspection_basis = models.TextField("检查依据", blank=True)
    inspection_content = models.TextField("检查内容", blank=True)
    inspection_procedure = models.TextField("检查流程", blank=True)
    approval_authority = models.TextField("审批权限", blank=True)
    disclosure_procedure = models.TextField("公示程序", blank=True)
    archiving_method = models.TextField("归档方式", blank=True)
    change_note = models.CharField("修订说明", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交备案时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="备案审查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    review_note = models.CharField("审查意见/退回理由", max_length=500, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(default_ratio__gte=0) & models.Q(default_ratio__lte=1),
                name="item_version_ratio_0_1",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="item_version_one_open",
                violation_error_message="该事项已有一个正在起草或备案中的版本。",
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
        ItemVersion, verbose_name="事项版本", on_delete=models.PROTECT, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查内容", max_length=500)
    basis = models.CharField("检查依据", max_length=500, blank=True)

    class Meta:
        verbose_name = "检查表条目"
        verbose_name_plural = "检查表条目"
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
        CREATED = "created", "起草"
        SUBMITTED = "submitted", "提交备案"
        RETURNED = "returned", "退回"
        ACCEPTED = "accepted", "备案通过并公布"
        SUPERSEDED = "superseded", "被新版本替代"

    version = models.ForeignKey(
        ItemVersion, verbose_name="事项版本", on_delete=models.PROTECT, related_name="filing_events"
    )
    action = models.CharField("环节", max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "备案记录"
        verbose_name_plural = "备案记录"
        ordering = ["version", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_action_display()}"
