"""One importer per kind of row; ``importer_for(kind)`` picks it."""

from __future__ import annotations

from spotcheck.imports.importers.base import BaseImporter, Outcome, Rejected, RowError


def importer_for(kind: str) -> type[BaseImporter]:
    from spotcheck.imports.importers.inspectors import InspectorImporter
    from spotcheck.imports.importers.items import ItemImporter
    from spotcheck.imports.importers.objects import ObjectImporter

    return {"objects": ObjectImporter, "inspectors": InspectorImporter, "items": ItemImporter}[kind]


__all__ = ["BaseImporter", "Outcome", "Rejected", "RowError", "importer_for"]
