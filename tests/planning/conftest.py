import pytest

from spotcheck.planning import services
from tests.planning.factories import plan_with_entry, published_item


@pytest.fixture
def scjg_item(scjg_admin, coordinator, scjg):
    return published_item(actor=scjg_admin, coordinator=coordinator, department=scjg, code="SCJG-001")


@pytest.fixture
def wsjk_item(wsjk_admin, coordinator, wsjk):
    return published_item(actor=wsjk_admin, coordinator=coordinator, department=wsjk, code="WSJK-001")


@pytest.fixture
def draft_plan(scjg_admin, scjg, scjg_item):
    plan, _entry = plan_with_entry(actor=scjg_admin, department=scjg, item=scjg_item)
    return plan


@pytest.fixture
def published_plan(draft_plan, scjg_admin, scjg_approver, coordinator):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    services.plan_file(actor=coordinator, plan=draft_plan)
    return services.plan_publish(actor=scjg_admin, plan=draft_plan)
