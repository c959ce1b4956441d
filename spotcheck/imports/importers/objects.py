"""Import of inspection objects (检查对象): upsert by 统一社会信用代码, or by 公开编码 for objects
without one; tags, supervising departments and licences through their tables in bulk; level
changes recorded as ``LevelChange`` rows."""

from __future__ import annotations

import operator
from typing import Any

from django.conf import settings
from django.db import connection

from spotcheck.core import bulk
from spotcheck.directory.models import OBJECT_DATA_COLUMNS, InspectionObject, LevelChange, ObjectLicence
from spotcheck.imports.columns import OBJECT_COLUMNS, OBJECT_DEFAULTS
from spotcheck.imports.importers.base import BaseImporter, Row, group_m2m

_O = InspectionObject
TagLink = InspectionObject.tags.through
DepartmentLink = InspectionObject.supervising_departments.through

# Scalar fields of the object a row may set (everything but the relations and the code).
SCALAR_FIELDS = OBJECT_DATA_COLUMNS
M2M_FIELDS = ("tags", "supervising_departments", "licences")
NEW_OBJECT: dict[str, Any] = {
    "uscc": None,
    "legal_representative": "",
    "address": "",
    "industry_id": None,
    "established_on": None,
    "in_abnormal_list": False,
    "in_serious_violation_list": False,
    "annual_report_year": None,
    "tags": (),
    "supervising_departments": (),
    "licences": (),
    **OBJECT_DEFAULTS,
}
LEVEL_FIELDS = (LevelChange.Field.RISK, LevelChange.Field.CREDIT)
LICENCE_FIELDS = ("inspection_object_id", "kind_id", "number", "valid_until", "retired_at", "retired_reason")


def object_records(ids: list[int], relations: set[str] | frozenset[str] = frozenset(M2M_FIELDS)) -> dict[int, dict]:
    """The import's view of stored objects (the same form a parsed row has), by id: one query
    for the objects and one per relation asked for."""
    if not ids:
        return {}
    found = {
        o["id"]: o
        for o in InspectionObject.objects.filter(**bulk.in_values("id", ids)).values(
            "id", "public_code", *SCALAR_FIELDS
        )
    }
    if "tags" in relations:
        tags = group_m2m(
            TagLink.objects.filter(**bulk.in_values("inspectionobject_id", ids)).values_list(
                "inspectionobject_id", "tag_id"
            )
        )
    if "supervising_departments" in relations:
        departments = group_m2m(
            DepartmentLink.objects.filter(**bulk.in_values("inspectionobject_id", ids)).values_list(
                "inspectionobject_id", "department_id"
            )
        )
    if "licences" in relations:
        active: dict[int, list] = {}
        stored: dict[int, dict] = {}
        for lic in ObjectLicence.objects.filter(**bulk.in_values("inspection_object_id", ids)).values(
            "id", "inspection_object_id", "kind_id", "number", "valid_until", "retired_at"
        ):
            stored.setdefault(lic["inspection_object_id"], {})[(lic["kind_id"], lic["number"])] = lic
            if lic["retired_at"] is None:
                active.setdefault(lic["inspection_object_id"], []).append(
                    (lic["kind_id"], lic["number"], lic["valid_until"])
                )
    for pk, obj in found.items():
        if "tags" in relations:
            obj["tags"] = tags.get(pk, ())
        if "supervising_departments" in relations:
            obj["supervising_departments"] = departments.get(pk, ())
        if "licences" in relations:
            obj["licences"] = tuple(sorted(active.get(pk, ())))
            obj["_licence_rows"] = stored.get(pk, {})
    return found


