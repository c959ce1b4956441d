"""How a version reads on a page: its fields in order as (label, text or list of texts), shared
by the version page, the side-by-side comparison and the printed checklist."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.object_filter import describe_object_filter


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    value: str | list[str]

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


@dataclass(frozen=True)
class DiffRow:
    label: str
    left: str | list[str]
    right: str | list[str]

    @property
    def changed(self) -> bool:
        return self.left != self.right

    @property
    def is_list(self) -> bool:
        return isinstance(self.left, list) or isinstance(self.right, list)


def ratio_percent(ratio: Decimal) -> str:
    """0.050000 → "5%", 0.125 → "12.5%"."""
    percent = (ratio * 100).normalize()
    text = format(percent, "f")
    return f"{text}%"


def _field_label(field: str) -> str:
    return str(ItemVersion._meta.get_field(field).verbose_name)


def version_fields(version: ItemVersion) -> list[FieldView]:
    """Expects the version's qualifications and joint departments prefetched."""
    separator = pgettext("list separator", "、")
    scope_lines = [
        _("%(label)s：%(values)s") % {"label": c.label, "values": separator.join(c.values)}
        for c in describe_object_filter(version.scope)
    ]
    rows = [
        FieldView("name", _field_label("name"), version.name),
        FieldView("category", _field_label("category"), version.get_category_display()),
        FieldView("sub_items", _field_label("sub_items"), list(version.sub_items or [])),
        FieldView("legal_basis", _field_label("legal_basis"), version.legal_basis),
        FieldView("implementing_body", _field_label("implementing_body"), version.implementing_body),
        FieldView("scope", _field_label("scope"), scope_lines or [_("全部检查对象")]),
        FieldView("scope_description", _field_label("scope_description"), version.scope_description),
        FieldView("default_ratio", _field_label("default_ratio"), ratio_percent(version.default_ratio)),
        FieldView("times_per_year", _field_label("times_per_year"), str(version.times_per_year)),
        FieldView("methods", _field_label("methods"), version.method_labels()),
        FieldView(
            "required_qualifications",
            _field_label("required_qualifications"),
            sorted(q.name for q in version.required_qualifications.all()),
        ),
        FieldView(
            "joint_departments",
            _field_label("joint_departments"),
            [d.short_name for d in sorted(version.joint_departments.all(), key=lambda d: (d.sort_order, d.code))],
        ),
    ]
    for field in (*ItemVersion.GUIDELINE_FIELDS, "change_note"):
        rows.append(FieldView(field, _field_label(field), getattr(version, field)))
    return rows


def version_diff(left: ItemVersion, right: ItemVersion) -> list[DiffRow]:
    """Field by field, the checklist last (one line per question)."""
    rows = [
        DiffRow(a.label, a.value, b.value) for a, b in zip(version_fields(left), version_fields(right), strict=True)
    ]

    def checklist(version: ItemVersion) -> list[str]:
        return [f"{q.position}. {q.text}" + (f"（{q.basis}）" if q.basis else "") for q in version.questions.all()]

    rows.append(DiffRow(_("检查表"), checklist(left), checklist(right)))
    return rows
