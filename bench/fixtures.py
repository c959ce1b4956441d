"""What the bench scripts build before they measure: departments, a published item, a roster of
inspectors and a directory of objects written by SQL. One home for what bench_draw.py and
bench_inspections.py both need; each call finds what an earlier run made and makes it once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from spotcheck.accounts.models import Department, Region, User
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.core.bulk import BulkLoad
from spotcheck.directory.models import InspectionObject
from spotcheck.inspectors.models import Inspector


def departments(region: Region, names: Sequence[tuple[str, str]]) -> list[Department]:
    """(code, name) each, in ``region``; the name is also the short name."""
    return [
        Department.objects.get_or_create(code=code, defaults={"name": name, "short_name": name, "region": region})[0]
        for code, name in names
    ]


def published_item(code: str, department: Department, implementing_body: str) -> ItemVersion:
    """The item ``code`` of ``department`` with a published first version (on-site, 1 %)."""
    item, _ = InspectionItem.objects.get_or_create(code=code, defaults={"department": department})
    version = item.versions.filter(status=ItemVersion.Status.PUBLISHED).first()
    if version is None:
        version = ItemVersion.objects.create(
            item=item,
            number=1,
            status=ItemVersion.Status.PUBLISHED,
            name="基准抽查事项",
            legal_basis="《基准条例》",
            implementing_body=implementing_body,
            methods=[ItemVersion.Method.ON_SITE],
            default_ratio=Decimal("0.01"),
            published_at=timezone.now(),
        )
        item.current_version = version
        item.save(update_fields=["current_version"])
    return version


def inspectors(departments: Sequence[Department], prefix: str, count: int, first_user: User | None = None) -> None:
    """``count`` civil servants on duty, alternating between the departments, every fourth able
    to lead, codes ``prefix`` + number; the first one is ``first_user``'s. Once: nothing is
    written when the departments have inspectors already."""
    if Inspector.objects.filter(department__in=departments).exists():
        return
    Inspector.objects.bulk_create(
        Inspector(
            department=departments[i % len(departments)],
            code=f"{prefix}{i:06d}",
            name=f"检查员{i}",
            kind=Inspector.Kind.CIVIL_SERVANT,
            certificate_number=f"{prefix}{i:06d}",
            certificate_expires_on=dt.date(2035, 12, 31),
            availability=Inspector.Availability.ON_DUTY,
            can_lead=i % 4 == 0,
            user=first_user if i == 0 else None,
        )
        for i in range(count)
    )


def generate_objects(
    owner: Department,
    numbers: range,
    *,
    code_digit: str,
    name: str,
    credit_sql: str = "'B'",
    region_sql: str = "%s",
    region_params: Sequence[object] = (),
) -> None:
    """Objects ``numbers`` (their g), loaded the way the importer loads a large file: distinct
    18-character codes (``code_digit`` then a hash of g), names ``name`` + g. ``credit_sql`` and
    ``region_sql`` are SQL expressions of g (``region_sql`` takes ``region_params``)."""
    with transaction.atomic():
        load = BulkLoad(InspectionObject)
        load.begin()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO directory_inspectionobject (public_code, uscc, kind, name, legal_representative,
                    address, status, risk_level, credit_level, in_abnormal_list, in_serious_violation_list,
                    annual_report_status, retired_reason, created_at, updated_at, owner_department_id, region_id)
                SELECT code, code, 'enterprise', %s || g, '法人', '基准路' || g, 'active', 'general',
                       {credit_sql}, false, false, 'reported', '', now(), now(), %s, {region_sql}
                  FROM (SELECT g, %s || lpad(((g::bigint * 2654435761) %% 100000000000000000)::text, 17, '0')
                               AS code
                          FROM generate_series(%s, %s) AS g) AS s
                """,
                [name, owner.pk, *region_params, code_digit, numbers.start, numbers.stop - 1],
            )
        load.end()