class ObjectImporter(BaseImporter):
    kind = "objects"
    columns = OBJECT_COLUMNS
    department_fields = ("owner_department_id",)
    key_field = "public_code"
    bulk_load: bulk.BulkLoad | None = None
    # Larger batches than the default: fewer round trips and thread hand-overs per million rows.
    batch_size = 20_000

    def check_headers(self, positions: dict[str, int]) -> list[str]:
        if "uscc" not in positions and "public_code" not in positions:
            return ["缺少“统一社会信用代码”或“公开编码”列（至少要有其中一列）。"]
        return []

    def parse_row(self, number, cells) -> Row:
        row = super().parse_row(number, cells)
        # A blank enum cell means "the default" for a new object and "unchanged" is not
        # what the user wrote, so blank enums fall back to the model's default.
        for name, default in OBJECT_DEFAULTS.items():
            if name in row.record and row.record[name] is None:
                row.record[name] = default
        return row

    # -------------------------------------------------------------- keys

    def row_key(self, row: Row) -> str:
        uscc = row.record.get("uscc")
        code = row.record.get("public_code") or ""
        if uscc:
            if code and code != uscc:
                # Checked against the database later: an existing object keeps its own code.
                row.record["_code_given"] = code
            return uscc
        if not code:
            self.error(
                row,
                "public_code" if "public_code" in self.positions else "uscc",
                "没有统一社会信用代码的对象必须填写公开编码。",
            )
            return f"#row{row.number}"
        return code

    def key_column(self, row: Row) -> str:
        return "uscc" if row.record.get("uscc") else "public_code"

    # -------------------------------------------------------------- existing rows

    def load_existing(self, rows: list[Row]) -> dict[str, dict[str, Any]]:
        usccs = [r.record["uscc"] for r in rows if r.record.get("uscc")]
        codes = [r.key for r in rows if not r.record.get("uscc")]
        if not usccs and not codes:
            return {}
        ids = {*bulk.ids_by_value(InspectionObject, "uscc", usccs).values()}
        ids.update(bulk.ids_by_value(InspectionObject, "public_code", codes).values())
        result: dict[str, dict[str, Any]] = {}
        for obj in object_records(list(ids), relations=set(self.imported_fields)).values():
            result[obj["uscc"] or obj["public_code"]] = obj
            if obj["uscc"] and obj["public_code"] != obj["uscc"]:
                result.setdefault(obj["public_code"], obj)
        return result

    # -------------------------------------------------------------- rules

    def check_row(self, row: Row) -> None:
        record, existing = row.record, row.existing
        if existing is not None:
            if not self.scope.can_write_department(existing["owner_department_id"]):
                self.error(
                    row,
                    self.key_column(row),
                    f"已有对象“{existing['name']}”属于部门“{self.refs.department_label(existing['owner_department_id'])}”，"
                    "您无权修改。",
                )
                return
            given = record.pop("_code_given", None)
            if given and given != existing["public_code"]:
                self.error(row, "public_code", f"公开编码不能修改：该对象的公开编码为“{existing['public_code']}”。")
            if record.get("uscc") is None and existing["uscc"] and "uscc" in record:
                # Matched by 公开编码, but the row clears a registered USCC.
                self.error(row, "uscc", f"不能清除已登记的统一社会信用代码“{existing['uscc']}”。")
            if record.get("uscc") and existing["uscc"] and record["uscc"] != existing["uscc"]:
                self.error(row, "uscc", f"与公开编码“{existing['public_code']}”已登记的统一社会信用代码不一致。")
            record["public_code"] = existing["public_code"]
            kind = record.get("kind", existing["kind"])
            uscc = record.get("uscc", existing["uscc"])
        else:
            given = record.pop("_code_given", None)
            if given:
                self.error(
                    row, "public_code", "有统一社会信用代码的对象，公开编码即统一社会信用代码，请留空或与之相同。"
                )
            record["public_code"] = row.key
            kind = record.get("kind") or OBJECT_DEFAULTS["kind"]
            uscc = record.get("uscc")
        if kind in _O.KINDS_WITH_USCC and not uscc:
            self.error(row, "uscc", "企业、个体工商户和农民专业合作社必须填写统一社会信用代码。")
        if kind not in _O.KINDS_WITH_USCC and uscc:
            self.error(row, "uscc", "产品、工程项目和行为类对象不填写统一社会信用代码。")
        if record.get("annual_report_year") and record["annual_report_year"] > self.today.year:
            self.error(row, "annual_report_year", f"年报年度不能晚于今年（{self.today.year}）。")

    def compared_fields(self):
        return [f for f in self.imported_fields if f != "public_code"]

    # -------------------------------------------------------------- writing

    def write(self, creates: list[Row], updates: list[Row]) -> None:
        if creates:
            self._create(creates)
        if updates:
            self._update(updates)

    def begin(self, estimated_rows: int) -> None:
        # A file that will at least double the directory (an initial load, a province's
        # yearly sync) is written as a bulk load; rebuilding the indexes costs time in
        # proportion to the whole table, so smaller files go row batch by row batch.
        if (
            connection.vendor == "postgresql"
            and estimated_rows >= settings.SPOTCHECK_IMPORT_BULK_LOAD_ROWS
            and estimated_rows >= bulk.estimated_rows(InspectionObject)
        ):
            self.bulk_load = bulk.BulkLoad(InspectionObject, TagLink, DepartmentLink, ObjectLicence)
            self.bulk_load.begin()

    def finish(self) -> None:
        if self.bulk_load is not None:
            self.bulk_load.end()

    def _create(self, rows: list[Row]) -> None:
        # Per-row work here runs a million times for a large file: dict unpacking and
        # itemgetter keep it in C.
        owner = self.department.pk
        records = []
        for row in rows:
            record = {**NEW_OBJECT, **row.record}
            if record.get("owner_department_id") is None:
                record["owner_department_id"] = owner
            records.append(record)
        fields = ("public_code", *SCALAR_FIELDS, "created_at", "updated_at")
        row_values = operator.itemgetter(*fields[:-2])
        stamps = (self.now, self.now)
        reserved = bulk.reserve_ids(InspectionObject, len(records), table_locked=self.bulk_load is not None)
        if reserved is not None:
            values = [(pk, *row_values(r), *stamps) for pk, r in zip(reserved, records, strict=True)]
            bulk.bulk_insert(InspectionObject, ("id", *fields), values)
            ids = {r["public_code"]: pk for r, pk in zip(records, reserved, strict=True)}
        else:
            bulk.bulk_insert(InspectionObject, fields, [(*row_values(r), *stamps) for r in records])
            ids = bulk.ids_by_value(InspectionObject, "public_code", [r["public_code"] for r in records])
        tag_rows, department_rows, licence_rows = [], [], []
        for record in records:
            pk = ids[record["public_code"]]
            tag_rows.extend((pk, tag) for tag in record["tags"])
            department_rows.extend((pk, dep) for dep in record["supervising_departments"])
            licence_rows.extend((pk, kind, number, until, None, "") for kind, number, until in record["licences"])
        bulk.bulk_insert(TagLink, ("inspectionobject_id", "tag_id"), tag_rows)
        bulk.bulk_insert(DepartmentLink, ("inspectionobject_id", "department_id"), department_rows)
        bulk.bulk_insert(ObjectLicence, LICENCE_FIELDS, licence_rows)

    def _update(self, rows: list[Row]) -> None:
        scalar = [f for f in SCALAR_FIELDS if f in self.imported_fields]
        bulk.bulk_update(
            InspectionObject,
            (*scalar, "updated_at"),
            [(row.existing["id"], *(row.record[f] for f in scalar), self.now) for row in rows],
        )
        self._replace_links(rows, "tags", TagLink, "tag_id")
        self._replace_links(rows, "supervising_departments", DepartmentLink, "department_id")
        if "licences" in self.imported_fields:
            self._update_licences(rows)
        self._record_level_changes(rows)

    def _replace_links(self, rows: list[Row], field_name: str, link_model, column: str) -> None:
        if field_name not in self.imported_fields:
            return
        changed = [row for row in rows if row.record[field_name] != row.existing[field_name]]
        if not changed:
            return
        link_model.objects.filter(inspectionobject_id__in=[row.existing["id"] for row in changed]).delete()
        bulk.bulk_insert(
            link_model,
            ("inspectionobject_id", column),
            [(row.existing["id"], value) for row in changed for value in row.record[field_name]],
        )

    def _update_licences(self, rows: list[Row]) -> None:
        """Licences listed in the file are the object's active set: new ones are added,
        re-listed retired ones revived, missing ones retired (never deleted)."""
        inserts, revive, retire = [], [], []
        reason = f"导入文件 {self.file_name} 未列出"[:255]
        for row in rows:
            if row.record["licences"] == row.existing["licences"]:
                continue
            on_file = {(k, n): u for k, n, u in row.record["licences"]}
            stored = row.existing["_licence_rows"]
            for key, until in on_file.items():
                lic = stored.get(key)
                if lic is None:
                    inserts.append((row.existing["id"], key[0], key[1], until, None, ""))
                elif lic["retired_at"] is not None or lic["valid_until"] != until:
                    revive.append((lic["id"], until, None, ""))
            for key, lic in stored.items():
                if key not in on_file and lic["retired_at"] is None:
                    retire.append((lic["id"], lic["valid_until"], self.now, reason))
        bulk.bulk_insert(ObjectLicence, LICENCE_FIELDS, inserts)
        bulk.bulk_update(ObjectLicence, ("valid_until", "retired_at", "retired_reason"), revive + retire)

    def _record_level_changes(self, rows: list[Row]) -> None:
        source = f"导入文件 {self.file_name}"[: LevelChange._meta.get_field("source").max_length]
        changes = []
        for row in rows:
            for level_field in LEVEL_FIELDS:
                name = str(level_field)
                if name in row.record and row.record[name] != row.existing[name]:
                    changes.append(
                        (
                            row.existing["id"],
                            name,
                            row.existing[name] or "",
                            row.record[name],
                            self.today,
                            "批量导入",
                            source,
                            getattr(self.actor, "pk", None),
                            self.now,
                        )
                    )
        bulk.bulk_insert(
            LevelChange,
            (
                "inspection_object_id",
                "field",
                "old_value",
                "new_value",
                "effective_on",
                "reason",
                "source",
                "recorded_by_id",
                "recorded_at",
            ),
            changes,
        )
