"""The fixed frame of the demo: the region tree and the departments (created here), and the
reference tables of the other apps (industries, tags, licence kinds, qualifications), which
come from their migrations and are only looked up, by code."""

from __future__ import annotations

from dataclasses import dataclass

from spotcheck.accounts.models import Department, Region
from spotcheck.demo.data.catalogue import ITEMS
from spotcheck.demo.data.departments import DEPARTMENTS
from spotcheck.demo.data.geography import CITY, COUNTY, PROVINCE, TOWNS
from spotcheck.demo.data.profiles import OTHER_OBJECTS, PROFILES
from spotcheck.demo.data.qualifications import DEPARTMENT_QUALIFICATIONS
from spotcheck.directory.models import Industry, LicenceKind, Tag
from spotcheck.inspectors.models import Qualification


class DemoDataError(Exception):
    """The demo cannot be loaded (missing reference data, region already there …)."""


@dataclass(frozen=True)
class Frame:
    county: Region
    towns: tuple[Region, ...]  # in the order of data.geography.TOWNS
    departments: dict[str, Department]


@dataclass(frozen=True)
class ReferenceIds:
    industries: dict[str, int]
    tags: dict[str, int]
    licences: dict[str, int]
    qualifications: dict[str, int]


def demo_region_exists() -> bool:
    """The demo has been loaded once the county has its towns."""
    return Region.objects.filter(parent__code=COUNTY[0], level=Region.Level.TOWN).exists()


def ensure_frame() -> tuple[Frame, int]:
    """Create (or reuse, by code) the region tree and the departments. Returns the frame and
    how many rows were created."""
    created = 0

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        nonlocal created
        obj, was_created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )
        created += was_created
        return obj

    province = region(*PROVINCE, Region.Level.PROVINCE, None)
    city = region(*CITY, Region.Level.CITY, province)
    county = region(*COUNTY, Region.Level.COUNTY, city)
    towns = tuple(region(t.code, t.name, Region.Level.TOWN, county) for t in TOWNS)

    departments: dict[str, Department] = {}
    for order, spec in enumerate(DEPARTMENTS, start=1):
        dept, was_created = Department.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "region": county,
                "hosts_joint_office": spec.hosts_joint_office,
                "sort_order": order * 10,
            },
        )
        created += was_created
        departments[spec.code] = dept
    return Frame(county=county, towns=towns, departments=departments), created


def _needed_codes() -> dict[str, set[str]]:
    industries: set[str] = {p.industry for p in PROFILES} | {o[1] for o in OTHER_OBJECTS}
    tags: set[str] = {code for p in PROFILES for code, _ in p.tags} | {t for o in OTHER_OBJECTS for t in o[5]}
    tags |= {"key_supervision", "new_registration", "small_micro", "frequent_complaints"}
    licences: set[str] = {code for p in PROFILES for code, _ in p.licences} | {"fireworks_retail"}
    qualifications: set[str] = {q for quals in DEPARTMENT_QUALIFICATIONS.values() for q in quals}
    qualifications |= {"general_enforcement", "external_expert"}
    for item in ITEMS:
        industries |= set(item.scope.get("industries", []))
        tags |= set(item.scope.get("tags", []))
        licences |= set(item.scope.get("licences", []))
        qualifications |= set(item.qualifications)
    return {"industries": industries, "tags": tags, "licences": licences, "qualifications": qualifications}


_TABLES = {
    "industries": (Industry, "国民经济行业分类（directory 应用的迁移 0004）"),
    "tags": (Tag, "分类标注（directory 应用的迁移 0006）"),
    "licences": (LicenceKind, "许可类别（directory 应用的迁移 0005）"),
    "qualifications": (Qualification, "执法资格（inspectors 应用的迁移 0003）"),
}


def load_reference_ids() -> ReferenceIds:
    """Look the reference rows up by code; refuse with a clear message if a table is empty
    (migrations not run) or a code the demo uses is missing."""
    needed = _needed_codes()
    found: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    for key, (model, label) in _TABLES.items():
        ids = dict(model.objects.values_list("code", "id"))
        if not ids:
            problems.append(f"参考数据表“{label}”为空，请先运行 manage.py migrate。")
            continue
        missing = sorted(needed[key] - ids.keys())
        if missing:
            problems.append(f"参考数据表“{label}”缺少演示数据用到的代码：{'、'.join(missing)}。")
        found[key] = ids
    if problems:
        raise DemoDataError("无法生成演示数据：" + " ".join(problems))
    return ReferenceIds(**found)
