"""Import of inspection items (抽查事项). An import never bypasses filing (备案): a row for a new
code creates the item with a draft version 1; a row for an existing item updates its open draft
(or returned version), or starts a new draft from the latest version. The published version is
never touched; the department submits the draft for filing as usual."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from spotcheck.catalog.models import ChecklistQuestion, InspectionItem, ItemVersion
from spotcheck.core import bulk
from spotcheck.imports.columns import ITEM_COLUMNS as COLUMNS
from spotcheck.imports.columns import ITEM_DEFAULTS, SCOPE_KEY_NAMES
from spotcheck.imports.importers.base import BaseImporter, Row, group_m2m

_V = ItemVersion
QualificationLink = ItemVersion.required_qualifications.through
DepartmentLink = ItemVersion.joint_departments.through

TEXT_FIELDS = (
    "name",
    "category",
    "legal_basis",
    "implementing_body",
    "scope_description",
    "default_ratio",
    "times_per_year",
    *_V.GUIDELINE_FIELDS,
    "change_note",
)
EDITABLE = _V.EDITABLE_STATUSES
OPEN = _V.OPEN_STATUSES
NEW_VERSION: dict[str, Any] = {
    "sub_items": (),
    "scope": (),
    "scope_description": "",
    "methods": (),
    "required_qualifications": (),
    "joint_departments": (),
    **dict.fromkeys(_V.GUIDELINE_FIELDS, ""),
    "checklist": (),
    "change_note": "",
    **ITEM_DEFAULTS,
}


def scope_as_tuple(scope: dict | None) -> tuple:
    scope = scope or {}
    return tuple((key, tuple(sorted(scope[key]))) for key in SCOPE_KEY_NAMES if scope.get(key))


def item_records(
    ids: list[int], *, published_only: bool = False, readable_departments: frozenset[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Stored items in the form a parsed row has, by item id: the open version's content when
    there is one (that is what an import edits), else the latest version's. With
    ``published_only``, items of departments outside ``readable_departments`` show their
    published (current) version: other departments' drafts are not public."""
    items = {
        i["id"]: i
        for i in InspectionItem.objects.filter(id__in=ids).values("id", "code", "department_id", "current_version_id")
    }
    base: dict[int, dict[str, Any]] = {}
    for version in (
        ItemVersion.objects.filter(item_id__in=items)
        .order_by("item_id", "-number")
        .values("id", "item_id", "number", "status", "sub_items", "scope", "methods", *TEXT_FIELDS)
    ):
        item = items[version["item_id"]]
        item.setdefault("max_number", version["number"])
        if published_only and item["department_id"] not in (readable_departments or ()):
            if version["id"] == item["current_version_id"]:
                base[item["id"]] = version
            continue
        current = base.get(item["id"])
        # The open version if there is one, else the latest.
        if current is None or (version["status"] in OPEN and current["status"] not in OPEN):
            base[item["id"]] = version
    version_ids = [v["id"] for v in base.values()]
    qualifications = group_m2m(
        QualificationLink.objects.filter(itemversion_id__in=version_ids).values_list(
            "itemversion_id", "qualification_id"
        )
    )
    departments = group_m2m(
        DepartmentLink.objects.filter(itemversion_id__in=version_ids).values_list("itemversion_id", "department_id")
    )
    questions: dict[int, list] = {}
    for q in ChecklistQuestion.objects.filter(version_id__in=version_ids).order_by("version_id", "position"):
        questions.setdefault(q.version_id, []).append((q.text, q.basis))
    result = {}
    for item in items.values():
        version = base.get(item["id"])
        record = {"item_id": item["id"], "code": item["code"], "department_id": item["department_id"]}
        if version is not None:
            record.update({f: version[f] for f in TEXT_FIELDS})
            record.update(
                version_id=version["id"],
                status=version["status"],
                max_number=item.get("max_number", 0),
                sub_items=tuple(version["sub_items"] or ()),
                scope=scope_as_tuple(version["scope"]),
                methods=tuple(version["methods"] or ()),
                required_qualifications=qualifications.get(version["id"], ()),
                joint_departments=departments.get(version["id"], ()),
                checklist=tuple(questions.get(version["id"], ())),
            )
        result[item["id"]] = record
    return result


