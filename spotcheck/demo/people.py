"""Demo users, memberships, the inspector roster (执法检查人员名录库) and recusals (回避)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from spotcheck.accounts.models import Membership
from spotcheck.demo.accounts import DEMO_PASSWORD, DemoAccount, inspector_username, staff_accounts
from spotcheck.demo.codes import certificate_number
from spotcheck.demo.data.departments import DEPARTMENTS
from spotcheck.demo.data.geography import COUNTY_CODE, TOWNS
from spotcheck.demo.data.names import POSTS, TITLES
from spotcheck.demo.data.qualifications import (
    DEPARTMENT_QUALIFICATIONS,
    EXTERNAL_EXPERT_EMPLOYERS,
    SPECIALTIES,
    THIRD_PARTIES,
)
from spotcheck.demo.random_tools import Weighted, choice, demo_rng, person_name, phone_number
from spotcheck.demo.references import Frame, ReferenceIds
from spotcheck.inspectors.models import Inspector, Recusal

User = get_user_model()
Kind = Inspector.Kind
Availability = Inspector.Availability

_KIND = Weighted(
    [(Kind.CIVIL_SERVANT, 68), (Kind.QUALIFIED_STAFF, 22), (Kind.EXTERNAL_EXPERT, 6), (Kind.THIRD_PARTY, 4)]
)
# 市场监管 staff specialise; food safety is by far the largest field.
_SCJG_FIELDS = Weighted(
    [
        ("food_safety", 30),
        ("special_equipment", 12),
        ("drug_device", 12),
        ("product_quality", 10),
        ("metrology", 8),
        ("price", 6),
        ("online_trade", 5),
        ("advertising", 5),
        ("intellectual_property", 4),
        ("competition", 4),
        ("certification", 3),
        ("standardization", 3),
    ]
)
_TOWN_PICK = Weighted([(index, town.weight) for index, town in enumerate(TOWNS)])
_LEAVE_REASONS = ("年休假", "病假", "产假", "脱产培训")
_RECUSAL_REASONS = (
    "近亲属在该单位担任负责人",
    "本人曾在该单位任职，离职未满三年",
    "与该单位法定代表人存在利害关系",
    "配偶在该单位从事财务工作",
)


@dataclass(frozen=True)
class RosterEntry:
    inspector_id: int
    department_code: str
    holds_certificate: bool


def hashed_demo_password() -> str:
    """Hash the demo password once (Argon2 is slow on purpose); every account reuses it."""
    template = User()
    template.set_password(DEMO_PASSWORD)
    return template.password


def allocate(total: int, weights: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Split ``total`` by weight (largest remainders); every department gets one first when
    there are enough to go round."""
    weights = [(code, w) for code, w in weights if w > 0]
    result = {code: 0 for code, _ in weights}
    if total <= 0 or not weights:
        return result
    if total >= len(weights):
        for code, _ in weights:
            result[code] = 1
        total -= len(weights)
    weight_sum = sum(w for _, w in weights)
    shares = [(code, total * w / weight_sum) for code, w in weights]
    for code, share in shares:
        result[code] += int(share)
    left = total - sum(int(share) for _, share in shares)
    by_remainder = sorted(shares, key=lambda cs: (-(cs[1] - int(cs[1])), cs[0]))
    for code, _ in by_remainder[:left]:
        result[code] += 1
    return result


def create_staff_accounts(*, seed: object, frame: Frame, password_hash: str) -> dict[str, int]:
    """The fixed accounts and their memberships; returns username → user id."""
    accounts: list[DemoAccount] = staff_accounts(seed)
    # The system administrator keeps users and roles in Django's admin (/admin/).
    users = [
        User(
            username=a.username,
            full_name=a.full_name,
            password=password_hash,
            is_staff=a.role == Membership.Role.SYSADMIN,
            is_superuser=a.role == Membership.Role.SYSADMIN,
        )
        for a in accounts
    ]
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [
            Membership(user=user, department=frame.departments[a.department], role=a.role)
            for user, a in zip(users, accounts, strict=True)
        ]
    )
    return {user.username: user.pk for user in users}


