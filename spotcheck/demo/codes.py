"""Identifiers the demo hands out: 统一社会信用代码, licence and certificate numbers.

A USCC (GB 32100-2015) is 登记管理部门码 + 机构类别码 + 行政区划码 + 主体标识码 (a 9-character
organisation code, GB 11714, with its own check character) + check character. The demo's
主体标识码 come from a seeded affine permutation of the object's ordinal, so they look random,
are reproducible, and never repeat (up to 10^8 objects) without remembering any of them.
"""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc

from spotcheck.demo.random_tools import demo_rng

# 登记管理部门码 9 = 市场监督管理 (工商); its 机构类别码: 1 企业, 2 个体工商户, 3 农民专业合作社.
REGISTRATION_AUTHORITY = "9"
ENTITY_CLASS = {"enterprise": "1", "individual": "2", "cooperative": "3"}

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# USCC characters (no I, O, S, V, Z); also the digits of the post-2015 主体标识码 body.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SPACE = 10**8


def org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


class UsccMaker:
    """Deterministic, collision-free USCCs for the objects of one demo load."""

    def __init__(self, seed: object, region_code: str):
        rng = demo_rng(seed, "uscc")
        # Multiplier coprime with 10^8 (odd, not a multiple of 5): i -> (a*i + b) mod 10^8 is a
        # permutation, so distinct ordinals give distinct 主体标识码.
        multiplier = rng.randrange(10**7, _SPACE)
        while multiplier % 2 == 0 or multiplier % 5 == 0:
            multiplier += 1
        self._multiplier = multiplier
        self._offset = rng.randrange(_SPACE)
        self._region = region_code

    def subject_code(self, ordinal: int, new_style: bool) -> str:
        if not 0 <= ordinal < _SPACE:
            raise ValueError("the demo makes at most 10^8 USCCs per seed")
        value = (self._multiplier * ordinal + self._offset) % _SPACE
        if new_style:
            # 2015 onwards: "MA" + six characters of the USCC alphabet.
            chars = []
            for _ in range(6):
                value, digit = divmod(value, 31)
                chars.append(_USCC_ALPHABET[digit])
            body = "MA" + "".join(reversed(chars))
        else:
            body = f"{value:08d}"
        return body + org_code_check(body)

    def make(self, kind: str, ordinal: int, new_style: bool) -> str:
        head = REGISTRATION_AUTHORITY + ENTITY_CLASS[kind] + self._region + self.subject_code(ordinal, new_style)
        return head + stdnum_uscc.calc_check_digit(head)


def licence_number(kind_code: str, *, region: str, serial: int, year: int, uscc: str | None) -> str:
    """A licence number in the usual shape of its kind (serial keeps numbers distinct)."""
    s6 = f"{serial % 10**6:06d}"
    s5 = f"{serial % 10**5:05d}"
    match kind_code:
        case "food_business":
            body = f"JY1{region}{s6}"
            return body + str(sum(int(c) for c in body[2:]) % 10)
        case "food_production":
            body = f"SC1{serial % 30 + 1:02d}{region}{serial % 10**4:04d}"
            return body + str(sum(int(c) for c in body[2:]) % 10)
        case "drug_business":
            return f"苏CB519{serial % 10**4:04d}"
        case "medical_device_business":
            return f"苏常药监械经营许{year}{serial % 10**4:04d}号"
        case "industrial_product" | "special_equipment_production":
            return f"（苏）XK{serial % 20 + 1:02d}-{serial % 1000:03d}-{s5}"
        case "pollutant_discharge":
            return f"{uscc or region + s6}001{'PQUVW'[serial % 5]}"
        case "safety_production" | "construction_safety":
            return f"（苏）JZ安许证字〔{year}〕{s6}"
        case "public_place_hygiene":
            return f"溧卫公证字（{year}）第{serial % 10**4:04d}号"
        case "road_transport":
            return f"苏交运管许可常字{region}{s6}号"
        case "medical_institution":
            return f"PDY{s5}{region}17A1002"
        case "tobacco_retail":
            return f"{region}{s6}"
        case "special_trade_hotel":
            return f"溧公特旅字第{serial % 10**4:04d}号"
        case "animal_epidemic_prevention":
            return f"（溧）动防合字第{s6}号"
        case "pesticide_business":
            return f"农药经许（苏）{region}{s5}"
        case "seed_business":
            return f"D（苏溧）农种许字（{year}）第{serial % 10**4:04d}号"
        case "veterinary_drug_business":
            return f"（{year}）兽药经营证字{region}{serial % 10**4:04d}号"
        case "hazardous_chemicals_business":
            return f"苏常溧危化经字〔{year}〕{s6}"
        case "fireworks_retail":
            return f"（苏）YH经许证字〔{year}〕{s5}"
        case "refined_oil_retail":
            return f"油零售证书第{region}{serial % 10**4:04d}号"
        case "gas_business":
            return f"苏{year}{region}{serial % 10**4:04d}L"
        case "internet_culture":
            return f"苏网文〔{year}〕{serial % 10**4:04d}-{serial % 1000:03d}号"
        case "entertainment":
            return f"{region}{year}{s5}"
        case "travel_agency":
            return f"L-JS-{s5}"
        case "hr_service":
            return f"苏人服证字〔{year}〕第{region}{serial % 10**4:04d}号"
        case "security_service":
            return f"苏公保服{year}{serial % 1000:03d}号"
        case "private_school":
            return f"教民{region}{s6}号"
        case "publication_business":
            return f"新出发苏常字第溧{s5}号"
        case "telecom_value_added":
            return f"苏B2-{year}{serial % 10**4:04d}"
        case "water_intake":
            return f"取水（苏溧）字〔{year}〕第{s5}号"
        case "drug_production":
            return f"苏{year}{serial % 10**4:04d}"
        case _:
            return f"{kind_code.upper()[:6]}-{region}-{year}-{s6}"


def certificate_number(region: str, department_index: int, serial: int) -> str:
    """江苏省行政执法证 number: region, department and a serial."""
    return f"苏{region}{department_index:02d}{serial:05d}"
