"""The demo's user accounts: one or more per role, all with the same known demo password.
Names are people's names: pages show each person's unit beside it (accounts.units; the
coordinator's is 联席办, though the role is held in 市场监管, which hosts the joint office).

Every department (except 审计) gets ``<code>_admin`` (部门管理员) and ``<code>_approver``
(审核/分管领导); inspectors with an enforcement certificate get accounts named after their
department (the first one ``<code>_inspector``). The joint office has the coordinator, the
system administrator and two witnesses; 卫健 has a third witness (for joint draws, whose
witnesses come from two departments); 审计 has the auditor.
"""

from __future__ import annotations

from dataclasses import dataclass

from spotcheck.accounts.models import Membership
from spotcheck.demo.data.departments import DEPARTMENTS, JOINT_OFFICE_CODE
from spotcheck.demo.random_tools import demo_rng, person_name

# Demo only: printed by `manage.py demo_logins`. A real installation never loads the demo.
DEMO_PASSWORD = "Liyang-demo-2026"  # noqa: S105

Role = Membership.Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    department: str
    role: str


# The account `demo_logins` shows for each role, in this order.
LOGIN_PER_ROLE: tuple[tuple[str, str], ...] = (
    (Role.COORDINATOR, "coordinator"),
    (Role.DEPT_ADMIN, "scjg_admin"),
    (Role.INSPECTOR, "scjg_inspector"),
    (Role.APPROVER, "scjg_approver"),
    (Role.WITNESS, "witness"),
    (Role.AUDITOR, "auditor"),
    (Role.SYSADMIN, "sysadmin"),
)


def inspector_username(department_code: str, position: int) -> str:
    """``scjg_inspector`` for a department's first account-holding inspector, then ``scjg_002`` …"""
    code = department_code.lower()
    return f"{code}_inspector" if position == 1 else f"{code}_{position:03d}"


def staff_accounts(seed: object) -> list[DemoAccount]:
    """The fixed accounts (not the inspectors'); names are drawn from ``seed``."""
    rng = demo_rng(seed, "accounts")
    accounts = [
        DemoAccount("coordinator", person_name(rng), JOINT_OFFICE_CODE, Role.COORDINATOR),
        DemoAccount("sysadmin", person_name(rng), JOINT_OFFICE_CODE, Role.SYSADMIN),
        DemoAccount("auditor", person_name(rng), "SJ", Role.AUDITOR),
        DemoAccount("witness", f"{person_name(rng)}（人大代表）", JOINT_OFFICE_CODE, Role.WITNESS),
        DemoAccount("witness2", f"{person_name(rng)}（公证员）", JOINT_OFFICE_CODE, Role.WITNESS),
    ]
    for dept in DEPARTMENTS:
        if dept.code == "SJ":
            continue
        code = dept.code.lower()
        accounts.append(DemoAccount(f"{code}_admin", person_name(rng), dept.code, Role.DEPT_ADMIN))
        accounts.append(DemoAccount(f"{code}_approver", person_name(rng), dept.code, Role.APPROVER))
    # A joint draw needs witnesses from two departments; drawn last so the names above stay.
    accounts.append(DemoAccount("wsjk_witness", f"{person_name(rng)}（卫健 社会监督员）", "WSJK", Role.WITNESS))
    return accounts
