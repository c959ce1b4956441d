"""The member departments of 溧阳市's joint-inspection meeting (联席会议), as in DESIGN.md.

市场监管 hosts the 联席会议办公室. 审计 holds the demo auditor's account; it owns no items.
``inspectors`` is the department's share of the roster (市场监管 has by far the most).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    short_name: str
    inspectors: int
    hosts_joint_office: bool = False


DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment("SCJG", "溧阳市市场监督管理局", "市场监管", 60, hosts_joint_office=True),
    DemoDepartment("FGW", "溧阳市发展和改革委员会", "发改", 6),
    DemoDepartment("JY", "溧阳市教育局", "教育", 8),
    DemoDepartment("GA", "溧阳市公安局", "公安", 14),
    DemoDepartment("RS", "溧阳市人力资源和社会保障局", "人社", 8),
    DemoDepartment("STHJ", "常州市溧阳生态环境局", "生态环境", 14),
    DemoDepartment("ZJ", "溧阳市住房和城乡建设局", "住建", 14),
    DemoDepartment("JT", "溧阳市交通运输局", "交通运输", 12),
    DemoDepartment("NYNC", "溧阳市农业农村局", "农业农村", 14),
    DemoDepartment("SW", "溧阳市商务局", "商务", 6),
    DemoDepartment("WGL", "溧阳市文体广电和旅游局", "文广旅", 10),
    DemoDepartment("WSJK", "溧阳市卫生健康局", "卫健", 14),
    DemoDepartment("YJGL", "溧阳市应急管理局", "应急管理", 14),
    DemoDepartment("TJ", "溧阳市统计局", "统计", 5),
    DemoDepartment("SWJ", "国家税务总局溧阳市税务局", "税务", 10),
    DemoDepartment("HG", "常州海关驻溧阳办事处", "海关", 5),
    DemoDepartment("XF", "溧阳市消防救援大队", "消防救援", 10),
    DemoDepartment("CG", "溧阳市城市管理局", "城管", 8),
    DemoDepartment("SJ", "溧阳市审计局", "审计", 0),
)

DEPARTMENT_CODES: tuple[str, ...] = tuple(d.code for d in DEPARTMENTS)
JOINT_OFFICE_CODE = "SCJG"
