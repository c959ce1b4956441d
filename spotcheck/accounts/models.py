from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.units import Unit, membership_unit, person_unit


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def unit(self) -> Unit | None:
        """The unit pages show for this person (accounts.units); a list prefetches
        ``memberships__department``."""
        return person_unit(self.memberships.all())

    @property
    def primary_department_id(self) -> int | None:
        """The department the user acts for when nothing else says (their first role's): the
        audit trail files their entries under it."""
        from spotcheck.accounts.scope import scope_for  # scope.py imports this module

        return scope_for(self).primary_department_id


class Region(models.Model):
    """行政区划: GB/T 2260 codes for county and above, 9-digit codes for towns/streets."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        TOWN = "town", _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("部门代码"), max_length=16, unique=True)
    name = models.CharField(_("部门全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=20)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    hosts_joint_office = models.BooleanField(_("联席会议办公室所在部门"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)
    # Issue 13 item 7 (i13-results): whether this department's approver must approve the
    # results of the tasks it leads before they count as final.
    results_need_approval = models.BooleanField(
        _("检查结果须经审批"),
        default=False,
        help_text=_("勾选后，本部门发起的任务的检查结果经执法人员确认后，还须由主体负责人审批才算最终结果。"),
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.short_name


class Membership(models.Model):
    """A user's role in one department. A user may hold several roles."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("联席办协调员")
        DEPT_ADMIN = "dept_admin", _("部门管理员")
        INSPECTOR = "inspector", _("执法检查人员")
        APPROVER = "approver", _("审核/分管领导")
        WITNESS = "witness", _("见证人")
        AUDITOR = "auditor", _("审计人员")
        SYSADMIN = "sysadmin", _("系统管理员")

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="memberships")
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门角色")
        verbose_name_plural = _("部门角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_role_display()}"

    @property
    def unit(self) -> Unit:
        """The unit this role is held for: the joint office for its coordinator (accounts.units)."""
        return membership_unit(self)

    @property
    def is_region_wide(self) -> bool:
        """Coordinator, auditor and system admin see every department's rows."""
        return self.role in {self.Role.COORDINATOR, self.Role.AUDITOR, self.Role.SYSADMIN}

    @property
    def can_write(self) -> bool:
        return self.role in {self.Role.COORDINATOR, self.Role.DEPT_ADMIN, self.Role.SYSADMIN}


class ApiToken(models.Model):
    """A department's system calling the API (``Authorization: Bearer <token>``).

    The token acts as its own service account (``user``): a user without a password who holds one
    role in the token's department, so the API's permissions and the audit trail treat the system
    like any member of that department. Only the SHA-256 of the token is kept (the token carries
    256 random bits, so a fast hash is enough and lets it be looked up by index); the token itself
    is shown once, when it is issued.
    """

    class Access(models.TextChoices):
        WRITE = "dept_admin", _("读写（本部门数据，同部门管理员）")
        READ = "inspector", _("只读（本部门数据，同执法检查人员）")

    name = models.CharField(_("系统名称"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    role = models.CharField(_("权限"), max_length=16, choices=Access.choices)
    user = models.OneToOneField(User, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="api_token")
    prefix = models.CharField(_("令牌前缀"), max_length=16)
    token_hash = models.CharField(_("令牌哈希"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="api_tokens_issued"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens_revoked",
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
