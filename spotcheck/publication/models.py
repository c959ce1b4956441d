"""What has been made public of the results: one ``ResultNotice`` per task (检查结果公告) and, in
it, one ``PublishedResult`` row per published version of a result. A row holds the public record
itself (``record``, built by ``public_record.public_record``): the portal and the open data read
only these rows, never the results' working tables, so nothing that was not published can leak
through them. A correction adds a version and supersedes the last; a withdrawal marks the row.
Neither deletes: the old text stays here and in the audit trail for the auditor, while the
portal shows only the current text with the correction's note."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultNotice(models.Model):
    """「{机关}{年}年度第{N}号抽查任务检查结果公告」: numbered per department and year when the
    first of the task's results is published; later results of the task join it."""

    task = models.OneToOneField(
        "draws.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="result_notice"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("抽查机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("公告序号"))
    first_published_at = models.DateTimeField(_("首次公示时间"))
    updated_at = models.DateTimeField(_("最近更新时间"))

    class Meta:
        verbose_name = _("检查结果公告")
        verbose_name_plural = _("检查结果公告")
        ordering = ["-first_published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "number"], name="result_notice_number_unique"),
        ]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="result_notice_updated_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _("%(department)s%(year)s年度第%(number)s号抽查任务检查结果公告") % {
            "department": self.department.name,
            "year": self.year,
            "number": self.number,
        }


class PublishedResult(models.Model):
    class State(models.TextChoices):
        CURRENT = "current", _("公示中")
        SUPERSEDED = "superseded", _("已更正（旧版本）")
        WITHDRAWN = "withdrawn", _("已撤下")

    notice = models.ForeignKey(
        ResultNotice, verbose_name=_("检查结果公告"), on_delete=models.PROTECT, related_name="results"
    )
    visit_result = models.ForeignKey(
        "results.VisitResult", verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="publications"
    )
    # The object the result is about, kept here so that an enterprise's page and the search read
    # this table alone.
    inspection_object = models.ForeignKey(
        "directory.InspectionObject", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="+"
    )
    # The notice's department (the task's lead department), kept here too (load14) so that one
    # department's results of a year are read down an index of their own, not found among every
    # result of every one of its notices.
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("抽查机关"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("公示版本"))
    revision = models.PositiveIntegerField(_("所公示的结果版本号"))
    record = models.JSONField(_("公示内容"))
    completed_on = models.DateField(_("抽查完成日期"))
    problem_found = models.BooleanField(_("发现问题"), default=False)
    published_at = models.DateTimeField(_("公示时间"))
    # None when the daily job published it (the audit entry says so).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deadline this version answered: the 20 working days for the first, the 5 of a
    # correction for the later ones; and whether it was met.
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    on_time = models.BooleanField(_("按时公示"), default=True)
    correction_reason = models.CharField(_("更正说明"), max_length=255, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.CURRENT)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤下人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("撤下说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("已公示的检查结果")
        verbose_name_plural = _("已公示的检查结果")
        ordering = ["notice", "completed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit_result", "version"], name="published_result_version_unique"),
            # At most one version of a result is shown at a time (current or withdrawn).
            models.UniqueConstraint(
                fields=["visit_result"],
                condition=~models.Q(state="superseded"),
                name="published_result_one_shown",
            ),
        ]
        indexes = [
            models.Index(fields=["inspection_object", "-completed_on"], name="published_result_object_idx"),
            models.Index(fields=["notice", "state"], name="published_result_notice_idx"),
            models.Index(fields=["department", "-completed_on", "-id"], name="published_result_dept_idx"),
            # The open data's results, latest completion first (scale14): a page is the head of
            # this index, not a sort of 10^6 rows; a walk down it for a common name reads the
            # object and state from the index alone.
            models.Index(
                fields=["-completed_on", "-id", "inspection_object", "state"], name="published_result_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_result_id} v{self.version} ({self.state})"


# ------------------------------------------------------------------ the public search (search14)
# What the portal's search reads (issue 14, item 3), kept by the publication services in the
# same transaction as the published rows (``search_index.refresh``), so that every filter is an
# index scan on a table of published objects only, never a join into the directory or the
# results' working tables. Only public fields: the name as published (masked for a 个体工商户),
# the USCC, and the region and industry, which the national publicity system shows too (登记机关,
# 所属行业), copied from the directory at publication.


class PublicObject(models.Model):
    """One row per object with a result shown on the portal (current or withdrawn): what a row
    of the search shows, and its name, code, region and industry to search by."""

    inspection_object = models.OneToOneField(
        "directory.InspectionObject",
        verbose_name=_("检查对象"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Not unique: they are copies of the directory's, which enforces that.
    public_code = models.CharField(_("公开编码"), max_length=32)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    # The name's pairs of characters, upper-cased and space-separated (" 溧阳 阳市 …"): on
    # PostgreSQL a GIN index on their array finds a fragment of two characters, which pg_trgm's
    # trigrams cannot (migration 0002). SQLite searches the name with LIKE.
    name_bigrams = models.TextField(_("名称字对"), blank=True)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "directory.Industry", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_count = models.PositiveIntegerField(_("公示中的检查结果数"), default=0)
    latest_completed_on = models.DateField(_("最近抽查完成日期"))
    problem_found = models.BooleanField(_("发现问题"), default=False)

    class Meta:
        verbose_name = _("公示检索对象")
        verbose_name_plural = _("公示检索对象")
        ordering = ["-latest_completed_on", "-pk"]
        indexes = [
            models.Index(fields=["public_code"], name="public_object_code_idx"),
            models.Index(fields=["uscc"], name="public_object_uscc_idx"),
            models.Index(fields=["-latest_completed_on", "-inspection_object"], name="public_object_latest_idx"),
            models.Index(
                fields=["region", "-latest_completed_on", "-inspection_object"], name="public_object_region_idx"
            ),
            models.Index(
                fields=["industry", "-latest_completed_on", "-inspection_object"], name="public_object_industry_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_code})"


class PublicObjectResult(models.Model):
    """One row per current published result and result code in it (a result without codes has one
    row with code ""): the department, date and result to search by, each an index."""

    # Indexed by the composite indexes below, which lead with them.
    public_object = models.ForeignKey(
        PublicObject, verbose_name=_("公示检索对象"), on_delete=models.CASCADE, related_name="results", db_index=False
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("抽查机关"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    completed_on = models.DateField(_("抽查完成日期"))
    # Whether the result found a problem, as this department sees it (in its own items; the
    # lead department: in any).
    problem_found = models.BooleanField(_("发现问题"), default=False)
    code = models.CharField(_("检查结果代码"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("公示检索结果")
        verbose_name_plural = _("公示检索结果")
        # Each filter walks its index from the latest date back (selectors_search): the date,
        # then the object, is the order of the matches.
        indexes = [
            models.Index(fields=["public_object", "completed_on"], name="public_result_object_idx"),
            models.Index(fields=["department", "completed_on", "public_object"], name="public_result_department_idx"),
            models.Index(fields=["problem_found", "completed_on", "public_object"], name="public_result_problem_idx"),
            models.Index(fields=["code", "completed_on", "public_object"], name="public_result_code_idx"),
            models.Index(fields=["completed_on", "public_object"], name="public_result_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_object_id} {self.department_id} {self.completed_on} {self.code}"
