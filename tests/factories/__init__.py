"""Every factory and data builder of the tests, one module per app: ``from tests.factories
import InspectionObjectFactory, make_item``. Factories build rows directly, for set-up;
builders that stand for a user's action (make_item, publish, publish_entry …) go through the
services, as the code under test does. Fixtures live in the conftests and in tests/fixtures/."""

from tests.factories.accounts import PASSWORD, DepartmentFactory, MembershipFactory, RegionFactory, UserFactory
from tests.factories.catalog import item_kwargs, make_item, publish, published_item
from tests.factories.demo import DEMO_ANCHOR, load_demo
from tests.factories.directory import (
    IndustryFactory,
    InspectionObjectFactory,
    LicenceKindFactory,
    ObjectLicenceFactory,
    TagFactory,
    default_town,
    division,
    make_uscc,
    section,
    tag,
)
from tests.factories.draws import (
    ENTRY_STRATA,
    WINDOW,
    add_objects,
    later_window,
    make_big_task,
    publish_entry,
    task_kwargs,
)
from tests.factories.imports import (
    INSPECTOR_HEADER,
    ITEM_HEADER,
    OBJECT_HEADER,
    inspector_row,
    item_row,
    object_row,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from tests.factories.inspections import ALL, pair, proposals_for
from tests.factories.inspectors import InspectorFactory, QualificationFactory, RecusalFactory
from tests.factories.planning import entry_kwargs, plan_with_entry

__all__ = [
    "ALL",
    "DEMO_ANCHOR",
    "ENTRY_STRATA",
    "INSPECTOR_HEADER",
    "ITEM_HEADER",
    "OBJECT_HEADER",
    "PASSWORD",
    "WINDOW",
    "DepartmentFactory",
    "IndustryFactory",
    "InspectionObjectFactory",
    "InspectorFactory",
    "LicenceKindFactory",
    "MembershipFactory",
    "ObjectLicenceFactory",
    "QualificationFactory",
    "RecusalFactory",
    "RegionFactory",
    "TagFactory",
    "UserFactory",
    "add_objects",
    "default_town",
    "division",
    "entry_kwargs",
    "inspector_row",
    "item_kwargs",
    "item_row",
    "later_window",
    "load_demo",
    "make_big_task",
    "make_item",
    "make_uscc",
    "object_row",
    "pair",
    "plan_with_entry",
    "proposals_for",
    "publish",
    "publish_entry",
    "published_item",
    "read_xlsx",
    "section",
    "tag",
    "task_kwargs",
    "write_csv",
    "write_xlsx",
]