class ItemImporter(BaseImporter):
    kind = "items"
    columns = COLUMNS
    department_fields = ("department_id",)
    key_field = "code"
    batch_size = 500
    # Items are few and written through the ORM with full_clean: no background writer.
    parallel_writes = False

    def parse_row(self, number, cells) -> Row:
        row = super().parse_row(number, cells)
        for name, default in ITEM_DEFAULTS.items():
            if name in row.record and row.record[name] is None:
                row.record[name] = default
        return row

    def load_existing(self, rows: list[Row]) -> dict[str, dict[str, Any]]:
        ids = InspectionItem.objects.filter(code__in=[row.key for row in rows]).values_list("id", flat=True)
        return {record["code"]: record for record in item_records(list(ids)).values()}

    def check_row(self, row: Row) -> None:
        record, existing = row.record, row.existing
        if existing is None:
            return
        label = self.refs.department_label(existing["department_id"])
        if not self.scope.can_write_department(existing["department_id"]):
            self.error(row, "code", f"事项属于部门“{label}”，您无权修改。")
            return
        if record["department_id"] != existing["department_id"]:
            self.error(row, "department_id", f"事项的所属部门（{label}）不能通过导入修改。")
        if existing.get("status") == _V.Status.FILING:
            self.error(row, "code", "该事项有待备案审查的版本，审查完成前不能通过导入修改。")

    def compared_fields(self):
        return [f for f in self.imported_fields if f not in {"code", "department_id"}]

    def write(self, creates: list[Row], updates: list[Row]) -> None:
        for row in creates:
            item = InspectionItem(department_id=row.record["department_id"], code=row.record["code"])
            item.full_clean()
            item.save()
            self._save_version(row, item.pk, None, {**NEW_VERSION, **row.record}, number=1)
        for row in updates:
            existing = row.existing
            base = {f: existing[f] for f in existing if f in NEW_VERSION or f in TEXT_FIELDS or f == "name"}
            merged = {**NEW_VERSION, **base, **row.record}
            if existing.get("status") in EDITABLE:
                self._save_version(row, existing["item_id"], existing["version_id"], merged, number=None)
            else:
                self._save_version(row, existing["item_id"], None, merged, number=existing.get("max_number", 0) + 1)

    def _save_version(self, row: Row, item_id: int, version_id: int | None, data: dict, number: int | None) -> None:
        values = {f: data[f] for f in TEXT_FIELDS}
        values.update(
            sub_items=list(data["sub_items"]),
            scope={key: list(codes) for key, codes in data["scope"]},
            methods=list(data["methods"]),
        )
        if version_id is None:
            version = ItemVersion(
                item_id=item_id, number=number, status=_V.Status.DRAFT, created_by=self.actor, **values
            )
        else:
            version = ItemVersion.objects.get(pk=version_id)
            for name, value in values.items():
                setattr(version, name, value)
        try:
            version.full_clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                self.error(row, field_name if field_name in self.columns_by_field else "code", "".join(messages))
            return
        if version_id is None:
            version.save()
            self._filing_event(version)
        else:
            version.save(update_fields=list(values))
            QualificationLink.objects.filter(itemversion_id=version.pk).delete()
            DepartmentLink.objects.filter(itemversion_id=version.pk).delete()
            ChecklistQuestion.objects.filter(version_id=version.pk).delete()
        bulk.bulk_insert(
            QualificationLink,
            ("itemversion_id", "qualification_id"),
            [(version.pk, q) for q in data["required_qualifications"]],
        )
        bulk.bulk_insert(
            DepartmentLink, ("itemversion_id", "department_id"), [(version.pk, d) for d in data["joint_departments"]]
        )
        bulk.bulk_insert(
            ChecklistQuestion,
            ("version_id", "position", "text", "basis"),
            [(version.pk, position, text, basis) for position, (text, basis) in enumerate(data["checklist"], start=1)],
        )

    def _filing_event(self, version: ItemVersion) -> None:
        # The catalog keeps a readable filing history per version (FilingEvent); the import's
        # drafts start it like drafts made on the page.
        from spotcheck.catalog import models as catalog_models

        event_model = getattr(catalog_models, "FilingEvent", None)
        if event_model is None:
            return
        event_model.objects.create(
            version=version,
            action=event_model.Action.CREATED,
            actor=self.actor,
            note=f"导入文件 {self.file_name}"[:500],
            created_at=self.now,
        )
