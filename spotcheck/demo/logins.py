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