def create_roster(
    *,
    seed: object,
    count: int,
    frame: Frame,
    refs: ReferenceIds,
    anchor: dt.date,
    password_hash: str,
) -> tuple[list[RosterEntry], dict[str, int]]:
    """``count`` inspectors across the departments. Returns the roster and counts."""
    rng = demo_rng(seed, "inspectors")
    per_department = allocate(count, [(d.code, d.inspectors) for d in DEPARTMENTS])
    inspectors: list[Inspector] = []
    qualification_codes: list[list[str]] = []
    jurisdictions: list[list[int]] = []
    usernames: list[str | None] = []
    for index, spec in enumerate(DEPARTMENTS, start=1):
        accounts = 0
        serials = {"cert": 0, Kind.EXTERNAL_EXPERT: 0, Kind.THIRD_PARTY: 0}
        for position in range(per_department.get(spec.code, 0)):
            # The first of each department is a civil servant, so every department has a
            # certificate holder with an account.
            kind = Kind.CIVIL_SERVANT if position == 0 else _KIND.pick(rng)
            inspector = _inspector(rng, spec.code, kind, anchor, frame)
            if kind in Inspector.KINDS_WITH_CERTIFICATE:
                serials["cert"] += 1
                number = certificate_number(COUNTY_CODE, index, serials["cert"])
                inspector.code = number
                inspector.certificate_number = number
                inspector.certificate_expires_on = _certificate_expiry(rng, anchor)
                accounts += 1
                usernames.append(inspector_username(spec.code, accounts))
            else:
                serials[kind] += 1
                letter = "EXP" if kind == Kind.EXTERNAL_EXPERT else "TP"
                inspector.code = f"{letter}-{spec.code}-{serials[kind]:03d}"
                usernames.append(None)
            inspectors.append(inspector)
            qualification_codes.append(_qualifications(rng, spec.code, kind))
            jurisdictions.append(_jurisdictions(rng, frame, spec.code, kind))

    _mark_transfer(inspectors, anchor)

    users: dict[str, object] = {
        username: User(username=username, full_name=inspector.name, password=password_hash, phone=inspector.phone)
        for inspector, username in zip(inspectors, usernames, strict=True)
        if username
    }
    User.objects.bulk_create(users.values())
    memberships = []
    for inspector, username in zip(inspectors, usernames, strict=True):
        if username:
            inspector.user = users[username]
            memberships.append(
                Membership(
                    user=users[username],
                    department_id=inspector.department_id,
                    role=Membership.Role.INSPECTOR,
                    is_active=inspector.availability != Availability.TRANSFERRED,
                )
            )
    Membership.objects.bulk_create(memberships)
    Inspector.objects.bulk_create(inspectors)

    qualification_through = Inspector.qualifications.through
    jurisdiction_through = Inspector.jurisdictions.through
    qualification_rows = [
        qualification_through(inspector_id=inspector.pk, qualification_id=refs.qualifications[code])
        for inspector, codes in zip(inspectors, qualification_codes, strict=True)
        for code in codes
    ]
    jurisdiction_rows = [
        jurisdiction_through(inspector_id=inspector.pk, region_id=region_id)
        for inspector, region_ids in zip(inspectors, jurisdictions, strict=True)
        for region_id in region_ids
    ]
    qualification_through.objects.bulk_create(qualification_rows)
    jurisdiction_through.objects.bulk_create(jurisdiction_rows)

    codes_by_id = {dept.pk: code for code, dept in frame.departments.items()}
    roster = [
        RosterEntry(i.pk, codes_by_id[i.department_id], i.kind in Inspector.KINDS_WITH_CERTIFICATE) for i in inspectors
    ]
    counts = {
        "inspectors": len(inspectors),
        "inspector_accounts": len(users),
        "inspector_qualifications": len(qualification_rows),
        "inspector_jurisdictions": len(jurisdiction_rows),
    }
    return roster, counts


