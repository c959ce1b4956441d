"""Import of inspectors (执法检查人员): upsert by 人员编码; jurisdictions and qualifications
through their tables in bulk."""

from __future__ import annotations

from typing import Any

from spotcheck.core import bulk
from spotcheck.imports.columns import INSPECTOR_COLUMNS, INSPECTOR_DEFAULTS
from spotcheck.imports.importers.base import BaseImporter, Row, group_m2m
from spotcheck.inspectors.models import Inspector

RegionLink = Inspector.jurisdictions.through
QualificationLink = Inspector.qualifications.through

SCALAR_FIELDS = (
    "name",
    "department_id",
    "kind",
    "certificate_number",
    "certificate_expires_on",
    "post",
    "title",
    "phone",
    "can_lead",
    "specialties",
    "availability",
    "availability_from",
    "availability_until",
)
NEW_INSPECTOR: dict[str, Any] = {
    "certificate_number": "",
    "certificate_expires_on": None,
    "post": "",
    "title": "",
    "phone": "",
    "can_lead": False,
    "specialties": "",
    "availability_from": None,
    "availability_until": None,
    "jurisdictions": (),
    "qualifications": (),
    **INSPECTOR_DEFAULTS,
}


def inspector_records(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Stored inspectors in the form a parsed row has, by id (three queries)."""
    if not ids:
        return {}
    found = {i["id"]: i for i in Inspector.objects.filter(id__in=ids).values("id", "code", *SCALAR_FIELDS)}
    regions = group_m2m(RegionLink.objects.filter(inspector_id__in=ids).values_list("inspector_id", "region_id"))
    qualifications = group_m2m(
        QualificationLink.objects.filter(inspector_id__in=ids).values_list("inspector_id", "qualification_id")
    )
    for pk, inspector in found.items():
        inspector["jurisdictions"] = regions.get(pk, ())
        inspector["qualifications"] = qualifications.get(pk, ())
    return found


class InspectorImporter(BaseImporter):
    kind = "inspectors"
    columns = INSPECTOR_COLUMNS
    department_fields = ("department_id",)
    key_field = "code"

    def parse_row(self, number, cells) -> Row:
        row = super().parse_row(number, cells)
        for name, default in INSPECTOR_DEFAULTS.items():
            if name in row.record and row.record[name] is None:
                row.record[name] = default
        return row

    def load_existing(self, rows: list[Row]) -> dict[str, dict[str, Any]]:
        found = inspector_records(list(bulk.ids_by_value(Inspector, "code", [row.key for row in rows]).values()))
        # 执法证号 are unique across all inspectors: who holds the numbers of this batch?
        numbers = {row.record.get("certificate_number") for row in rows} - {None, ""}
        self.certificate_holders = dict(
            Inspector.objects.filter(certificate_number__in=numbers).values_list("certificate_number", "code")
        )
        return {f["code"]: f for f in found.values()}

    def check_row(self, row: Row) -> None:
        record, existing = row.record, row.existing
        if existing is not None and not self.scope.can_write_department(existing["department_id"]):
            self.error(
                row,
                "code",
                f"已有人员“{existing['name']}”属于部门“{self.refs.department_label(existing['department_id'])}”，您无权修改。",
            )
            return
        number = record.get("certificate_number")
        if number:
            holder = self.certificate_holders.get(number)
            if holder is not None and holder != row.key:
                self.error(row, "certificate_number", f"该执法证号已登记在人员“{holder}”名下。")
            first = self.seen_certificates.get(number)
            if first is not None:
                self.error(row, "certificate_number", f"与第 {first} 行的执法证号重复。")
            else:
                self.seen_certificates[number] = row.number
        merged = {**NEW_INSPECTOR, **(existing or {}), **record}
        start, until = merged["availability_from"], merged["availability_until"]
        if start and until and until < start:
            self.error(row, "availability_until", "状态截止日期不能早于起始日期。")

    @property
    def seen_certificates(self) -> dict[str, int]:
        if not hasattr(self, "_seen_certificates"):
            self._seen_certificates: dict[str, int] = {}
        return self._seen_certificates

    def write(self, creates: list[Row], updates: list[Row]) -> None:
        if creates:
            records = [{**NEW_INSPECTOR, **row.record} for row in creates]
            fields = ("code", *SCALAR_FIELDS, "created_at", "updated_at")
            bulk.bulk_insert(
                Inspector, fields, [(*tuple(r[f] for f in fields[:-2]), self.now, self.now) for r in records]
            )
            ids = bulk.ids_by_value(Inspector, "code", [r["code"] for r in records])
            bulk.bulk_insert(
                RegionLink,
                ("inspector_id", "region_id"),
                [(ids[r["code"]], region) for r in records for region in r["jurisdictions"]],
            )
            bulk.bulk_insert(
                QualificationLink,
                ("inspector_id", "qualification_id"),
                [(ids[r["code"]], q) for r in records for q in r["qualifications"]],
            )
        if updates:
            scalar = [f for f in SCALAR_FIELDS if f in self.imported_fields]
            bulk.bulk_update(
                Inspector,
                (*scalar, "updated_at"),
                [(row.existing["id"], *(row.record[f] for f in scalar), self.now) for row in updates],
            )
            for field_name, link, column in (
                ("jurisdictions", RegionLink, "region_id"),
                ("qualifications", QualificationLink, "qualification_id"),
            ):
                if field_name not in self.imported_fields:
                    continue
                changed = [row for row in updates if row.record[field_name] != row.existing[field_name]]
                if not changed:
                    continue
                link.objects.filter(inspector_id__in=[row.existing["id"] for row in changed]).delete()
                bulk.bulk_insert(
                    link,
                    ("inspector_id", column),
                    [(row.existing["id"], value) for row in changed for value in row.record[field_name]],
                )
