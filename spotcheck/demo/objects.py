"""The stream of demo inspection objects: one ``ObjectRow`` at a time, from one seeded RNG.

Nothing is kept per object, so 10^7 rows cost the same memory as 10^3; the batch size only
groups rows for writing and never changes what is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from spotcheck.demo.codes import UsccMaker, licence_number
from spotcheck.demo.data.geography import COUNTY_CODE, COUNTY_NAME, TOWNS
from spotcheck.demo.data.names import ENTERPRISE_FORMS, ENTERPRISE_PREFIXES, SHOP_NAME_PATTERNS
from spotcheck.demo.data.profiles import OTHER_OBJECTS, PROFILES, Profile
from spotcheck.demo.random_tools import Weighted, choice, demo_rng, person_name, trade_name
from spotcheck.demo.references import Frame, ReferenceIds
from spotcheck.directory.models import InspectionObject, LevelChange
from spotcheck.directory.services import PUBLIC_CODE_LETTERS

Kind = InspectionObject.Kind
Status = InspectionObject.Status
Risk = InspectionObject.RiskLevel
Credit = InspectionObject.CreditLevel
Report = InspectionObject.AnnualReport

# Share of products, projects and behaviours among all objects.
OTHER_SHARE = 0.03
USCC_NEW_STYLE_FROM = dt.date(2015, 10, 1)

_STATUS = Weighted([(Status.ACTIVE, 925), (Status.CANCELLED, 45), (Status.REVOKED, 20), (Status.MOVED_OUT, 10)])
_RISK_BY_PROFILE = {
    0: Weighted([(Risk.LOW, 40), (Risk.GENERAL, 48), (Risk.ELEVATED, 10), (Risk.HIGH, 2)]),
    1: Weighted([(Risk.LOW, 20), (Risk.GENERAL, 55), (Risk.ELEVATED, 19), (Risk.HIGH, 6)]),
    2: Weighted([(Risk.LOW, 5), (Risk.GENERAL, 40), (Risk.ELEVATED, 35), (Risk.HIGH, 20)]),
}
# Most B, some A, fewer C, few D (the shape of 市场监管's 信用风险分类 results).
_CREDIT = Weighted([(Credit.A, 20), (Credit.B, 66), (Credit.C, 11), (Credit.D, 3)])
_REPORT = Weighted([(Report.REPORTED, 86), (Report.LATE, 5), (Report.NOT_REPORTED, 9)])
_MANUFACTURING = {f"{n:02d}" for n in range(13, 44)}
_MANUFACTURING_FORMS = Weighted([(f, w) for f, w in ENTERPRISE_FORMS if f != "经营部" and not f.startswith("合伙")])
_TRADE_FORMS = Weighted([(f, w) for f, w in ENTERPRISE_FORMS if f != "厂" and not f.startswith("合伙")])
_PREFIXES = Weighted(ENTERPRISE_PREFIXES)
_TOWN_PICK = Weighted([(index, town.weight) for index, town in enumerate(TOWNS)])
_PROFILE_PICK = Weighted([(p, p.weight) for p in PROFILES])
_KIND_PICK = {p.key: Weighted(p.kinds) for p in PROFILES}

_PENALTY_ABBREVIATIONS = {
    "SCJG": "市监",
    "WSJK": "卫",
    "YJGL": "应急",
    "STHJ": "环",
    "ZJ": "建",
    "JT": "交",
    "NYNC": "农",
    "WGL": "文旅",
    "GA": "公（治）",
    "RS": "人社监",
    "JY": "教",
    "SW": "商务",
    "FGW": "发改",
    "TJ": "统",
    "SWJ": "税稽",
    "HG": "关稽",
    "XF": "消",
    "CG": "城管",
}
_PENALTY_SUMMARIES = {
    "SCJG": (
        "销售超过保质期的食品，没收违法所得并处罚款人民币五千元",
        "未按规定明码标价，给予警告并处罚款人民币二千元",
        "未按规定对特种设备进行定期检验，责令改正并处罚款人民币三万元",
        "发布虚假广告，责令停止发布并处罚款人民币二万元",
        "从业人员未取得健康证明从事接触直接入口食品的工作，警告并处罚款人民币五千元",
    ),
    "WSJK": ("公共场所未按规定对顾客用品用具进行消毒，警告并处罚款人民币一千元",),
    "YJGL": ("未按规定对从业人员进行安全生产教育和培训，责令限期改正并处罚款人民币三万元",),
    "STHJ": ("污染防治设施未正常运行，责令改正并处罚款人民币十万元",),
    "ZJ": ("未取得施工许可证擅自施工，责令停止施工并处罚款人民币五万元",),
    "JT": ("未取得道路运输证从事道路货物运输，责令停止经营并处罚款人民币三千元",),
    "NYNC": ("未按规定建立农药采购、销售台账，责令改正并处罚款人民币二千元",),
    "WGL": ("互联网上网服务营业场所接纳未成年人，警告并处罚款人民币五千元",),
    "GA": ("旅馆未按规定登记住宿旅客信息，处罚款人民币五百元",),
    "XF": ("占用、堵塞疏散通道，责令改正并处罚款人民币一万元",),
}
_DEFAULT_PENALTY = ("违反有关法律法规规定，责令改正并处罚款",)
_LEVEL_REASONS = (
    ("信用风险分类结果更新", "市场监管总局企业信用风险分类管理系统"),
    ("列入经营异常名录", "国家企业信用信息公示系统"),
    ("行政处罚信息归集", "信用中国（江苏常州）"),
    ("部门风险评定", "部门评定"),
    ("移出经营异常名录", "国家企业信用信息公示系统"),
)
_LEAVE_LIKE = (Status.CANCELLED, Status.REVOKED, Status.MOVED_OUT)


@dataclass(slots=True)
class ObjectRow:
    """One object and what hangs off it, ready to write."""

    fields: dict[str, Any]
    tag_ids: list[int] = field(default_factory=list)
    supervisor_ids: list[int] = field(default_factory=list)
    # (licence kind id, number, valid until)
    licences: list[tuple[int, str, dt.date]] = field(default_factory=list)
    # (department id, decision number, decided on, summary)
    penalties: list[tuple[int, str, dt.date, str]] = field(default_factory=list)
    # (field, old, new, effective on, reason, source)
    level_changes: list[tuple[str, str, str, dt.date, str, str]] = field(default_factory=list)


class ObjectGenerator:
    """Deterministic: the same seed, references and anchor date give the same rows."""

    def __init__(
        self,
        *,
        seed: object,
        frame: Frame,
        refs: ReferenceIds,
        anchor: dt.date,
        code_numbers: dict[str, int] | None = None,
    ):
        self.rng: random.Random = demo_rng(seed, "objects")
        self.uscc = UsccMaker(seed, COUNTY_CODE)
        self.frame = frame
        self.refs = refs
        self.anchor = anchor
        self.town_ids = [town.id for town in frame.towns]
        self.dept_ids = {code: dept.id for code, dept in frame.departments.items()}
        self.dept_codes = {dept_id: code for code, dept_id in self.dept_ids.items()}
        self.owner_id = self.dept_ids["SCJG"]
        # Last number used per public-code prefix (continues the directory's counters).
        self.code_numbers: dict[str, int] = dict(code_numbers or {})
        self._penalty_numbers: dict[tuple[str, int], int] = {}
        self.ordinal = 0

    # -- public ------------------------------------------------------------------------------

    def rows(self, count: int) -> Iterator[ObjectRow]:
        for _ in range(count):
            yield self.next_row()

    def next_row(self) -> ObjectRow:
        ordinal = self.ordinal
        self.ordinal += 1
        if self.rng.random() < OTHER_SHARE:
            return self._other_object()
        return self._market_entity(ordinal)

    # -- market entities -----------------------------------------------------------------------

    def _market_entity(self, ordinal: int) -> ObjectRow:
        rng = self.rng
        profile: Profile = _PROFILE_PICK.pick(rng)
        kind = _KIND_PICK[profile.key].pick(rng)
        town_index = _TOWN_PICK.pick(rng)
        town = TOWNS[town_index]
        established = self._established_on()
        uscc = self.uscc.make(kind, ordinal, new_style=established >= USCC_NEW_STYLE_FROM)
        status = _STATUS.pick(rng)
        risk = _RISK_BY_PROFILE[profile.risk].pick(rng)
        credit = _CREDIT.pick(rng)
        report, report_year = self._annual_report(established)
        abnormal = (report == Report.NOT_REPORTED and kind != Kind.INDIVIDUAL and rng.random() < 0.7) or (
            rng.random() < (0.25 if credit in (Credit.C, Credit.D) else 0.01)
        )
        if abnormal and credit == Credit.A:
            credit = Credit.B
        serious = rng.random() < (0.35 if credit == Credit.D else 0.001)
        if serious:
            credit = Credit.D

        row = ObjectRow(
            fields={
                "public_code": uscc,
                "uscc": uscc,
                "kind": kind,
                "name": self._entity_name(profile, kind, town),
                "legal_representative": person_name(rng),
                "address": self._address(town),
                "region_id": self.town_ids[town_index],
                "industry_id": self.refs.industries[profile.industry],
                "status": status,
                "established_on": established,
                "risk_level": risk,
                "credit_level": credit,
                "in_abnormal_list": abnormal,
                "in_serious_violation_list": serious,
                "annual_report_status": report,
                "annual_report_year": report_year,
                "owner_department_id": self.owner_id,
            }
        )
        self._tags(row, profile, kind, established, risk)
        self._supervisors(row, profile.supervisors, profile.extra_supervisors)
        self._licences(row, profile, ordinal, uscc, status)
        self._history(row, credit, risk)
        return row

    def _established_on(self) -> dt.date:
        # Registers are young: about half the entities are under five years old.
        years = min(self.rng.expovariate(1 / 6.5), 34.0)
        return self.anchor - dt.timedelta(days=int(years * 365.25) + 1)

    def _annual_report(self, established: dt.date) -> tuple[str, int | None]:
        # Reports for year Y are due by 30 June of Y+1; entities founded this year owe none.
        last_year = self.anchor.year - 1
        if established.year > last_year:
            return Report.NOT_APPLICABLE, None
        report = _REPORT.pick(self.rng)
        if report == Report.NOT_REPORTED:
            return report, (last_year - 1 if established.year < last_year else None)
        return report, last_year

    def _entity_name(self, profile: Profile, kind: str, town) -> str:
        rng = self.rng
        if kind == Kind.INDIVIDUAL:
            pattern = choice(rng, SHOP_NAME_PATTERNS)
            shop = pattern.format(
                surname=person_name(rng)[0],
                given=choice(rng, "芳华明红军丽平英强燕佳乐"),
                trade=trade_name(rng),
            )
            return f"{COUNTY_NAME}{town.name}{shop}{choice(rng, profile.shop_words)}"
        if kind == Kind.COOPERATIVE:
            head = choice(rng, town.villages) if rng.random() < 0.5 else trade_name(rng)
            return f"{COUNTY_NAME}{head}{choice(rng, profile.coop_words)}专业合作社"
        prefix = _PREFIXES.pick(rng)
        forms = _MANUFACTURING_FORMS if profile.industry in _MANUFACTURING else _TRADE_FORMS
        form = forms.pick(rng)
        if form == "经营部":
            prefix = COUNTY_NAME
        return f"{prefix}{trade_name(rng)}{choice(rng, profile.enterprise_words)}{form}"

    def _address(self, town) -> str:
        rng = self.rng
        if town.is_street or rng.random() < 0.6:
            return f"{COUNTY_NAME}{town.name}{choice(rng, town.roads)}{int(rng.random() * 388) + 1}号"
        village = choice(rng, town.villages)
        return f"{COUNTY_NAME}{town.name}{village}村{int(rng.random() * 18) + 1}组{int(rng.random() * 60) + 1}号"

    def _tags(self, row: ObjectRow, profile: Profile, kind: str, established: dt.date, risk: str) -> None:
        rng = self.rng
        tags = self.refs.tags
        chosen: list[int] = []
        for code, probability in profile.tags:
            if code == "small_micro" and kind != Kind.ENTERPRISE:
                continue
            if rng.random() < probability:
                chosen.append(tags[code])
        if risk == Risk.HIGH and rng.random() < 0.5:
            chosen.append(tags["key_supervision"])
        if rng.random() < 0.01:
            chosen.append(tags["frequent_complaints"])
        if (self.anchor - established).days < 365:
            chosen.append(tags["new_registration"])
        row.tag_ids = list(dict.fromkeys(chosen))

    def _supervisors(self, row: ObjectRow, always: tuple[str, ...], extra: tuple[tuple[str, float], ...]) -> None:
        ids = [self.dept_ids[code] for code in always]
        for code, probability in extra:
            if self.rng.random() < probability:
                ids.append(self.dept_ids[code])
        row.supervisor_ids = list(dict.fromkeys(ids))

    def _licences(self, row: ObjectRow, profile: Profile, ordinal: int, uscc: str, status: str) -> None:
        rng = self.rng
        licences = list(profile.licences)
        if profile.key == "grocery":
            licences.append(("fireworks_retail", 0.02))
        for code, probability in licences:
            if rng.random() >= probability:
                continue
            # Mostly valid for years; a few lapsed (and those of closed entities have lapsed).
            lapsed = status in _LEAVE_LIKE or rng.random() < 0.03
            days = -int(rng.random() * 400) - 1 if lapsed else int(rng.random() * 5 * 365) + 1
            year = self.anchor.year - int(rng.random() * 5)
            number = licence_number(code, region=COUNTY_CODE, serial=ordinal, year=year, uscc=uscc)
            row.licences.append((self.refs.licences[code], number, self.anchor + dt.timedelta(days=days)))

    def _history(self, row: ObjectRow, credit: str, risk: str) -> None:
        """A few penalties and level changes, more often for C/D credit."""
        rng = self.rng
        bad = credit in (Credit.C, Credit.D)
        if rng.random() < (0.15 if bad else 0.012):
            dept_id = choice(rng, row.supervisor_ids)
            code = self.dept_codes[dept_id]
            decided = self.anchor - dt.timedelta(days=int(rng.random() * 1000) + 20)
            key = (code, decided.year)
            self._penalty_numbers[key] = self._penalty_numbers.get(key, 0) + 1
            number = f"溧{_PENALTY_ABBREVIATIONS.get(code, code)}罚〔{decided.year}〕{self._penalty_numbers[key]}号"
            summary = choice(rng, _PENALTY_SUMMARIES.get(code, _DEFAULT_PENALTY))
            row.penalties.append((dept_id, number, decided, summary))
        if rng.random() < (0.4 if bad else 0.03):
            old = choice(rng, [c for c in Credit.values if c != credit])
            reason, source = choice(rng, _LEVEL_REASONS)
            effective = self.anchor - dt.timedelta(days=int(rng.random() * 700) + 5)
            row.level_changes.append((LevelChange.Field.CREDIT, old, credit, effective, reason, source))
        if rng.random() < 0.02:
            old = choice(rng, [r for r in Risk.values if r != risk])
            effective = self.anchor - dt.timedelta(days=int(rng.random() * 700) + 5)
            row.level_changes.append((LevelChange.Field.RISK, old, risk, effective, "部门风险评定", "部门评定"))

    # -- products, projects, behaviours ---------------------------------------------------------

    def _other_object(self) -> ObjectRow:
        rng = self.rng
        kind, industry, template, owner, supervisors, tag_codes = choice(rng, OTHER_OBJECTS)
        town_index = _TOWN_PICK.pick(rng)
        town = TOWNS[town_index]
        # The directory's shape for codes it hands out (letter + county + "-" + six digits).
        prefix = f"{PUBLIC_CODE_LETTERS[kind]}{COUNTY_CODE}"
        number = self.code_numbers.get(prefix, 0) + 1
        self.code_numbers[prefix] = number
        started = self.anchor - dt.timedelta(days=int(rng.random() * 900) + 10)
        name = template.format(
            trade=trade_name(rng),
            year=started.year,
            number=int(rng.random() * 90) + 10,
            town=town.name,
            road=choice(rng, town.roads),
            village=choice(rng, town.villages),
        )
        row = ObjectRow(
            fields={
                "public_code": f"{prefix}-{number:06d}",
                "uscc": None,
                "kind": kind,
                "name": name,
                "legal_representative": person_name(rng),
                "address": self._address(town),
                "region_id": self.town_ids[town_index],
                "industry_id": self.refs.industries[industry],
                "status": Status.ACTIVE,
                "established_on": started if kind == Kind.PROJECT else None,
                "risk_level": _RISK_BY_PROFILE[1].pick(rng),
                "credit_level": Credit.B,
                "in_abnormal_list": False,
                "in_serious_violation_list": False,
                "annual_report_status": Report.NOT_APPLICABLE,
                "annual_report_year": None,
                "owner_department_id": self.dept_ids[owner],
            },
            tag_ids=[self.refs.tags[t] for t in tag_codes],
        )
        self._supervisors(row, supervisors, ())
        return row