def _inspector(rng: random.Random, dept_code: str, kind: str, anchor: dt.date, frame: Frame) -> Inspector:
    specialties = SPECIALTIES.get(dept_code, ("行政执法",))
    inspector = Inspector(
        department=frame.departments[dept_code],
        kind=kind,
        name=person_name(rng),
        phone=phone_number(rng),
        specialties="、".join(dict.fromkeys(choice(rng, specialties) for _ in range(2))),
    )
    if kind in Inspector.KINDS_WITH_CERTIFICATE:
        inspector.post = choice(rng, POSTS)
        inspector.title = choice(rng, TITLES)
        inspector.can_lead = rng.random() < (0.38 if kind == Kind.CIVIL_SERVANT else 0.12)
        if rng.random() < 0.03:
            start = anchor - dt.timedelta(days=int(rng.random() * 10))
            inspector.availability = Availability.ON_LEAVE
            inspector.availability_from = start
            inspector.availability_until = start + dt.timedelta(days=7 + int(rng.random() * 53))
            inspector.availability_reason = choice(rng, _LEAVE_REASONS)
    elif kind == Kind.EXTERNAL_EXPERT:
        inspector.post = f"外部专家（{choice(rng, EXTERNAL_EXPERT_EMPLOYERS)}）"
        inspector.title = choice(rng, ("高级工程师", "副教授", "教授", "主任医师"))
    else:
        inspector.name = choice(rng, THIRD_PARTIES)
        inspector.post = "受委托第三方机构"
    return inspector


def _certificate_expiry(rng: random.Random, anchor: dt.date) -> dt.date:
    roll = rng.random()
    if roll < 0.04:  # expired, awaiting renewal
        return anchor - dt.timedelta(days=1 + int(rng.random() * 180))
    if roll < 0.09:  # expiring within a month
        return anchor + dt.timedelta(days=int(rng.random() * 31))
    return anchor + dt.timedelta(days=60 + int(rng.random() * 5 * 365))


def _qualifications(rng: random.Random, dept_code: str, kind: str) -> list[str]:
    if dept_code == "SCJG":
        fields = [_SCJG_FIELDS.pick(rng)]
        if rng.random() < 0.5:
            fields.append(_SCJG_FIELDS.pick(rng))
    else:
        fields = list(DEPARTMENT_QUALIFICATIONS.get(dept_code, ()))
    head = ["general_enforcement"] if kind in Inspector.KINDS_WITH_CERTIFICATE else ["external_expert"]
    return list(dict.fromkeys(head + fields))


def _jurisdictions(rng: random.Random, frame: Frame, dept_code: str, kind: str) -> list[int]:
    """市场监管 inspectors work from a town branch (one or two towns); others cover one to
    four towns, a fifth of them the whole county. Outside experts have no 片区."""
    if kind not in Inspector.KINDS_WITH_CERTIFICATE:
        return []
    if dept_code != "SCJG" and rng.random() < 0.2:
        return [town.pk for town in frame.towns]
    wanted = 1 + int(rng.random() * (2 if dept_code == "SCJG" else 4))
    picked = dict.fromkeys(_TOWN_PICK.pick(rng) for _ in range(wanted))
    return [frame.towns[index].pk for index in picked]


def _mark_transfer(inspectors: list[Inspector], anchor: dt.date) -> None:
    """One 市场监管 civil servant has just been transferred out (never matched again)."""
    candidates = [
        i
        for i in inspectors[1:]
        if i.department.code == "SCJG" and i.kind == Kind.CIVIL_SERVANT and i.availability == Availability.ON_DUTY
    ]
    if candidates:
        moved = candidates[-1]
        moved.availability = Availability.TRANSFERRED
        moved.availability_from = anchor - dt.timedelta(days=30)
        moved.availability_reason = "调任常州市市场监督管理局"
        moved.can_lead = False


def create_recusals(
    *,
    seed: object,
    roster: Sequence[RosterEntry],
    object_ids: Sequence[int],
    admins: dict[str, int],
) -> int:
    """A few 回避 between certificate holders and objects of the first batch."""
    holders = [entry for entry in roster if entry.holds_certificate]
    if not holders or not object_ids:
        return 0
    rng = demo_rng(seed, "recusals")
    wanted = max(1, len(roster) // 60)
    pairs: dict[tuple[int, int], RosterEntry] = {}
    for _ in range(wanted * 3):
        if len(pairs) == wanted:
            break
        entry = choice(rng, holders)
        pairs.setdefault((entry.inspector_id, choice(rng, object_ids)), entry)
    Recusal.objects.bulk_create(
        [
            Recusal(
                inspector_id=inspector_id,
                inspection_object_id=object_id,
                reason=choice(rng, _RECUSAL_REASONS),
                created_by_id=admins.get(f"{entry.department_code.lower()}_admin"),
            )
            for (inspector_id, object_id), entry in pairs.items()
        ]
    )
    return len(pairs)
