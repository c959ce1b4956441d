"""抽查任务: tasks, their frozen pools, the seed ceremony (SC-DRAW-1) and the drawn visits.

A task goes DRAFT → FROZEN (pool, roster and exclusions fixed, digests computed) → ANNOUNCED
(server commitment published) → DRAWN (seed revealed, targets and teams saved). It can be
CANCELLED at any point; a cancelled task keeps everything it had, including a draw.
"""

import zlib
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotcheck.core.fields import CompressedJSONField
from spotcheck.draws.idlist import IdList

# Pool exclusions, visits and team members are written only by the freeze and the draw, in bulk,
# from keys looked up in the same transaction, and the rows they point to are never deleted
# (PROTECT; objects and inspectors are retired, not removed). So these foreign keys are not
# database constraints: a province's freeze excludes millions of deregistered objects and its
# draw writes 3×10^5 references, and checking each at commit took longer than the work itself.
# ``verify_draws`` checks visits and teams against the draw records instead.
_UNCHECKED = {"on_delete": models.PROTECT, "db_constraint": False}


class Task(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常抽查")
        SPECIAL = "special", _("专项抽查")
        JOINT = "joint", _("联合抽查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FROZEN = "frozen", _("对象库已冻结")
        ANNOUNCED = "announced", _("已发布任务公告")
        DRAWN = "drawn", _("已抽取")
        CANCELLED = "cancelled", _("已取消")

    class RedrawStatus(models.TextChoices):
        # A task that replaces a drawn and cancelled one (重新抽取) waits for the joint office.
        NONE = "", _("不是重新抽取")
        REQUESTED = "requested", _("待联席办批准")
        APPROVED = "approved", _("联席办已批准")
        REFUSED = "refused", _("联席办不同意")

    class ListPublication(models.TextChoices):
        WITH_NOTICE = "with_notice", _("随任务公告公布抽取名单")
        AFTER_VISITS = "after_visits", _("检查结束后公布抽取名单")

    code = models.CharField(_("任务编号"), max_length=32, unique=True)
    title = models.CharField(_("任务名称"), max_length=200)
    kind = models.CharField(_("任务类型"), max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("发起部门"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("参与部门"), related_name="joined_tasks"
    )
    items = models.ManyToManyField("catalog.ItemVersion", verbose_name=_("抽查事项"), related_name="tasks")
    plan_entry = models.ForeignKey(
        "planning.PlanEntry",
        verbose_name=_("计划条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("任务所依据的年度抽查计划条目。"),
    )
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查截止日期"))
    scope = models.JSONField(_("抽查对象范围"), default=dict, blank=True)
    frequency_cap_days = models.PositiveIntegerField(
        _("同一事项免检期（天）"), default=365, help_text=_("在此期间内已被抽中检查同一事项的对象不进入对象库。")
    )
    pool_filter = models.JSONField(_("对象库筛选条件"), default=dict, blank=True)
    list_publication = models.CharField(
        _("抽取名单公布方式"), max_length=16, choices=ListPublication.choices, default=ListPublication.WITH_NOTICE
    )
    cross_office = models.BooleanField(_("所所交叉"), default=False)
    exclude_last_inspector = models.BooleanField(_("回避上次检查人员"), default=True)
    # How many visits of this task one inspector may be matched to (the draw engine's "cap");
    # not to be confused with the frequency caps, which limit how often an object is drawn.
    max_visits_per_inspector = models.PositiveIntegerField(_("每名检查人员的任务上限"))
    slots = models.JSONField(_("检查组岗位"), default=list)
    lead_slot = models.CharField(_("组长岗位"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    list_published_at = models.DateTimeField(_("名单公布时间"), null=True, blank=True)
    match_failed_at = models.DateTimeField(
        _("匹配失败时间"), null=True, blank=True, help_text=_("匹配失败后不再接受见证人输入，只能取消任务后重新创建。")
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancelled_reason = models.CharField(_("取消原因"), max_length=255, blank=True)
    # 重新抽取: a task for the same plan entry (or the same scope and items) as a drawn task
    # overlapping its window names that task, cancelled first, and says why (services.task_create).
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("重新抽取所替代的任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    redraw_reason = models.CharField(_("重新抽取原因"), max_length=255, blank=True)
    redraw_status = models.CharField(
        _("重新抽取审批"), max_length=10, choices=RedrawStatus.choices, default=RedrawStatus.NONE, blank=True
    )
    redraw_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重新抽取审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    redraw_decided_at = models.DateTimeField(_("重新抽取审批时间"), null=True, blank=True)
    redraw_decision_reason = models.CharField(_("不同意重新抽取的原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_visits_per_inspector__gte=1), name="task_max_visits_per_inspector_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")), name="task_window_ordered"
            ),
            # A redraw and only a redraw names the task it replaces and carries an approval state.
            models.CheckConstraint(
                condition=models.Q(replaces__isnull=True, redraw_status="")
                | models.Q(replaces__isnull=False, redraw_status__in=["requested", "approved", "refused"]),
                name="task_redraw_names_the_replaced_task",
            ),
        ]
        indexes = [
            # load14: the portal's task notices, newest first (its home page, its task list, the
            # feeds): a page is the head of this index, not a sort of every announced task.
            models.Index(
                fields=["-announced_at", "-id"],
                condition=models.Q(announced_at__isnull=False),
                name="task_announced_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_joint(self) -> bool:
        return self.kind == self.Kind.JOINT

    @property
    def awaits_redraw_approval(self) -> bool:
        """A redraw the joint office has not approved (requested, or refused) is not frozen."""
        return self.redraw_status in (self.RedrawStatus.REQUESTED, self.RedrawStatus.REFUSED)


class TaskStratum(models.Model):
    """分层: an object goes to the first stratum (by position) whose filter it matches."""

    task = models.ForeignKey(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="strata")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("分层名称"), max_length=100)
    filter = models.JSONField(_("分层条件"), default=dict, blank=True)
    ratio = models.CharField(_("抽取比例"), max_length=10, help_text=_("0 到 1 之间的小数，如 0.05"))
    minimum = models.PositiveIntegerField(_("最少抽取数"), null=True, blank=True)
    maximum = models.PositiveIntegerField(_("最多抽取数"), null=True, blank=True)
    count = models.PositiveIntegerField(_("对象数"), null=True, blank=True)
    digest = models.CharField(_("分层摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("任务分层")
        verbose_name_plural = _("任务分层")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="stratum_unique_position"),
            models.UniqueConstraint(fields=["task", "name"], name="stratum_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PoolExclusionGroup(models.Model):
    """Objects that are not in a frozen pool for one reason (and one detail of it: the status
    of a deregistered object, the cap that applied): the pool is explainable. A province's pool
    leaves out millions of deregistered (注销/吊销) objects, so a group holds its objects' primary
    keys in one value, ``object_ids``: 8-byte big-endian integers, in the byte order of the
    objects' public codes — as the freeze reads them. Stored uncompressed on PostgreSQL
    (migration 0009), where a page of them is a substring that reads only its own bytes."""

    class Reason(models.TextChoices):
        INACTIVE = "inactive", _("非存续状态或已停用")
        OUT_OF_SCOPE = "out_of_scope", _("不在抽查事项的对象范围内")
        FILTERED = "filtered", _("不符合任务的对象库筛选条件")
        FREQUENCY_CAP = "frequency_cap", _("免检期内已被抽中检查同一事项（无事不扰）")
        YEARLY_CAP = "yearly_cap", _("近一年被抽中次数已达上限（无事不扰）")
        ONSITE_CAP = "onsite_cap", _("近一年现场检查次数已达上限（无事不扰）")
        NO_STRATUM = "no_stratum", _("不符合任何分层条件")

    ID_BYTES = 8

    task = models.ForeignKey(  # indexed by the unique constraint below
        Task, verbose_name=_("抽查任务"), related_name="exclusion_groups", db_index=False, **_UNCHECKED
    )
    reason = models.CharField(_("排除原因"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("说明"), max_length=255, blank=True)
    count = models.PositiveIntegerField(_("对象数"))
    object_ids = models.BinaryField(_("对象（主键）"))

    class Meta:
        verbose_name = _("对象库排除记录")
        verbose_name_plural = _("对象库排除记录")
        constraints = [
            models.UniqueConstraint(fields=["task", "reason", "detail"], name="pool_exclusion_unique_group"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_reason_display()} {self.detail} ({self.count})"

    @classmethod
    def pack(cls, pks: Iterable[int]) -> bytes:
        return b"".join(pk.to_bytes(cls.ID_BYTES, "big") for pk in pks)

    @classmethod
    def unpack(cls, blob: bytes | memoryview) -> list[int]:
        blob, size = bytes(blob), cls.ID_BYTES
        return [int.from_bytes(blob[k : k + size], "big") for k in range(0, len(blob), size)]


def _pack(lines: Iterable[str]) -> bytes:
    # Level 1: a province's pool is 190 MB of ids; level 6 takes four times as long for a
    # few per cent less.
    return zlib.compress("".join(f"{line}\n" for line in lines).encode(), 1)


def _unpack(blob: bytes | memoryview | None) -> list[str]:
    if not blob:
        return []
    text = zlib.decompress(bytes(blob)).decode()
    return text.split("\n")[:-1]


class FrozenPool(models.Model):
    """The frozen pool of one task: its roster (small, JSON) and the matching exclusions
    (``exclusions``: zlib of ``target\\tinspector`` lines). The members are in
    ``FrozenStratum``, one row per stratum."""

    task = models.OneToOneField(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="frozen_pool")
    member_count = models.PositiveIntegerField(_("对象总数"))
    roster = models.JSONField(_("检查人员名单"), default=list)
    exclusions = models.BinaryField(_("回避名单（压缩）"))
    exclusion_count = models.PositiveIntegerField(_("回避条目数"))
    frozen_on = models.DateField(_("冻结日期"))

    class Meta:
        verbose_name = _("冻结的对象库")
        verbose_name_plural = _("冻结的对象库")

    def __str__(self) -> str:
        return str(self.task)

    @staticmethod
    def pack_exclusions(pairs: Iterable[tuple[str, str]]) -> bytes:
        return _pack(f"{target}\t{inspector}" for target, inspector in pairs)

    def pool(self) -> dict[str, IdList]:
        """Stratum name → its ids in byte order, in name order."""
        return dict(sorted(FrozenStratum.id_lists(self.task_id).items()))

    def exclusion_pairs(self) -> list[tuple[str, str]]:
        return [tuple(line.split("\t", 1)) for line in _unpack(self.exclusions)]  # type: ignore[misc]


class FrozenStratum(models.Model):
    """The members of one stratum of a frozen pool: their public ids in byte order as text,
    ``id\\nid\\n…id`` — a province's stratum is millions of ids, which the database gathers,
    hashes and stores (see ``pool.py``) without a row per id. A stratum gathered in parallel
    (``pool_parallel.py``) is stored in parts, consecutive ranges of its ids in ``part`` order;
    ``id_lists`` joins them. Stored without compression on PostgreSQL (migration 0004): USCCs
    hardly compress, and the draw reads the text back whole."""

    task = models.ForeignKey(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="frozen_strata")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("分层名称"), max_length=100)
    part = models.PositiveSmallIntegerField(_("分段"), default=0)
    count = models.PositiveIntegerField(_("对象数"))
    ids = models.TextField(_("对象编码"), blank=True)

    class Meta:
        verbose_name = _("冻结的分层")
        verbose_name_plural = _("冻结的分层")
        constraints = [
            models.UniqueConstraint(fields=["task", "position", "part"], name="frozen_stratum_unique_position"),
            models.UniqueConstraint(fields=["task", "name", "part"], name="frozen_stratum_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.name}"

    @classmethod
    def id_lists(cls, task_id: int, name: str | None = None) -> dict[str, IdList]:
        """Stratum name → its ids (all parts joined), for every stratum or the one named."""
        rows = cls.objects.filter(task_id=task_id)
        if name is not None:
            rows = rows.filter(name=name)
        texts: dict[str, list[str]] = {}
        counts: dict[str, int] = {}
        for stratum, ids, count in rows.order_by("position", "part").values_list("name", "ids", "count"):
            texts.setdefault(stratum, [])
            counts[stratum] = counts.get(stratum, 0) + count
            if count:
                texts[stratum].append(ids)
        return {stratum: IdList("\n".join(parts), counts[stratum]) for stratum, parts in texts.items()}


class Draw(models.Model):
    """The ceremony of one task. Input and digests are set at freezing, the commitment at the
    announcement, the seed and the result once, at the draw (write-once: services refuse to
    draw a task whose seed exists). The secret is kept from every reader until the seed is."""

    task = models.OneToOneField(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="draw")
    input = models.JSONField(_("抽取输入"))
    input_digest = models.CharField(_("输入摘要"), max_length=64)
    pool_digest = models.CharField(_("对象库摘要"), max_length=64)
    server_secret = models.CharField(_("服务器密钥"), max_length=64, blank=True)
    commitment = models.CharField(_("服务器承诺值"), max_length=64, blank=True)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    result = CompressedJSONField(_("抽取结果"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # engine.match_feasibility at the freeze: whether the teams can be filled whatever the seed
    # (announcing is refused while they cannot); None for a task frozen before the check.
    match_check = models.JSONField(
        _("匹配可行性检查"),
        null=True,
        blank=True,
        help_text=_("冻结时计算：无论随机种子如何，检查组是否都能配齐，以及使其可行的任务上限。"),
    )

    class Meta:
        verbose_name = _("摇号记录")
        verbose_name_plural = _("摇号记录")

    def __str__(self) -> str:
        return str(self.task)

    @property
    def is_drawn(self) -> bool:
        return bool(self.seed)


class WitnessInput(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="witness_inputs")
    position = models.PositiveSmallIntegerField(_("输入顺序"))
    value = models.CharField(_("见证人输入"), max_length=64)
    witness_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("见证人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    witness_name = models.CharField(_("见证人姓名"), max_length=50)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("见证人所在部门"), on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("见证人输入")
        verbose_name_plural = _("见证人输入")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="witness_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.witness_name}"


class Visit(models.Model):
    """One drawn object of a task: one visit carrying every item of the task (进一次门，查多项事)."""

    # No index of their own for task and stratum: the unique constraints below lead with them.
    task = models.ForeignKey(Task, verbose_name=_("抽查任务"), related_name="visits", db_index=False, **_UNCHECKED)
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), related_name="visits", **_UNCHECKED
    )
    stratum = models.ForeignKey(
        TaskStratum, verbose_name=_("分层"), related_name="visits", db_index=False, **_UNCHECKED
    )
    rank = models.PositiveIntegerField(_("抽取序号"))
    public_id = models.CharField(_("对象公开编码"), max_length=32)
    # (dash13) The status of the visit's result, "" before one is entered: a copy that the result
    # services keep in step in the same transaction (results.services), so that the deadline
    # dashboard finds a task's visits not yet done through ``visit_task_result_idx`` instead of
    # probing the result of every visit of every task whose window has ended.
    result_state = models.CharField(
        _("检查结果状态"), max_length=12, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["task", "stratum__name", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["task", "inspection_object"], name="visit_unique_object"),
            models.UniqueConstraint(fields=["stratum", "rank"], name="visit_unique_rank"),
        ]
        indexes = [models.Index(fields=["task", "result_state"], name="visit_task_result_idx")]

    def __str__(self) -> str:
        return f"{self.task.code} #{self.rank} {self.public_id}"


class VisitMember(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("检查"), related_name="members", db_index=False, **_UNCHECKED)
    inspector = models.ForeignKey(
        "inspectors.Inspector", verbose_name=_("执法检查人员"), related_name="visit_slots", **_UNCHECKED
    )
    slot = models.CharField(_("岗位"), max_length=50)
    position = models.PositiveSmallIntegerField(_("岗位序号"))
    is_lead = models.BooleanField(_("组长"), default=False)

    class Meta:
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "slot"], name="visit_member_unique_slot"),
            models.UniqueConstraint(fields=["visit", "inspector"], name="visit_member_unique_inspector"),
        ]

    def __str__(self) -> str:
        return f"{self.slot}: {self.inspector}"


class CeremonyJob(models.Model):
    """A step of the ceremony run by the job worker: freezing a large pool, or drawing from one
    (a province's pool takes seconds to minutes, not for a web request). The step itself is the
    same service in one transaction, so a job that fails or dies leaves the task as it was; its
    message says why, and the operator may ask again. At most one job per task is queued or
    running."""

    class Step(models.TextChoices):
        FREEZE = "freeze", _("冻结对象库")
        DRAW = "draw", _("揭晓并抽取")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未完成")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    task = models.ForeignKey(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="ceremony_jobs")
    step = models.CharField(_("步骤"), max_length=8, choices=Step.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    objects_estimate = models.PositiveBigIntegerField(_("对象数（估计）"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    queue_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("仪式后台任务")
        verbose_name_plural = _("仪式后台任务")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status__in=["queued", "running"]),
                name="ceremony_job_one_active_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.step} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class DrawFrequencyRule(models.Model):
    """无事不扰: how often one object may be drawn in a year by all departments together, set
    by the joint office's coordinator for the region and published on the portal. One per
    region; every change is in the audit trail. (How soon the same item may come back is each
    plan entry's and task's own interval.)"""

    region = models.OneToOneField(
        "accounts.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="draw_frequency_rule"
    )
    max_draws_per_year = models.PositiveSmallIntegerField(
        _("每个对象每年最多被抽中次数"),
        null=True,
        blank=True,
        help_text=_("各部门合计，按抽取前 365 天计算；不填则不限。"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("无事不扰规则")
        verbose_name_plural = _("无事不扰规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_draws_per_year__isnull=True) | models.Q(max_draws_per_year__gte=1),
                name="draw_frequency_rule_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.max_draws_per_year}"


# ------------------------------------------------------------------ on-site cap (issue 13, item 11)


class OnSiteInspection(models.Model):
    """现场检查记录: one on-site inspection of one object by one body (department), what the yearly
    cap per body (无事不扰, ``onsite.py``) counts.

    A routine (日常) inspection comes from a visit's check-in: a visit of a joint task is one
    on-site inspection for EACH department of the task (lead and participating), since each
    body inspects; the visits of a merged visit (合并检查) are each recorded for their own task's
    departments — a merge joins tasks of different departments, and a department on two of the
    merged tasks (a joint task merged with its own) is counted once (``merged_with`` of
    ``onsite.onsite_inspection_record``). 个案 (case) and 专项 (special) inspections are
    recorded by a later issue; whether a row counts toward the cap follows from its kind and
    trigger (``counts_toward_cap``, set by the recording service): a 个案 from 投诉举报 or
    数据监测 and a 专项 ordered from above do not count.
    Never deleted: a row recorded by mistake is withdrawn with a reason."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常检查")
        CASE = "case", _("个案检查")
        SPECIAL = "special", _("专项检查")

    class Trigger(models.TextChoices):
        NONE = "", _("随机抽查")
        COMPLAINT = "complaint", _("投诉举报")
        REFERRAL = "referral", _("转办交办")
        DATA = "data", _("数据监测")
        ORDERED = "ordered", _("上级部署")
        OWN = "own", _("本机关部署")

    # Which triggers go with which kind; those in EXEMPT do not count toward the cap (RULES.md).
    TRIGGERS = {
        Kind.ROUTINE: (Trigger.NONE,),
        Kind.CASE: (Trigger.COMPLAINT, Trigger.REFERRAL, Trigger.DATA),
        Kind.SPECIAL: (Trigger.ORDERED, Trigger.OWN),
    }
    EXEMPT = {(Kind.CASE, Trigger.COMPLAINT), (Kind.CASE, Trigger.DATA), (Kind.SPECIAL, Trigger.ORDERED)}

    inspection_object = models.ForeignKey(
        "directory.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="onsite_inspections",
        db_index=False,  # the counting index below leads with it
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("检查机关"), on_delete=models.PROTECT, related_name="onsite_inspections"
    )
    kind = models.CharField(_("检查类型"), max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    trigger = models.CharField(_("检查来源"), max_length=10, choices=Trigger.choices, default=Trigger.NONE, blank=True)
    counts_toward_cap = models.BooleanField(_("计入年度上限"), default=True)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onsite_inspections",
    )
    inspected_at = models.DateTimeField(_("检查时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    over_cap = models.BooleanField(_("超上限"), default=False)
    over_cap_reason = models.CharField(_("超上限原因"), max_length=255, blank=True)
    # The coordinator has read the flag (the home page's 待办 counts those not yet read).
    reviewed_at = models.DateTimeField(_("联席办已阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联席办已阅人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("现场检查记录")
        verbose_name_plural = _("现场检查记录")
        ordering = ["-inspected_at", "-pk"]
        indexes = [
            models.Index(
                fields=["inspection_object", "department", "inspected_at"], name="onsite_object_department_at"
            ),
            models.Index(fields=["department", "inspected_at"], name="onsite_department_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "department"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="onsite_one_per_visit_and_department",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="routine", trigger="", visit__isnull=False)
                | models.Q(kind="case", trigger__in=["complaint", "referral", "data"])
                | models.Q(kind="special", trigger__in=["ordered", "own"]),
                name="onsite_trigger_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(over_cap=False, over_cap_reason="")
                | models.Q(over_cap=True, over_cap_reason__gt=""),
                name="onsite_over_cap_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | models.Q(withdrawn_at__isnull=False, withdrawn_reason__gt=""),
                name="onsite_withdrawn_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_object_id} {self.department_id} {self.inspected_at:%Y-%m-%d}"

    @classmethod
    def counts(cls, kind: str, trigger: str) -> bool:
        """Whether an inspection of ``kind`` from ``trigger`` counts toward the cap."""
        return (kind, trigger) not in cls.EXEMPT


class DepartmentOnSiteCap(models.Model):
    """A department's own yearly cap on on-site inspections of one object (无事不扰), set by the
    region's coordinator; without a row, or with ``follows_default``, the department has the
    platform's (``SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR``). ``max_per_year`` empty: no cap."""

    department = models.OneToOneField(
        "accounts.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="onsite_cap"
    )
    follows_default = models.BooleanField(_("采用默认上限"), default=True)
    max_per_year = models.PositiveSmallIntegerField(
        _("每年对同一对象最多现场检查次数"), null=True, blank=True, help_text=_("不填则不限。")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("现场检查年度上限")
        verbose_name_plural = _("现场检查年度上限")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_per_year__isnull=True) | models.Q(max_per_year__gte=1),
                name="department_onsite_cap_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(follows_default=False) | models.Q(max_per_year__isnull=True),
                name="department_onsite_cap_default_has_no_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.max_per_year}"
