"""Which demo account to show for each role (``manage.py demo_logins``, ``make demo``)."""

from __future__ import annotations

from dataclasses import dataclass

from spotcheck.accounts.models import Membership
from spotcheck.accounts.selectors import role_holders
from spotcheck.demo.accounts import DEMO_PASSWORD, LOGIN_PER_ROLE


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    role_label: str
    department: str


def demo_logins() -> list[DemoLogin]:
    """One active account per role: the demo's usual one, else the first holder of the role.
    The password column says so when an account's password is no longer the demo one."""
    labels = {value: str(label) for value, label in Membership.Role.choices}  # labels are lazy translations
    logins: list[DemoLogin] = []
    for role, preferred in LOGIN_PER_ROLE:
        holders = role_holders(role)
        membership = holders.filter(user__username=preferred).first() or holders.first()
        if membership is None:
            continue
        user = membership.user
        password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else "（已修改，非演示密码）"
        # The unit as pages show it: 联席办 for the coordinator (accounts.units).
        logins.append(DemoLogin(user.username, password, role, labels[role], str(membership.unit.short_name)))
    return logins


@dataclass(frozen=True)
class PortalPointer:
    label: str
    path: str


def portal_pointers() -> list[PortalPointer]:
    """Where the portal shows the demo's results (demo14): the result notices, an enterprise with
    results of two departments, a corrected and a withdrawn result, and the redraw."""
    # Imported here: the portal and publication apps are not needed to list the accounts.
    from django.db.models import Count
    from django.urls import reverse

    from spotcheck.draws.models import Task
    from spotcheck.publication.models import PublishedResult

    shown = PublishedResult.objects.filter(state__in=(PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN))
    if not shown.exists():
        return []
    pointers = [PortalPointer("检查结果公告", reverse("portal:result_notice_list"))]
    two = (
        shown.values("inspection_object__public_code")
        .annotate(departments=Count("notice__department", distinct=True))
        .filter(departments__gte=2)
        .order_by("inspection_object__public_code")
        .first()
    )
    if two is not None:
        code = two["inspection_object__public_code"]
        pointers.append(PortalPointer("两个部门检查结果的企业", reverse("portal:enterprise", args=[code])))
    for label, row in (
        ("更正的检查结果", shown.filter(version__gt=1).order_by("pk").first()),
        ("撤下的检查结果", shown.filter(state=PublishedResult.State.WITHDRAWN).order_by("pk").first()),
    ):
        if row is not None:
            pointers.append(PortalPointer(label, f"{reverse('portal:result_notice', args=[row.notice_id])}#r{row.pk}"))
    redraw = Task.objects.filter(replaces__isnull=False).order_by("pk").first()
    if redraw is not None:
        pointers.append(PortalPointer("重新抽取的任务", reverse("portal:task_detail", args=[redraw.code])))
    return pointers
