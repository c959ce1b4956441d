"""Issue 12, item 7, in a real browser: the audit log reads in Chinese and fits a phone."""

import pytest

from spotcheck.audit.services import audit_record
from tests.browser_support import log_in, shot
from tests.factories.directory import InspectionObjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auditor_reads_the_trail_on_a_phone(page, auditor, scjg_admin):
    obj = InspectionObjectFactory(name="溧阳市锦美餐饮有限公司")
    audit_record(actor=scjg_admin, action="directory.object.update", target=obj, before={"name": "旧名"}, after={})
    log_in(page, auditor)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/audit/")
    page.select_option("select[name=action]", "directory.object.update")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/audit/?*")
    text = page.inner_text("main")
    assert "修改检查对象" in text and "溧阳市锦美餐饮有限公司" in text
    assert "directory." not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "audit-list-390")
    page.click("text=#1")
    assert "名称" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "audit-detail-390")
