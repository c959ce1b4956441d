from spotcheck.accounts.scope import Scope
from spotcheck.catalog.selectors import items_for_scope
from spotcheck.directory.selectors import objects_for_scope
from spotcheck.inspectors.selectors import inspectors_for_scope


def dashboard_counts(scope: Scope) -> dict[str, int]:
    return {
        "objects": objects_for_scope(scope).count(),
        "inspectors": inspectors_for_scope(scope).count(),
        "items": items_for_scope(scope).count(),
    }
