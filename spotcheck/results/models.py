"""检查结果: what a visit found. One ``VisitResult`` per visit holds the current values, its
``ItemResult`` rows one per item of the visit's task; every saved version is kept whole as a
``ResultRevision`` (a correction after confirmation names its reason, both stay readable);
``ResultConfirmation`` rows record which certified officers confirmed which revision; a
``ResultDraft`` keeps what an inspector is typing, on the server, until it is saved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotcheck.results.codes import Method, NotCarriedOut


class VisitResult(models.Model):
    class Status(models.TextChoices):
        ENTERED = "entered", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        APPROVED = "approved", _("已审批")

    class Outcome(models.TextChoices):
        CARRIED_OUT = "carried_out", _("已检查")
        NOT_CARRIED_OUT = "not_carried_out", _("未能检查")

    visit = models.OneToOneField("draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="result")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ENTERED)
    outcome = models.CharField(_("检查情况"), max_length=16, choices=Outcome.choices, default=Outcome.CARRIED_OUT)
    not_carried_out_reason = models.CharField(
        _("未能检查原因"), max_length=16, choices=NotCarriedOut.choices, blank=True
    )
    not_carried_out_note = models.CharField(_("未能检查说明"), max_length=255, blank=True)
    completed_on = models.DateField(_("抽查完成日期"))
    # The optimistic lock: the number of the current revision. A form carries the number it was
    # loaded at; a save against an older number is refused (409), never silently overwritten.
    revision = models.PositiveIntegerField(_("版本号"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("最后修改时间"))
    confirmed_at = models.DateTimeField(_("确认完成时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # 公示期限: 20 working days after the confirmation (workdays.deadlines.publication_deadline);
    # provisional while the span touches a year whose holiday notice nobody has entered.
    publication_due_on = models.DateField(_("公示期限"), null=True, blank=True)
    publication_due_provisional = models.BooleanField(_("公示期限为暂定"), default=False)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publication_due_on"], name="result_status_due_idx"),
            # (dash13) The deadline dashboard's lists of results, nearest deadline first: read in
            # this order, a page stops after its rows instead of sorting every overdue result.
            models.Index(
                fields=["publication_due_on", "id"],
                condition=models.Q(status__in=["confirmed", "approved"]),
                name="result_final_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="carried_out", not_carried_out_reason="")
                | models.Q(outcome="not_carried_out") & ~models.Q(not_carried_out_reason=""),
                name="result_reason_matches_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(status="entered") | models.Q(confirmed_at__isnull=False),
                name="result_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} r{self.revision}"

    @property
    def is_confirmed(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.APPROVED)


class ItemResult(models.Model):
    """The result of one item of the visit's task (for a merged visit: each visit's own items, so
    each department's items stay under that department)."""

    class Answer(models.TextChoices):
        CONFORMS = "conforms", _("符合")
        NONCONFORMING = "nonconforming", _("不符合")
        NOT_APPLICABLE = "na", _("不涉及")

    visit_result = models.ForeignKey(
        VisitResult, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="items"
    )
    item_version = models.ForeignKey(
        "catalog.ItemVersion", verbose_name=_("检查事项"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("事项所属部门"), on_delete=models.PROTECT, related_name="+"
    )
    checked = models.BooleanField(_("是否检查"), default=True)
    method = models.CharField(_("核查方式"), max_length=2, choices=Method.choices, blank=True)
    adopted_from = models.CharField(
        _("采用结果的部门或机构"),
        max_length=200,
        blank=True,
        help_text=_("核查方式为“采用部门结果/专业意见”或“委托专业机构”时填写。"),
    )
    # 检查结果 codes (results.codes.ResultCode); "1 未发现问题" excludes every other code.
    codes = models.JSONField(_("检查结果"), default=list, blank=True)
    problem_found = models.BooleanField(_("是否发现问题"), default=False)
    # Per checklist question: {"question": id, "answer": Answer, "note": text}.
    answers = models.JSONField(_("检查内容答复"), default=list, blank=True)
    note = models.TextField(_("检查情况说明"), blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项检查结果")
        verbose_name_plural = _("事项检查结果")
        ordering = ["visit_result", "department__sort_order", "item_version__item__code"]
        constraints = [
            models.UniqueConstraint(fields=["visit_result", "item_version"], name="item_result_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_result_id}: {self.item_version_id} {','.join(self.codes)}"


class ResultRevision(models.Model):
    """Every saved version of a visit's result, whole (``data``: the values of the result and of
    each item). Never changed or deleted; a revision made after the result was confirmed names
    its reason (更正)."""

    visit_result = models.ForeignKey(
        VisitResult, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    data = models.JSONField(_("内容"))
    reason = models.CharField(_("更正原因"), max_length=255, blank=True)
    is_correction = models.BooleanField(_("确认后更正"), default=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存人"), on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存时间"))
    # Set when a department's system (``saved_by`` is its API token's service account) saved it
    # for a team officer: who really wrote it stays on record, and the officer counts as the
    # saver for confirmation. Null when a team member saved it themself.
    entered_for = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("代为录入的执法检查人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The id the browser (or a department's system) gave the submission: a resent form is
    # recognised and saved once.
    client_id = models.UUIDField(_("提交标识"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查结果版本")
        verbose_name_plural = _("检查结果版本")
        ordering = ["visit_result", "number"]
        constraints = [
            models.UniqueConstraint(fields=["visit_result", "number"], name="result_revision_unique_number"),
            models.UniqueConstraint(
                fields=["saved_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="result_revision_unique_client_id",
            ),
            models.CheckConstraint(
                condition=models.Q(is_correction=False) | ~models.Q(reason=""), name="result_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_result_id} r{self.number}"

    @property
    def saved_by_label(self) -> str:
        """Who saved it, as pages and the API show it: the person, or "由 {系统} 代 {姓名} 录入"
        (select ``saved_by__api_token`` and ``entered_for`` with it)."""
        return saver_label(self.saved_by, self.entered_for, _("由 %(system)s 代 %(name)s 录入"))


def saver_label(user, inspector, template) -> str:
    """A person's name, or ``template`` with the system's name and the officer's when a
    department's system acted for ``inspector``."""
    if inspector is None:
        return user.display_name
    token = getattr(user, "api_token", None)
    system = token.name if token is not None else user.display_name
    return str(template) % {"system": system, "name": inspector.name}


class ResultConfirmation(models.Model):
    """确认: a certified officer of the team confirms a revision of the result. The result is
    complete when at least two of them (the one who entered it and another) have confirmed its
    current revision; a correction needs confirming again."""

    visit_result = models.ForeignKey(
        VisitResult, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="confirmations"
    )
    revision = models.PositiveIntegerField(_("确认的版本号"))
    inspector = models.ForeignKey(
        "inspectors.Inspector", verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("检查结果确认")
        verbose_name_plural = _("检查结果确认")
        ordering = ["visit_result", "revision", "confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit_result", "revision", "inspector"], name="result_confirmation_once_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_result_id} r{self.revision} {self.inspector_id}"


class ResultDraft(models.Model):
    """草稿: what a user has typed into a visit's result form, kept on the server as they type
    (not a revision: nobody else reads it). ``base_revision`` is the revision the form was loaded
    at (None: no result yet), so a stale draft is recognised when it is submitted."""

    visit = models.ForeignKey("draws.Visit", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("草稿内容"), default=dict)
    base_revision = models.PositiveIntegerField(_("基于版本号"), null=True, blank=True)
    updated_at = models.DateTimeField(_("保存时间"))

    class Meta:
        verbose_name = _("检查结果草稿")
        verbose_name_plural = _("检查结果草稿")
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="result_draft_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.user_id}"
