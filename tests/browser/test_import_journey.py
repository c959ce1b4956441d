"""The journey of issue 2 in a real browser: a 市场监管 department admin imports an xlsx of
objects with one bad row (the error is shown, nothing is written), fixes it, imports again, and
finds an object by two characters of its name."""

import re

import pytest

from spotcheck.directory.models import InspectionObject
from tests.browser_support import log_in, shot
from tests.factories import OBJECT_HEADER, make_uscc, object_row, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(bad: bool) -> list[list]:
    good_a = make_uscc(101)
    good_b = make_uscc(102)
    broken = make_uscc(103)[:-1] + ("0" if make_uscc(103)[-1] != "0" else "1")  # wrong check digit
    # Only codes the ``codes`` fixture makes: a live-server test starts from an empty database.
    tags = {"分类标注": "catering"}
    return [
        OBJECT_HEADER,
        object_row(good_a, name="溧阳市天目湖鱼头馆有限公司", **tags),
        object_row(broken if bad else make_uscc(103), name="溧阳市南渡青团食品店", **tags),
        object_row(good_b, name="溧阳市社渚茶叶专业合作社", **tags),
    ]


def _upload(page, path):
    page.goto(f"{page.base_url}/imports/")
    form = page.locator("form:has(input[name=kind][value=objects])")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/(jobs/)?\d+/$"))


def test_import_fix_and_find(page, scjg_admin, codes, tmp_path):
    log_in(page, scjg_admin)

    bad_file = write_xlsx(tmp_path / "objects-bad.xlsx", _rows(bad=True))
    _upload(page, bad_file)
    page.get_by_text("校验位").first.wait_for()
    body = page.content()
    error_row = page.locator("table tr", has_text="校验位不正确")
    assert error_row.locator("td").first.inner_text().strip() == "3", "the error names the row"
    assert "统一社会信用代码" in error_row.inner_text(), "the error names the column"
    assert "未导入任何数据" in body
    shot(page, "journey-1-import-refused")
    assert InspectionObject.objects.count() == 0, "nothing is written when one row is bad"

    good_file = write_xlsx(tmp_path / "objects-fixed.xlsx", _rows(bad=False))
    _upload(page, good_file)
    page.get_by_text("已导入").first.wait_for()
    shot(page, "journey-2-import-done")
    assert InspectionObject.objects.count() == 3

    page.goto(f"{page.base_url}/objects/")
    page.fill("input[name=q]", "青团")
    page.keyboard.press("Enter")
    page.get_by_text("共 1 个检查对象").wait_for()
    assert page.get_by_role("link", name="溧阳市南渡青团食品店").count() == 1
    assert page.get_by_role("link", name="溧阳市天目湖鱼头馆有限公司").count() == 0
    shot(page, "journey-3-found-by-two-characters")
